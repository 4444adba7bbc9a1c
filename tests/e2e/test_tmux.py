"""End-to-end tests: the installed ``newsdesk`` console script in a real terminal (tmux).

Every test gets a fresh ``HOME`` and XDG folders under ``tmp_path``, so the default store is
created from the bundled seeds exactly as on a reader's first run. The app runs in a detached
tmux session on a private server (``tmux -L <unique name>``), is driven with ``send-keys`` and
observed with ``capture-pane``. Before each key that depends on the previous one, the test
waits for the screen to show that the previous key took effect: keys sent too quickly can be
read together (escape then ``/`` is alt+/) or reach a widget before it has the focus.

Without tmux these tests are skipped, except with ``CI=true``, where they fail: CI must run
them. The bad-input tests need no terminal and always run.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from store.reading.journal import journal_path

pytestmark = pytest.mark.e2e

SEED_TITLE = "Israel said Sunday it was scaling up a weekslong offensive in the occupied West Bank"
TITLE_PREFIX = "Israel said Sunday it was scaling up"
"""The list row is cut with "…" (at 80 columns, and in the half-width list at 160)."""
BODY_TEXT = "Israel Katz"
"""Only in the article body, never in the list row or the header."""
UNREAD = "●"
SEARCH_PLACEHOLDER = 'search: words, "phrases", -not, OR, field:value'
NARROW_PLACEHOLDER = 'search: words, "phrases", field:value'
"""Under 100 columns, so that the arrangement and the counts keep their room."""
QUIT_HINT = "q Quit"
"""In the footer while the list or the article has the focus, gone while typing a query."""

TIMEOUT_S = 20.0
POLL_S = 0.1
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
NARROW = (80, 24)


def _newsdesk() -> str:
    """The installed console script: beside this interpreter, else on ``PATH``."""
    candidate = Path(sys.executable).parent / "newsdesk"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("newsdesk")
    if found is None:
        pytest.fail(
            f"the newsdesk console script is not installed (not in {candidate.parent} nor on "
            "PATH); run `pip install -e '.[dev]'` first"
        )
    return found


def _tmux() -> str:
    found = shutil.which("tmux")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is not installed, and with CI=true the e2e tests must run")
        pytest.skip("tmux is not installed; install it to run the end-to-end terminal tests")
    return found


HOSTILE_START = r"""
import os, signal, sys
for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
    signal.signal(sig, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP, signal.SIGINT, signal.SIGTERM})
os.execvp(sys.argv[1], sys.argv[1:])
"""
"""Run a command with SIGHUP, SIGINT, SIGTERM and SIGPIPE ignored and the first three blocked:
the worst a server can inherit (a service manager's mask, a shell's background job)."""


@dataclass(frozen=True)
class Reader:
    """One reader's machine: a private HOME and XDG folders, and the environment to match."""

    home: Path
    data: Path
    env: dict[str, str]

    @property
    def store(self) -> Path:
        return self.data / "newsdesk" / "articles"

    @property
    def state(self) -> Path:
        return self.store / "state.json"


@pytest.fixture
def reader(tmp_path: Path) -> Reader:
    home, data, config = tmp_path / "home", tmp_path / "data", tmp_path / "config"
    for folder in (home, data, config):
        folder.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing from the outer session may leak in: another store, another tmux, another
        # terminal's quirks, a forced colour mode or Textual debugging.
        if key not in {"TMUX", "TMUX_PANE", "NO_COLOR", "COLUMNS", "LINES"}
        and not key.startswith(("NEWSDESK_", "SSH_", "TEXTUAL", "XDG_"))
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(data),
        XDG_CONFIG_HOME=str(config),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        TERM="xterm-256color",
    )
    # "●" and "…" must reach the screen: the app needs a UTF-8 locale (the first set of
    # LC_ALL, LC_CTYPE, LANG decides).
    ctype = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if "utf8" not in ctype.lower().replace("-", ""):
        for key in ("LC_ALL", "LC_CTYPE"):
            env.pop(key, None)
        env["LANG"] = "C.UTF-8"
    return Reader(home, data, env)


class Terminal:
    """A detached tmux session on a private server, running one command."""

    def __init__(self, tmux: str, workdir: Path, env: dict[str, str]) -> None:
        self.tmux = tmux
        self.env = env
        self.socket = f"newsdesk-e2e-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self.socket_path = ""
        # Our own config: the dead pane stays so that its screen and status can be read, and
        # TERM inside is what we ask for (tmux otherwise sets its default-terminal).
        self.config = workdir / "tmux.conf"
        self.config.write_text(
            "set -g remain-on-exit on\n"
            f"set -g default-terminal {env['TERM']}\n"
            "set -g history-limit 0\n"
            # OSC 52 from the app lands in a tmux paste buffer, where a test can read it.
            "set -g set-clipboard on\n"
        )

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, "-f", str(self.config), *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=15,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: list[str], size: tuple[int, int]) -> None:
        width, height = size
        self.run("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), *command)
        self.socket_path = self.run("display-message", "-p", "#{socket_path}").strip()
        actual = self.run("display-message", "-p", "-t", "main", "#{window_width}x#{window_height}")
        assert actual.strip() == f"{width}x{height}", f"tmux window is {actual.strip()}"

    def kill(self) -> None:
        """Stop the private server; tmux leaves its socket file behind, so remove it too."""
        self.run("kill-server", check=False)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "main")

    def send(self, *keys: str) -> None:
        """tmux key names: ``Escape``, ``Enter``, ``/``, ``q``."""
        self.run("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "main", "-l", text)

    def clipboard(self) -> str:
        """The newest paste buffer: what the app last copied with OSC 52 ("" if none)."""
        return self.run("show-buffer", check=False)

    def pane_dead(self) -> bool:
        return self.run("display-message", "-p", "-t", "main", "#{pane_dead}").strip() == "1"

    def wait_until(
        self, check: Callable[[str], bool], what: str, timeout: float = TIMEOUT_S
    ) -> str:
        """Poll the screen until ``check(screen)`` holds; fail showing the last screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; screen:\n{screen}")
            time.sleep(POLL_S)

    def wait_for(self, *texts: str, timeout: float = TIMEOUT_S) -> str:
        """Wait until every one of ``texts`` is on the screen at once."""
        return self.wait_until(
            lambda screen: all(text in screen for text in texts),
            " and ".join(repr(text) for text in texts),
            timeout,
        )

    def wait_without(self, text: str, timeout: float = TIMEOUT_S) -> str:
        return self.wait_until(lambda screen: text not in screen, f"{text!r} to go", timeout)


@dataclass
class Session:
    """newsdesk running in a terminal, with the file its exit status is written to."""

    term: Terminal
    status: Path

    def wait_for_exit(self, timeout: float = TIMEOUT_S) -> str:
        """Wait for the status line and for the pane's process to end; return the status."""
        deadline = time.monotonic() + timeout
        while not (self.status.exists() and self.status.read_text().strip()):
            if time.monotonic() > deadline:
                pytest.fail(
                    f"newsdesk did not exit within {timeout:.0f}s; screen:\n{self.term.screen()}"
                )
            time.sleep(POLL_S)
        while not self.term.pane_dead():
            if time.monotonic() > deadline:
                pytest.fail(f"the pane's process is still running; screen:\n{self.term.screen()}")
            time.sleep(POLL_S)
        return self.status.read_text().strip()


@pytest.fixture
def launch(
    request: pytest.FixtureRequest, tmp_path: Path, reader: Reader
) -> Iterator[Callable[[tuple[int, int]], Session]]:
    """Start newsdesk (no arguments: the default store) in a fresh tmux server."""
    tmux = _tmux()
    newsdesk = _newsdesk()
    terminals: list[Terminal] = []

    def start(size: tuple[int, int]) -> Session:
        run_dir = tmp_path / f"run{len(terminals)}"
        run_dir.mkdir()
        status = run_dir / "status"
        term = Terminal(tmux, run_dir, reader.env)
        terminals.append(term)
        script = f'{shlex.quote(newsdesk)}; echo "exit=$?" > {shlex.quote(str(status))}'
        term.start(["sh", "-c", script], size)
        return Session(term, status)

    yield start
    for term in terminals:
        term.kill()


def _row(screen: str) -> str:
    """The list row of the seed article (the first screen line holding the title prefix)."""
    for line in screen.splitlines():
        if TITLE_PREFIX in line:
            return line
    raise AssertionError(f"no list row for the seed article; screen:\n{screen}")


def _top(screen: str) -> str:
    return screen.splitlines()[0].rstrip()


def _quit(session: Session) -> str:
    """Press q in the list or article; the app must end with status 0 and a clean screen."""
    session.term.send("q")
    assert session.wait_for_exit() == "exit=0"
    screen = session.term.screen()
    assert "Traceback" not in screen, screen
    return screen


@pytest.mark.parametrize("size", SIZES)
def test_browse_search_and_quit(launch: Callable[..., Session], reader: Reader, size) -> None:
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

    _quit(session)


def test_narrow_enter_opens_article_and_escape_returns(launch: Callable[..., Session]) -> None:
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

    _quit(session)


@pytest.mark.parametrize("size", SIZES)
def test_read_state_persists_across_runs(
    launch: Callable[..., Session], reader: Reader, size
) -> None:
    first = launch(size)
    screen = first.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert _row(screen).lstrip().startswith(UNREAD), "new articles are unread:\n" + screen

    first.term.send("Enter")
    first.term.wait_until(
        lambda s: BODY_TEXT in s and UNREAD not in s, "the article to open and be marked read"
    )
    _quit(first)
    assert journal_path(reader.state).is_file(), "reading state is saved beside the store"

    second = launch(size)
    screen = second.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert UNREAD not in _row(screen), "read state must survive a restart:\n" + screen
    _quit(second)


@pytest.mark.parametrize("size", SIZES)
def test_query_language_errors_and_saved_searches(launch: Callable[..., Session], size) -> None:
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
    _quit(session)


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
        [_newsdesk(), "--db", str(path)],
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
        [_newsdesk(), "import", str(articles)],
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
    launch: Callable[..., Session], reader: Reader, tmp_path: Path, size
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
    _quit(session)
    again = launch(size)
    screen = again.term.wait_for(LINKED_TITLE, TITLE_PREFIX, QUIT_HINT)
    assert not _unread_rows(screen), screen
    _quit(again)


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
    term = Terminal(_tmux(), tmp_path, reader.env)
    term.start([sys.executable, "-c", HOSTILE_START, _newsdesk()], NARROW)
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
        if argv[1:2] == [_newsdesk().encode()] and f"XDG_DATA_HOME={data_home}".encode() in environ:
            found.append(int(entry.name))
    return found
