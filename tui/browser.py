"""Opening a link in the reader's browser, never through a shell.

``webbrowser`` picks the browser (``$BROWSER`` first: each entry is split with ``shlex`` and
run without a shell; ``%s`` in it is replaced by the link), but the command is started here:
the link is one argument of its own, the browser's output cannot scribble over the app's
screen (stdin, stdout and stderr go to ``/dev/null``), and it runs in a session of its own.
A ``$BROWSER`` that is itself a shell (``sh -c '... %s'``) would hand the link to a shell,
so it is refused; terminal browsers (lynx, w3m, ...) would fight the app for the terminal,
so they count as no browser. Over SSH, or on Linux without a display, there is no browser
the reader can see, unless they set ``$BROWSER``: the caller then offers to copy the link.

Blocking (it waits a little for the command): call it from a thread worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import webbrowser
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

LAUNCH_WAIT_S = 5.0
"""A command still running after this long is taken to be the browser itself, opened."""
TERMINAL_BROWSERS = frozenset(
    {"www-browser", "links", "links2", "elinks", "lynx", "w3m", "browsh", "carbonyl"}
)
SHELLS = frozenset(
    {"sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "busybox", "env"}
    | {"cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh", "pwsh.exe"}
)


@dataclass(frozen=True, slots=True)
class Launch:
    """What became of an attempt to open a link; ``no_browser`` means copying is the way."""

    opened: bool
    message: str
    no_browser: bool = False


def no_browser_reason(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why no browser can be seen by the reader here, or ``None`` when one may be."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get("BROWSER"):
        return None  # the reader's own choice wins, even over SSH
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return "SSH session"
    graphical_elsewhere = platform == "darwin" or platform.startswith(("win", "cygwin"))
    if not graphical_elsewhere and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return "no display"
    return None


def open_in_browser(url: str) -> Launch:
    """Open ``url`` (already checked with ``store.links.safe_url``) in a browser."""
    reason = no_browser_reason()
    if reason is not None:
        return Launch(False, f"No browser here ({reason})", no_browser=True)
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return Launch(False, "No browser found", no_browser=True)
    argv = browser_command(browser, url)
    if argv is None:
        return _open_with(browser, url)
    program = PurePath(argv[0]).name.lower()
    if program in TERMINAL_BROWSERS:
        return Launch(False, f"Only a terminal browser here ({program})", no_browser=True)
    if program in SHELLS:
        return Launch(False, f"Not opened: the browser command runs a shell ({program})")
    return _run(argv)


def browser_command(browser: webbrowser.BaseBrowser, url: str) -> list[str] | None:
    """The command ``browser`` runs for ``url``, with the URL one argument of its own;
    ``None`` for a browser that is not started by a command (macOS, Windows)."""
    if isinstance(browser, webbrowser.GenericBrowser):
        return [browser.name, *(arg.replace("%s", url) for arg in browser.args)]
    if isinstance(browser, webbrowser.UnixBrowser):
        return [browser.name, url]
    return None


def _run(argv: list[str]) -> Launch:
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
    except OSError as exc:
        return Launch(False, f"Browser did not start ({exc.strerror or exc})", no_browser=True)
    try:
        status = process.wait(timeout=LAUNCH_WAIT_S)
    except subprocess.TimeoutExpired:
        return Launch(True, "Opened in the browser")
    if status != 0:
        return Launch(False, f"Browser failed (exit status {status})", no_browser=True)
    return Launch(True, "Opened in the browser")


def _open_with(browser: webbrowser.BaseBrowser, url: str) -> Launch:
    try:
        opened = browser.open(url)
    except OSError as exc:
        return Launch(False, f"Browser did not start ({exc.strerror or exc})", no_browser=True)
    if not opened:
        return Launch(False, "Browser did not open the link", no_browser=True)
    return Launch(True, "Opened in the browser")
