"""End-to-end tests: the installed ``newsdesk`` console script in a real terminal (tmux).

Every test gets a fresh ``HOME`` and XDG folders under ``tmp_path``, so the default store is
created from the bundled seeds exactly as on a reader's first run. The app runs in a detached
tmux session on a private server (``tmux -L <unique name>``), is driven with ``send-keys`` and
observed with ``capture-pane``. Before each key that depends on the previous one, the test
waits for the screen to show that the previous key took effect: keys sent too quickly can be
read together (escape then ``/`` is alt+/) or reach a widget before it has the focus.

The terminal helpers are in ``support.terminal``, the fixtures in this folder's conftest.
Without tmux these tests are skipped, except with ``CI=true``, where they fail: CI must run
them. The bad-input tests need no terminal and always run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support import SEED_TITLE_PREFIX
from support.terminal import (
    HOSTILE_START,
    POLL_S,
    TIMEOUT_S,
    Reader,
    Terminal,
    TerminalRun,
    newsdesk_script,
    quit_app,
    required_tool,
    row_of,
)

from store.reading.journal import journal_path

pytestmark = pytest.mark.e2e

SEED_TITLE = "Israel said Sunday it was scaling up a weekslong offensive in the occupied West Bank"
TITLE_PREFIX = SEED_TITLE_PREFIX
BODY_TEXT = "Israel Katz"
"""Only in the article body, never in the list row or the header."""
UNREAD = "●"
SEARCH_PLACEHOLDER = 'search: words, "phrases", -not, OR, field:value'
NARROW_PLACEHOLDER = 'search: words, "phrases", field:value'
"""Under 100 columns, so that the arrangement and the counts keep their room."""
QUIT_HINT = "q Quit"
"""In the footer while the list or the article has the focus, gone while typing a query."""

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
NARROW = (80, 24)


def _row(screen: str) -> str:
    """The list row of the seed article (the first screen line holding the title prefix)."""
    return row_of(screen, TITLE_PREFIX)


def _top(screen: str) -> str:
    return screen.splitlines()[0].rstrip()


@pytest.mark.parametrize("size", SIZES)
def test_browse_search_and_quit(launch: Callable[..., TerminalRun], reader: Reader, size) -> None:
    session = launch(size)
    term = session.term

    screen = term.wait_for(TITLE_PREFIX, QUIT_HINT)
    placeholder = NARROW_PLACEHOLDER if size == NARROW else SEARCH_PLACEHOLDER
    assert _top(screen).startswith(f" / {placeholder} "), screen
    assert _top(screen).endswith("1 of 1"), screen
    assert _row(screen).lstrip().startswith(UNREAD), screen
    if size == NARROW:
        assert "…" in _row(screen), "a long title is cut with an ellipsis:\n" + screen
        assert BODY_TEXT not in screen, "narrow: no detail pane until enter:\n" + screen
    else:
        # Wide: the detail pane beside the list previews the highlighted article.
        assert SEED_TITLE in screen, screen
        assert BODY_TEXT in screen, screen
    assert (reader.store / "manifest.json").is_file(), "the default store is made in $XDG_DATA_HOME"
    assert not (reader.home / ".local").exists(), "XDG_DATA_HOME must be honoured"

    # A query that matches: the article stays.
    term.send("/")
    term.wait_without(QUIT_HINT)  # the search input has the focus
    term.type("jenin")
    screen = term.wait_until(lambda s: _top(s).startswith(" / jenin"), "the query 'jenin'")
    screen = term.wait_for(TITLE_PREFIX, "1 of 1")
    assert _top(screen).endswith("1 of 1"), screen

    # Enter keeps the query and returns to the list; escape there clears the query.
    term.send("Enter")
    screen = term.wait_for(QUIT_HINT, TITLE_PREFIX)
    assert _top(screen).startswith(" / jenin"), screen
    assert _top(screen).endswith("1 of 1"), screen
    term.send("Escape")
    term.wait_for(placeholder, QUIT_HINT, TITLE_PREFIX)
    # The list and the count may reach the terminal in consecutive frames.
    screen = term.wait_until(lambda s: _top(s).endswith("1 of 1"), "the count of every article")

    # A query that matches nothing.
    term.send("/")
    term.wait_without(QUIT_HINT)
    term.type("zzzz")
    screen = term.wait_for("No articles match “zzzz”", "0 of 1")
    assert _top(screen).startswith(" / zzzz"), screen
    assert _top(screen).endswith("0 of 1"), screen
    assert TITLE_PREFIX not in screen, screen

    # Escape in the search input clears the query and returns to the list.
    term.send("Escape")
    term.wait_for(placeholder, QUIT_HINT, TITLE_PREFIX)
    # The list and the count may reach the terminal in consecutive frames.
    screen = term.wait_until(lambda s: _top(s).endswith("1 of 1"), "the count of every article")
    assert "No articles match" not in screen, screen

    quit_app(session)


def test_narrow_enter_opens_article_and_escape_returns(launch: Callable[..., TerminalRun]) -> None:
    session = launch(NARROW)
    term = session.term
    screen = term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert BODY_TEXT not in screen, screen

    term.send("Enter")
    screen = term.wait_for(BODY_TEXT)
    assert "…" not in screen.splitlines()[1], "the article header shows the whole title:\n" + screen
    assert "scaling up a weekslong offensive in the occupied" in screen, screen

    term.send("Escape")
    screen = term.wait_without(BODY_TEXT)
    screen = term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert not _row(screen).lstrip().startswith(UNREAD), "opened means read:\n" + screen

    quit_app(session)


@pytest.mark.parametrize("size", SIZES)
def test_read_state_persists_across_runs(
    launch: Callable[..., TerminalRun], reader: Reader, size
) -> None:
    first = launch(size)
    screen = first.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert _row(screen).lstrip().startswith(UNREAD), "new articles are unread:\n" + screen

    first.term.send("Enter")
    first.term.wait_until(
        lambda s: BODY_TEXT in s and UNREAD not in s, "the article to open and be marked read"
    )
    quit_app(first)
    assert journal_path(reader.state).is_file(), "reading state is saved beside the store"

    second = launch(size)
    screen = second.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert UNREAD not in _row(screen), "read state must survive a restart:\n" + screen
    quit_app(second)


@pytest.mark.parametrize("size", SIZES)
def test_query_language_errors_and_saved_searches(launch: Callable[..., TerminalRun], size) -> None:
    session = launch(size)
    term = session.term
    term.wait_for(TITLE_PREFIX, QUIT_HINT)

    # Fields and negation; then a malformed query says where, and keeps the last result.
    term.send("/")
    term.wait_without(QUIT_HINT)
    term.type('person:katz -"gaza strip"')
    screen = term.wait_until(lambda s: _top(s).endswith("1 of 1"), "the entity query")
    assert TITLE_PREFIX in screen, screen
    term.type(")")
    screen = term.wait_for("unmatched )")
    assert TITLE_PREFIX in screen, "the last good result stays:\n" + screen
    term.send("BSpace")
    term.wait_without("unmatched )")

    # Save it (enter and S in one burst: S must reach the list, not the search box), clear
    # the search, reopen it with its number key.
    term.send("Enter", "S")
    term.wait_for("Save this search as")
    term.type("Katz")  # replaces the suggested name, selected
    term.send("Enter")
    term.wait_for("Saved “Katz”")
    term.send("Escape")
    term.wait_for(NARROW_PLACEHOLDER if size == NARROW else SEARCH_PLACEHOLDER)
    term.send("v")
    screen = term.wait_for("Saved searches", "1 Katz  1 unread of 1")
    term.send("Escape")
    term.wait_without("Saved searches")
    term.send("1")
    screen = term.wait_until(
        lambda s: _top(s).startswith(' / person:katz -"gaza strip"'), "the saved query"
    )
    assert TITLE_PREFIX in screen, screen
    quit_app(session)


# Bad stores: no terminal needed, one line on stderr, exit 2, the file untouched.

TRUNCATED = b'{"meta": {"1": {"schema_version": 1}}, "articles": {"1": {"id": "400443abfab1'


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(None, id="missing"),
        pytest.param(b"", id="empty"),
        pytest.param(TRUNCATED, id="truncated"),
        pytest.param(b'{"_default": {}}', id="no-articles-table"),
    ],
)
def test_unusable_store_is_one_line_and_exit_2(
    tmp_path: Path, reader: Reader, content: bytes | None
) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    path = folder / "articles.json"
    if content is not None:
        path.write_bytes(content)
    before = sorted(p.name for p in folder.iterdir())

    result = subprocess.run(
        [newsdesk_script(), "--db", str(path)],
        env=reader.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert lines[0].startswith("newsdesk:"), lines[0]
    assert str(path) in lines[0], "the message names the file"
    assert result.stdout == "", result.stdout
    if content is None:
        assert not path.exists(), "a missing store must not be created"
    else:
        assert path.read_bytes() == content, "the store file must be left byte-for-byte"
    assert sorted(p.name for p in folder.iterdir()) == before, "nothing new beside the store"
    assert not reader.store.exists(), "--db must not create the default store"


# Reading like a pro: tags and undo, links, export, grouping from the config, bulk marking.

LINKED_TITLE = "Harbour works reopen in Oslo"
LINKED_URL = "https://news.example.com/oslo"


def _add_linked_article(reader: Reader, folder: Path) -> None:
    """A second article, newer than the seed, with a link; imported before the app opens
    (the import creates the default store from the seeds first)."""
    document = {
        "id": "linked-1",
        "title": LINKED_TITLE,
        "url": LINKED_URL,
        "source": "Example News",
        "published": "2025-02-24T08:00:00Z",
        "body": "The harbour reopened on Monday. Timetables: https://news.example.com/times.",
    }
    articles = folder / "linked.json"
    articles.write_text(json.dumps([document]))
    done = subprocess.run(
        [newsdesk_script(), "import", str(articles)],
        env=reader.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def _configure(reader: Reader, text: str) -> None:
    config = Path(reader.env["XDG_CONFIG_HOME"]) / "newsdesk" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)


@pytest.mark.parametrize("size", SIZES)
def test_tags_undo_links_export_and_bulk_read(
    launch: Callable[..., TerminalRun], reader: Reader, tmp_path: Path, size
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        reader.env.pop(name, None)
    reader.env["TZ"] = "UTC"
    _configure(reader, 'group_by = "day"\n')
    _add_linked_article(reader, tmp_path)
    session = launch(size)
    term = session.term
    term.wait_for("Monday 24 February 2025", "Sunday 23 February 2025", QUIT_HINT)
    assert "grouped by day" in _top(term.screen()), "the config file's grouping applies"

    # Tag the article under the cursor (the newest), then undo it.
    term.send("t")
    term.wait_for("enter applies")
    term.type("later")
    term.send("Enter")
    term.wait_for("#later")
    term.send("u")
    term.wait_for("Undone")
    term.wait_without("#later")

    # Its link: no browser over this terminal, so o offers y; y copies through OSC 52.
    term.send("o")
    term.wait_for("No browser here")
    term.send("y")
    term.wait_for("Link copied")
    assert term.clipboard() == LINKED_URL
    term.send("L")
    term.wait_for("Links (2)", "https://news.example.com/times")
    term.send("Escape")
    term.wait_without("Links (2)")

    # Export the result to Markdown at the suggested path.
    term.send("x")
    term.wait_for("enter exports")
    term.send("Enter")
    term.wait_for("Exported 2 articles")
    [exported] = reader.home.glob("newsdesk-*.md")
    assert LINKED_TITLE in exported.read_text() and SEED_TITLE in exported.read_text()

    # Mark the whole result read; it stays read in the next run.
    term.send("A")
    term.wait_for("Marked 2 read")
    term.wait_until(lambda s: not _unread_rows(s), "every row marked read")
    quit_app(session)
    again = launch(size)
    screen = again.term.wait_for(LINKED_TITLE, TITLE_PREFIX, QUIT_HINT)
    assert not _unread_rows(screen), screen
    quit_app(again)


def _unread_rows(screen: str) -> list[str]:
    return [
        line
        for line in screen.splitlines()
        if (TITLE_PREFIX in line or LINKED_TITLE in line) and line.lstrip().startswith(UNREAD)
    ]


def test_with_hangups_ignored_the_app_still_ends_when_its_terminal_goes(
    tmp_path: Path, reader: Reader
) -> None:
    """Started with SIGHUP ignored and signals blocked (as by ``nohup`` in a script), the app
    still ends on hangup instead of running on without a terminal."""
    term = Terminal(required_tool("tmux"), tmp_path, reader.env)
    term.start([sys.executable, "-c", HOSTILE_START, newsdesk_script()], NARROW)
    try:
        term.wait_for(TITLE_PREFIX, QUIT_HINT)
        [app] = _app_processes(reader.env["XDG_DATA_HOME"])
    finally:
        term.kill()  # the pane's terminal hangs up
    deadline = time.monotonic() + TIMEOUT_S
    while Path(f"/proc/{app}").exists() and time.monotonic() < deadline:
        time.sleep(POLL_S)
    assert not Path(f"/proc/{app}").exists(), "the app outlived its terminal"


def _app_processes(data_home: str) -> list[int]:
    """The app processes whose environment names ``data_home`` (this test's own)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        ours = f"XDG_DATA_HOME={data_home}".encode() in environ
        if argv[1:2] == [newsdesk_script().encode()] and ours:
            found.append(int(entry.name))
    return found
