"""Fixtures every test folder shares (the helpers behind them are in ``support``).

Fixtures here are used by several test modules; keep module-specific helpers in the module.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import REPO
from support.feed_server import FeedServer, running

from store.article import Article
from store.storage.library import create_store, seed_articles

REPO_ROOT = REPO
SEED_FILE = REPO_ROOT / "seeds" / "000_400443abfab150ff.txt"


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """No test reads the real user's config file: ``NEWSDESK_CONFIG`` names one that does not
    exist (a test that wants a config sets its own)."""
    missing = tmp_path_factory.getbasetemp() / "no-config" / "config.toml"
    monkeypatch.setenv("NEWSDESK_CONFIG", str(missing))
    # The preview's "auto" setting depends on these: the suite behaves alike over SSH.
    for name in ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Nothing a test builds (the gazetteers) is kept in the real user's cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def feed_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    """A web server on 127.0.0.1 (``support.feed_server``); no proxy from the environment
    swallows the requests meant for it."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    with running() as server:
        yield server


@pytest.fixture
def seed_path() -> Path:
    """The real seed article shipped in the repository's ``seeds/`` folder."""
    assert SEED_FILE.is_file(), f"seed file missing: {SEED_FILE}"
    return SEED_FILE


@pytest.fixture
def tmp_store(tmp_path: Path, seed_path: Path) -> Path:
    """A fresh store file in ``tmp_path`` holding the bundled seed articles."""
    path = tmp_path / "articles.json"
    create_store(path, seed_articles(seed_path.parent))
    return path


@pytest.fixture
def subprocess_env() -> dict[str, str]:
    """Environment for ``sys.executable`` children that must be able to ``import store``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


_PLACES = ("Zürich", "Genève", "São Paulo", "Montréal", "Kraków", "Oslo", "Lisbon", "Dublin")
_SUBJECTS = (
    "tram line",
    "café terraces",
    "harbour works",
    "budget vote",
    "river flood",
    "night train",
    "library hours",
)
_SOURCES = ("Neue Zürcher Zeitung", "Le Temps", "Folha", "Reuters", "The Irish Times")
_MOODS = ("delighted", "naïve", "worried", "cautious", "furious")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _make_article(index: int, published: datetime) -> Article:
    place = _PLACES[index % len(_PLACES)]
    subject = _SUBJECTS[index % len(_SUBJECTS)]
    mood = _MOODS[index % len(_MOODS)]
    body = (
        f"Residents of {place} debated the {subject} on {_WEEKDAYS[index % 7]}.\n\n"
        f"Officials said the plan would cost {1000 + 37 * index} francs. "
        f"Local café owners were {mood} about it."
    )
    return Article(
        id=f"art-{index:03d}",
        title=f"{subject.capitalize()} debated in {place} (story {index})",
        body=body,
        url=f"https://news.example/{index}",
        source=_SOURCES[index % len(_SOURCES)],
        author=f"Reporter {index % 3}",
        published=published.isoformat(),
        summary=body.split("\n\n", 1)[0],
        tags=(subject.split()[0], place),
    )


@pytest.fixture
def make_articles() -> Callable[[int], list[Article]]:
    """Factory: ``make_articles(n)`` returns ``n`` deterministic articles.

    Ids are ``art-000`` ... in creation order; publication times are distinct, in UTC and
    deliberately not sorted; places, sources and bodies vary and include accented text
    ("Zürich", "café", "naïve").
    """

    def make(n: int) -> list[Article]:
        base = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)
        times = [base + timedelta(hours=7 * k) for k in range(n)]
        random.Random(n).shuffle(times)
        return [_make_article(i, when) for i, when in enumerate(times)]

    return make


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Environment for running the console script: no real user folders, no store chosen
    through the environment."""
    home = tmp_path / "home"
    home.mkdir()
    variables = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DB"}
    variables.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    return variables
