"""``|``: the article piped to a configured command, as data on its stdin, never via a shell.

Textual's headless test driver cannot suspend (``SuspendNotSupported``), which is tested as it
is; the other tests stand in for ``App.suspend`` with a context manager that records that the
command ran inside it, and run real commands. ``tests/e2e/test_tmux.py`` pipes from the
installed app in a real terminal, suspended for real.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tui_support import FIVE_ARTICLES, main_screen, wait_until

from store.article import Article
from store.session import open_session
from store.storage.library import create_store
from tui.app import NewsdeskApp
from tui.screens.pipe_actions import NO_COMMANDS, NO_SUSPEND, READ_ONLY
from tui.screens.pipe_chooser import PipeChooserScreen

WIDE = (140, 40)
ESC, BEL = "\x1b", "\x07"
WRITE_STDIN = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_bytes(sys.stdin.buffer.read())"
"""A command that writes what it reads to the file named by its one argument."""


def hostile(tmp_path: Path) -> Article:
    """An article whose every field would do harm if it reached a shell or a terminal."""
    made = tmp_path / "made"
    return Article(
        id="hostile",
        title=f"$(touch {made}-1); rm -rf ~ | cat `touch {made}-2`{ESC}]0;pwned{BEL} end",
        source=f"Wire{ESC}[2J",
        published="2025-03-09T08:00:00+00:00",
        url="https://example.com/story",
        body=f"First; touch {made}-3 && echo $HOME{ESC}[2J\n\n"
        f"Second `id` > {made}-4 {ESC}]52;c;SGk={BEL}done",
    )


def expected_text(tmp_path: Path) -> bytes:
    made = tmp_path / "made"
    return (
        f"$(touch {made}-1); rm -rf ~ | cat `touch {made}-2` end\n"
        "Wire · 2025-03-09\n"
        "https://example.com/story\n"
        "\n"
        f"First; touch {made}-3 && echo $HOME\n"
        "\n"
        f"Second `id` > {made}-4 done\n"
    ).encode()


def toml_table(commands: dict[str, tuple[list[str], str]]) -> str:
    """``[pipe_commands]`` with each name = { argv, input } (JSON strings are TOML strings)."""
    lines = ["[pipe_commands]"]
    for name, (argv, form) in commands.items():
        lines.append(f"{json.dumps(name)} = {{ argv = {json.dumps(argv)}, input = {form!r} }}")
    return "\n".join(lines) + "\n"


Runs = list[dict[str, Any]]
PipeApp = Callable[..., NewsdeskApp]


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> Runs:
    """Every ``subprocess.run`` call: its argv and keyword arguments (the real run happens)."""
    calls: Runs = []
    real = subprocess.run

    def spy(args: Any, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append({"args": args, **kwargs, "sigint": signal.getsignal(signal.SIGINT)})
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    return calls


@pytest.fixture
def pipe_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PipeApp:
    """The app on the hostile article and the five, with ``commands`` as its config;
    ``suspends``: whether ``App.suspend`` is stood in for (recorded in ``app.suspended``)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # were "rm -rf ~" ever run, it would find nothing

    def make(
        commands: dict[str, tuple[list[str], str]],
        suspends: bool = True,
        read_only: bool = False,
    ) -> NewsdeskApp:
        config = tmp_path / "config.toml"
        config.write_text(toml_table(commands), encoding="utf-8")
        monkeypatch.setenv("NEWSDESK_CONFIG", str(config))
        store = tmp_path / "articles.json"
        create_store(store, (hostile(tmp_path), *FIVE_ARTICLES))
        app = NewsdeskApp(open_session(str(store), read_only=read_only))
        if suspends:
            app.suspended = []  # type: ignore[attr-defined]

            @contextmanager
            def suspend() -> Iterator[None]:
                app.suspended.append("in")  # type: ignore[attr-defined]
                yield
                app.suspended.append("out")  # type: ignore[attr-defined]

            app.suspend = suspend  # type: ignore[method-assign]
        return app

    return make


def writer(out: Path) -> list[str]:
    return [sys.executable, "-c", WRITE_STDIN, str(out)]


def messages(app: NewsdeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def made_files(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob("made*"))


async def test_the_text_reaches_the_command_as_data_on_stdin_and_nothing_else(
    pipe_app: PipeApp, runs: Runs, tmp_path: Path
) -> None:
    out = tmp_path / "out.txt"
    app = pipe_app({"save": (writer(out), "text")})
    sigint = signal.getsignal(signal.SIGINT)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("vertical_line")
        await wait_until(pilot, lambda: "Piped to save" in messages(app))
        assert app.suspended == ["in", "out"]  # type: ignore[attr-defined]
    assert out.read_bytes() == expected_text(tmp_path)
    assert b"\x1b" not in out.read_bytes() and b"\x07" not in out.read_bytes()
    assert made_files(tmp_path) == []
    assert any((tmp_path / "home").iterdir()) is False
    [call] = runs
    assert call["args"] == writer(out)
    assert call["input"] == expected_text(tmp_path)
    assert not call.get("shell") and "env" not in call and "executable" not in call
    assert call["sigint"] is not sigint, "ctrl+c goes to the command, not the app"
    assert signal.getsignal(signal.SIGINT) is sigint, "and the app's own handler is back"


async def test_json_carries_the_stored_document_escapes_and_all(
    pipe_app: PipeApp, runs: Runs, tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    app = pipe_app({"json": (writer(out), "json")})
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        stored = app.session.article("hostile")
        await pilot.press("vertical_line")
        await wait_until(pilot, lambda: "Piped to json" in messages(app))
    data = out.read_bytes()
    assert b"\x1b" not in data, "escapes travel as JSON's \\u001b, not as bytes"
    document = json.loads(data)
    assert document == stored.to_document()
    assert document["title"] == hostile(tmp_path).title
    assert made_files(tmp_path) == []
    assert [call["args"] for call in runs] == [writer(out)]


async def test_the_article_being_read_is_the_one_piped(pipe_app: PipeApp, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    app = pipe_app({"save": (writer(out), "text")})
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("j", "enter")
        assert main_screen(app).reading
        await pilot.press("vertical_line")
        await wait_until(pilot, lambda: "Piped to save" in messages(app))
        assert main_screen(app).reading, "back where the reader was"
    assert out.read_text().startswith(FIVE_ARTICLES[0].title + "\n")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            [sys.executable, "-c", "import sys; sys.stdin.read(); sys.exit(3)"],
            "fails: {program} failed (exit status 3)",
        ),
        (["/nonexistent/newsdesk-no-such-command", "x"], "Not piped to fails: {program} not found"),
        (
            [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"],
            "fails: {program} ended by SIGTERM",
        ),
    ],
)
async def test_a_command_that_fails_or_is_missing_is_one_line(
    pipe_app: PipeApp, argv: list[str], said: str
) -> None:
    app = pipe_app({"fails": (argv, "text")})
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("vertical_line")
        expected = said.format(program=argv[0])
        await wait_until(pilot, lambda: expected in messages(app))
        [message] = messages(app)
        assert message == expected and "\n" not in message
        await pilot.press("j")  # still the app, still responsive
        assert main_screen(app).current_id() == FIVE_ARTICLES[0].id


async def test_the_chooser_offers_every_command_and_runs_the_one_picked(
    pipe_app: PipeApp, runs: Runs, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.json"
    app = pipe_app({"first": (writer(first), "text"), "second": (writer(second), "json")})
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("vertical_line")
        assert isinstance(app.screen, PipeChooserScreen)
        assert app.screen.names == ["first", "second"]
        await pilot.press("escape")  # closes, runs nothing
        assert not isinstance(app.screen, PipeChooserScreen)
        assert runs == []

        await pilot.press("vertical_line")
        await pilot.press("2")
        await wait_until(pilot, lambda: "Piped to second" in messages(app))
        assert json.loads(second.read_bytes())["id"] == "hostile"
        assert not first.exists()

        await pilot.press("vertical_line", "j", "k", "enter")
        await wait_until(pilot, lambda: "Piped to first" in messages(app))
        assert first.read_bytes() == expected_text(tmp_path)
    assert [call["args"] for call in runs] == [writer(second), writer(first)]


async def test_where_the_app_cannot_suspend_it_says_so_and_runs_nothing(
    pipe_app: PipeApp, runs: Runs, tmp_path: Path
) -> None:
    out = tmp_path / "out.txt"
    app = pipe_app({"save": (writer(out), "text")}, suspends=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("vertical_line")
        await wait_until(pilot, lambda: NO_SUSPEND in messages(app))
    assert (runs, out.exists()) == ([], False)


async def test_a_read_only_session_runs_no_commands(
    pipe_app: PipeApp, runs: Runs, tmp_path: Path
) -> None:
    out = tmp_path / "out.txt"
    app = pipe_app({"save": (writer(out), "text")}, read_only=True)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("vertical_line")
        await wait_until(pilot, lambda: READ_ONLY in messages(app))
        assert app.suspended == []  # type: ignore[attr-defined]
    assert (runs, out.exists()) == ([], False)


async def test_without_commands_it_says_how_to_add_one(pipe_app: PipeApp, runs: Runs) -> None:
    app = pipe_app({})
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("vertical_line")
        await wait_until(pilot, lambda: NO_COMMANDS in messages(app))
    assert runs == []


async def test_the_palette_lists_piping(pipe_app: PipeApp, tmp_path: Path) -> None:
    from tui.app import _main_commands

    app = pipe_app({"save": (writer(tmp_path / "out.txt"), "text")})
    async with app.run_test(size=WIDE):
        titles = {title: text for title, text, _ in _main_commands(main_screen(app), {})}
        assert titles["Pipe to a command"].endswith("(|)")
