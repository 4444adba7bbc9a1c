"""A disk that refuses writes: the app says so once, in one line, and keeps working read-only."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from support.feed_server import ONE_ITEM_RSS as RSS
from support.feed_server import FeedServer
from tui_support import drawn_row, shown_ids, wait_until

from store.ingest.result import Subscription
from store.ingest.subscriptions import add_feeds
from store.reading import ReadingState, journal
from store.reading.journal import journal_path
from store.storage import atomic as storage

WIDE = (160, 48)
UNREAD = "●"
STAR = "★"


def warnings(app) -> list[str]:
    """Messages of the warning toasts the app has raised (private Textual API)."""
    return [n.message for n in app._notifications if n.severity == "warning"]


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def refuse(monkeypatch: pytest.MonkeyPatch, code: int, where: str = "fsync") -> None:
    """Every atomic write fails from now on, as a full or read-only disk makes it."""

    def fail(*args: object, **kwargs: object) -> object:
        raise OSError(code, os.strerror(code))

    target = storage.tempfile if where == "mkstemp" else storage.os
    monkeypatch.setattr(target, where, fail)
    if where == "mkstemp":  # no file can be created: the journal neither
        monkeypatch.setattr(journal, "open_for_writing", fail)


async def test_m_on_a_full_disk_warns_once_and_keeps_the_flag_in_memory(
    make_app, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ReadingState(state_path).toggle_star("bank")  # a state that must stay as it is
    saved = journal_path(state_path).read_bytes()
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        refuse(monkeypatch, errno.ENOSPC)
        await pilot.press("m")
        await pilot.pause()
        assert app.session.state.is_read("cafe")
        assert not drawn_row(app, 0).startswith(UNREAD), "the flag shows though not saved"
        [warning] = warnings(app)
        assert warning.startswith("reading state not saved: ")
        assert "disk full" in warning and "\n" not in warning

        await pilot.press("j", "s", "m", "j", "enter")
        await pilot.pause()
        assert app.session.state.is_read("bank") and not app.session.state.is_starred("bank")
        assert len(warnings(app)) == 1, "said once, not on every key"
        assert app.is_running
        await pilot.press("q")
    assert app.return_code == 0
    assert journal_path(state_path).read_bytes() == saved


async def test_a_read_only_folder_leaves_the_state_file_missing_and_the_app_working(
    make_app, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        refuse(monkeypatch, errno.EROFS, "mkstemp")
        await pilot.press("s")
        await pilot.pause()
        assert STAR in drawn_row(app, 0)
        [warning] = warnings(app)
        assert "read-only file system" in warning.lower() and "\n" not in warning
        await pilot.press("q")
    assert not state_path.exists()
    assert not journal_path(state_path).exists()


@pytest.fixture
def feed_url(feed_server: FeedServer) -> str:
    return feed_server.serve("/feed.xml", RSS)


@pytest.mark.parametrize(
    ("code", "cause"),
    [(errno.EROFS, "read-only file system"), (errno.EACCES, "permission denied")],
    ids=["read-only", "denied"],
)
async def test_r_into_an_unwritable_folder_says_why_in_one_line_and_changes_nothing(
    make_app,
    store_path: Path,
    feed_url: str,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    cause: str,
) -> None:
    monkeypatch.delenv("http_proxy", raising=False)
    app = make_app()
    add_feeds(store_path, [Subscription(feed_url)])
    before = store_path.read_bytes()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        shown = shown_ids(app)
        refuse(monkeypatch, code, "mkstemp")
        await pilot.press("R")
        await wait_until(pilot, lambda: any("Fetch failed" in m for m in notices(app)), 10)
        [message] = [m for m in notices(app) if "Fetch failed" in m]
        assert cause in message.lower() and "\n" not in message
        assert shown_ids(app) == shown
        await pilot.press("j", "m")
        assert app.is_running
        await pilot.press("q")
    assert store_path.read_bytes() == before
    assert not [p for p in store_path.parent.iterdir() if p.name.endswith(".tmp")]
