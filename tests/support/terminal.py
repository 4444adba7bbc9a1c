"""Terminal helpers of the end-to-end tests: the installed console script, a reader's fresh
machine (HOME and XDG folders), and commands run in a detached tmux session on a private
server (``tmux -L <unique name>``), driven with ``send-keys`` and read with ``capture-pane``.

Without tmux (or ssh) the tests that need it are skipped, except with ``CI=true``, where
they fail: CI must run them.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMEOUT_S = 20.0
POLL_S = 0.1


def newsdesk_script() -> str:
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


def required_tool(name: str, package: str | None = None) -> str:
    """The path of ``name``; the test is skipped without it, or fails with ``CI=true``."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed, and with CI=true the e2e tests must run")
        pytest.skip(f"{name} is not installed ({package or name}); install it to run these tests")
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


def reader_machine(tmp_path: Path) -> Reader:
    """A fresh machine for one reader, under ``tmp_path``."""
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
class TerminalRun:
    """A command running in a terminal, with the file its exit status is written to."""

    term: Terminal
    status: Path

    def wait_for_exit(self, timeout: float = TIMEOUT_S) -> str:
        """Wait for the status line and for the pane's process to end; return the status."""
        deadline = time.monotonic() + timeout
        while not (self.status.exists() and self.status.read_text().strip()):
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the command did not exit within {timeout:.0f}s; screen:\n{self.term.screen()}"
                )
            time.sleep(POLL_S)
        while not self.term.pane_dead():
            if time.monotonic() > deadline:
                pytest.fail(f"the pane's process is still running; screen:\n{self.term.screen()}")
            time.sleep(POLL_S)
        return self.status.read_text().strip()


class Terminals:
    """The terminals one test starts, each running one command; all killed at its end."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.started: list[Terminal] = []

    def run(self, command: list[str], size: tuple[int, int]) -> TerminalRun:
        """Start ``command`` in a fresh tmux server of ``size`` (columns, rows)."""
        run_dir = self.workdir / f"term{len(self.started)}"
        run_dir.mkdir()
        status = run_dir / "status"
        term = Terminal(required_tool("tmux"), run_dir, self.env)
        self.started.append(term)
        script = f'{shlex.join(command)}; echo "exit=$?" > {shlex.quote(str(status))}'
        term.start(["sh", "-c", script], size)
        return TerminalRun(term, status)

    def close(self) -> None:
        for term in self.started:
            term.kill()


def row_of(screen: str, text: str) -> str:
    """The first screen line holding ``text`` (a list row, say)."""
    for line in screen.splitlines():
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r}; screen:\n{screen}")


def quit_app(run: TerminalRun, timeout: float = TIMEOUT_S) -> str:
    """Press q in the list or article; the app must end with status 0 and a clean screen."""
    run.term.send("q")
    assert run.wait_for_exit(timeout) == "exit=0"
    screen = run.term.screen()
    assert "Traceback" not in screen, screen
    return screen
