"""Desktop notifications for what a background fetch brought, sent through the terminal.

The app writes the terminal's own notification sequence, so it reaches the reader's
desktop wherever the terminal runs: over SSH, and through tmux (wrapped for tmux to pass on,
which needs ``set -g allow-passthrough on``). Which sequence is chosen from what the terminal
says it is: OSC 99 for kitty, OSC 777 for foot, urxvt and VTE terminals (GNOME Terminal,
Tilix), OSC 9 for the rest (iTerm2, WezTerm, Ghostty, Windows Terminal, ConEmu); a terminal
that knows none of them ignores it. ``notify_command`` (an argv list, never a shell) is run
besides, with the count and the titles as arguments.

The titles are the feeds' text: made one clean line each, with no control characters and
none of the separators the sequences use, so nothing in them can end a sequence early.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence

from store import clean_line

TITLE = "newsdesk"
MAX_TEXT = 240
"""Characters of a notification's body: a few titles, as a desktop shows them."""
MAX_TITLES = 10
"""Titles given to ``notify_command`` after the count."""
COMMAND_TIMEOUT_S = 10.0
_SEPARATORS = re.compile(r"[;\x00-\x1f\x7f-\x9f]")


def protocol(env: Mapping[str, str], outer_term: str | None = None) -> str:
    """``osc99``, ``osc777`` or ``osc9``, for the terminal ``env`` describes (inside tmux,
    ``outer_term`` is the terminal tmux's client runs in)."""
    term = (outer_term or env.get("TERM", "")).lower()
    if "kitty" in term or (env.get("KITTY_WINDOW_ID") and not outer_term):
        return "osc99"
    if term.startswith(("foot", "rxvt")) or (env.get("VTE_VERSION") and not outer_term):
        return "osc777"
    return "osc9"


def sequence(kind: str, body: str, inside_tmux: bool = False) -> str:
    """The escape sequence that shows ``body`` as a notification titled ``TITLE``."""
    text = _clean(body)
    if kind == "osc99":
        raw = f"\x1b]99;i=1:d=0;{TITLE}\x1b\\\x1b]99;i=1:d=1:p=body;{text}\x1b\\"
    elif kind == "osc777":
        raw = f"\x1b]777;notify;{TITLE};{text}\x1b\\"
    else:
        raw = f"\x1b]9;{TITLE}: {text}\x07"
    if inside_tmux:
        return "\x1bPtmux;" + raw.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return raw


def message(count: int, titles: Sequence[str], matched: bool) -> str:
    """The notification's text: how many, and the first titles."""
    plural = "s" if count != 1 else ""
    head = (
        f"{count} article{plural} matching your rules"
        if matched
        else f"{count} new article{plural}"
    )
    return head + (": " + " · ".join(titles) if titles else "")


def command_argv(command: Sequence[str], count: int, titles: Sequence[str]) -> list[str]:
    """``notify_command`` with the count and the first titles as its last arguments."""
    return [*command, str(count), *(clean_line(title)[:MAX_TEXT] for title in titles[:MAX_TITLES])]


def run_command(argv: list[str]) -> str | None:
    """Run ``notify_command``; one line saying why it failed, if it did."""
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        return f"notify_command not found: {clean_line(argv[0])}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"notify_command failed: {clean_line(str(exc))}"
    if done.returncode != 0:
        return f"notify_command exited with status {done.returncode}"
    return None


def outer_terminal(env: Mapping[str, str]) -> str | None:
    """Inside tmux, the terminal its client runs in (asked of tmux), else ``None``."""
    if not env.get("TMUX"):
        return None
    try:
        done = subprocess.run(
            ["tmux", "display-message", "-p", "#{client_termname}"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _clean(text: str) -> str:
    text = _SEPARATORS.sub(" ", clean_line(text))
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def terminal_sequence(body: str) -> str:
    """The sequence for this process's terminal (``os.environ``)."""
    env = os.environ
    return sequence(protocol(env, outer_terminal(env)), body, inside_tmux=bool(env.get("TMUX")))
