"""``|``: pipe the article under the cursor (or being read) to a command of the config.

A part of the main screen (``tui.screens.parts``). The commands are ``[pipe_commands]``
(``store.config.pipes``): with one, ``|`` runs it; with several, a chooser asks which. The
command is an argv list run without a shell, with the article on its stdin (its text, or its
stored document as JSON: ``store.export.pipe_input``) and the terminal for the rest: the app
is suspended while it runs (a pager, a mail program) and drawn again after. Nothing of the
article is put on the command line or in the environment, so an article that holds shell
syntax or escape sequences is only ever data.

Not in a read-only session (what ``newsdesk serve`` runs: a command there would run on the
server's machine for a remote reader), nor where the app cannot hand the terminal over
(Textual's ``SuspendNotSupported``: a web or headless driver); each says so in one line.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from textual.app import SuspendNotSupported
from textual.binding import Binding, BindingType

from store import Article, clean_line
from store.export import pipe_input
from tui.screens.parts import MainParts
from tui.screens.pipe_chooser import PipeChooserScreen
from tui.widgets.article_view import ArticleView

PIPE_BINDINGS: list[BindingType] = [
    Binding(
        "vertical_line",
        "pipe",
        "Pipe",
        show=False,
        tooltip="pipe the article to a command of the config (pipe_commands)",
        id="main.pipe",
    ),
]

NO_COMMANDS = "No commands to pipe to: add [pipe_commands] to the config (newsdesk config path)"
READ_ONLY = "Read-only session: no commands are run on this machine"
NO_SUSPEND = "Not piped: the app cannot hand this terminal to a command here"
_TERMINAL_SIGNALS = tuple(
    sig for sig in (getattr(signal, name, None) for name in ("SIGINT", "SIGQUIT")) if sig
)
"""What the terminal's ctrl+c and ctrl+\\ send to every process in its foreground."""


@dataclass(frozen=True, slots=True)
class Piped:
    """What became of one command: whether it did its work, and the line that says so."""

    ok: bool
    message: str


class PipeActions(MainParts):
    """``|`` and what it runs."""

    def action_pipe(self) -> None:
        article = self.query_one(ArticleView).article
        commands = self.session.config.pipe_commands
        if article is None:
            self.notify("No article selected", timeout=2)
        elif self.session.read_only:
            self.notify(READ_ONLY, timeout=4)
        elif not commands:
            self.notify(NO_COMMANDS, timeout=5, markup=False)
        elif len(commands) == 1:
            self.pipe_to(next(iter(commands)), article)
        else:
            self.app.push_screen(
                PipeChooserScreen(commands, article.title), self._chosen_for(article)
            )

    def _chosen_for(self, article: Article) -> Callable[[str | None], None]:
        def chosen(name: str | None) -> None:
            if name is not None:  # once the chooser is gone, so the app comes back without it
                self.call_after_refresh(self.pipe_to, name, article)

        return chosen

    def pipe_to(self, name: str, article: Article) -> None:
        """Run command ``name`` on ``article`` with the app suspended, then say how it went."""
        command = self.session.config.pipe_commands[name]
        data = pipe_input(article, command.input)
        try:
            with self.app.suspend():
                piped = run_command(name, command.argv, data)
        except SuspendNotSupported:
            self.notify(NO_SUSPEND, severity="warning", timeout=5)
            return
        if piped.ok:
            self.notify(piped.message, timeout=3, markup=False)
        else:
            self.notify(piped.message, severity="warning", timeout=6, markup=False)


def run_command(name: str, argv: Sequence[str], data: bytes) -> Piped:
    """Run ``argv`` with ``data`` on its stdin, and the terminal as its stdout and stderr;
    blocks until it ends (the app is suspended meanwhile). Never raises for a command that
    cannot start or fails: that is what the reader is told."""
    program = clean_line(argv[0])
    try:
        with _terminal_keys_for_the_command():
            done = subprocess.run(list(argv), input=data, check=False)
    except FileNotFoundError:
        return Piped(False, f"Not piped to {name}: {program} not found")
    except OSError as exc:
        return Piped(False, f"Not piped to {name}: {program} cannot run ({exc.strerror or exc})")
    return _outcome(name, program, done.returncode)


def _outcome(name: str, program: str, status: int) -> Piped:
    if status == 0:
        return Piped(True, f"Piped to {name}")
    if status < 0:
        try:
            ended = signal.Signals(-status).name
        except ValueError:
            ended = f"signal {-status}"
        return Piped(False, f"{name}: {program} ended by {ended}")
    return Piped(False, f"{name}: {program} failed (exit status {status})")


@contextmanager
def _terminal_keys_for_the_command() -> Iterator[None]:
    """While the command has the terminal, ctrl+c and ctrl+\\ are the command's: the
    terminal signals its whole foreground, the app too, which must not quit (or have its
    event loop cancelled) under a pager the reader only meant to leave. A Python handler,
    unlike ``SIG_IGN``, is reset to the default in the command as it starts, so the
    command itself can still be interrupted. (Handlers can only be set from the main
    thread, where the app's event loop runs.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {sig: signal.signal(sig, _ignore) for sig in _TERMINAL_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)


def _ignore(signum: int, frame: FrameType | None) -> None:
    """A signal the command has been sent too; the app lets it pass."""
