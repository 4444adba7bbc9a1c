"""Rules on arrival from the config, through the installed console script: ``import`` and
``fetch`` apply them and say what they did, ``rules test`` and ``rules list`` show what they
would match, and a rule that cannot be used is one line and is skipped."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.feed_server import FeedServer

from store.ingest.importer import import_into
from store.ingest.result import ReadResult, Subscription
from store.ingest.subscriptions import add_feeds
from store.paths import state_path_for
from store.reading import ReadingState
from store.storage.library import open_store

NEWSDESK = Path(sys.executable).parent / "newsdesk"

CONFIG = """\
[[rules]]
query = 'title:sponsored'
action = "ignore"

[[rules]]
query = '(((('
action = "ignore"

[[rules]]
query = 'person:"angela merkel"'
action = "star"

[[rules]]
query = 'concert'
action = "ignore"
feed = "{feed}"
"""

ARTICLES = [
    {"id": "summit", "title": "Summit in Paris", "body": "Angela Merkel met Emmanuel Macron."},
    {"id": "ad", "title": "Sponsored: mattresses", "body": "A paid post."},
    {"id": "gig", "title": "A concert tonight", "body": "Tickets on sale."},
]


def _feed(title: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><guid>{g}</guid><description>{t}.</description></item>"
        for g, t in items
    )
    return f'<rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'.encode()


@dataclass
class Setup:
    store: Path
    server: FeedServer
    gigs: str
    env: dict[str, str]

    def run(self, *args: str, config: bool = True) -> subprocess.CompletedProcess[str]:
        """``newsdesk ARGS --db STORE``, with the rules' config (or with none)."""
        env = self.env if config else {**self.env, "NEWSDESK_CONFIG": str(self.store) + ".none"}
        return subprocess.run(
            [str(NEWSDESK), *args, "--db", str(self.store)],
            env=env,
            cwd=self.store.parent,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture
def setup(tmp_path: Path, env: dict[str, str], feed_server: FeedServer) -> Setup:
    gigs = feed_server.url("/gigs.xml")
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(feed=gigs))
    env = {**env, "NEWSDESK_CONFIG": str(config)}
    return Setup(tmp_path / "articles", feed_server, gigs, env)


def test_import_applies_the_rules_and_says_so(setup: Setup, tmp_path: Path) -> None:
    run, store = setup.run, setup.store
    source = tmp_path / "in.json"
    source.write_text(json.dumps(ARTICLES))
    result = run("import", str(source))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "2 added, 0 updated, 0 unchanged, 0 duplicate(s), 0 rejected; rules: 1 ignored, 1 starred"
    )
    [problem] = result.stderr.splitlines()  # the rule that does not parse, once
    assert "line 5: rule 2: query '((((':" in problem and problem.endswith("; skipped")
    assert {a.id for a in open_store(store).articles} == {"summit", "gig"}
    assert ReadingState(state_path_for(store)).is_starred("summit")
    # The feed rule kept to a subscription leaves the imported concert alone. Importing the
    # same file again: the ignored article is ignored again, the rest is unchanged.
    again = run("import", str(source), "--json")
    summary = json.loads(again.stdout)
    assert (summary["added"], summary["unchanged"], summary["ignored"]) == (0, 2, 1)
    assert summary["rules"] == {"read": 0, "starred": 0, "tagged": 0, "notify": 0}


def test_fetch_applies_rules_kept_to_one_feed(setup: Setup) -> None:
    run, store, server, gigs = setup.run, setup.store, setup.server, setup.gigs
    import_into(store, ReadResult())
    news = server.url("/news.xml")
    items = [("g1", "A concert tonight"), ("g2", "An opera")]
    server.routes["/gigs.xml"] = lambda h, hit: h.send(200, _feed("Gigs", items))
    server.routes["/news.xml"] = lambda h, hit: h.send(200, _feed("News", [("n1", "A concert")]))
    add_feeds(store, [Subscription(gigs), Subscription(news)])
    result = run("fetch", "--json")
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["ignored"]) == (2, 1)
    titles = {a.title: a.extra.get("feed") for a in open_store(store).articles}
    assert titles == {"An opera": gigs, "A concert": news}
    # Each fetched article knows its feed: feed: searches find them.
    found = run("search", f"feed:{news}", "--json")
    assert [a["title"] for a in json.loads(found.stdout)] == ["A concert"]


def test_rules_test_and_list_show_what_rules_match(setup: Setup, tmp_path: Path) -> None:
    run, gigs = setup.run, setup.gigs
    source = tmp_path / "in.json"
    source.write_text(json.dumps(ARTICLES))
    assert run("import", str(source), config=False).returncode == 0  # every article stored
    tested = run("rules", "test", "title:sponsored OR concert")
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.splitlines()[-1] == "2 of 3 stored articles match"
    as_json = json.loads(run("rules", "test", "concert", "--feed", gigs, "--json").stdout)
    assert as_json["matched"] == 0 and as_json["total"] == 3  # imported, so from no feed
    flagged = run("rules", "test", "-is:read")
    assert "arrives unread" in flagged.stderr
    bad = run("rules", "test", "((((")
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1
    listing = run("rules", "list", "--json")
    rules = json.loads(listing.stdout)
    assert [(r["action"], r["stored"]) for r in rules] == [
        ("ignore", 1),
        ("star", 1),
        ("ignore", 0),
    ]
    assert "line 5: rule 2" in listing.stderr
    plain = run("rules")
    assert "1 stored  'title:sponsored' -> ignore" in plain.stdout
