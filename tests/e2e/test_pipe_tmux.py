"""``|`` in a real terminal: the installed app suspends, the command has the terminal (its
stdin the article, its keys the reader's, ``ctrl+c`` too), and the app comes back drawn
and responsive. The Pilot tests (``tests/tui/test_pipe.py``) cover the rest of ``|``; only a
real terminal can suspend.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from support import SEED_TITLE_PREFIX
from support.terminal import Reader, Terminals, newsdesk_script, quit_app

pytestmark = pytest.mark.e2e

QUIT_HINT = "q Quit"
PROMPT = "PIPED-OK: press enter"
COMMAND = f"""\
#!{sys.executable}
import pathlib, sys
pathlib.Path(sys.argv[1]).write_bytes(sys.stdin.buffer.read())
print({PROMPT!r}, flush=True)
try:
    open("/dev/tty").readline()
except KeyboardInterrupt:
    sys.exit(130)
"""
"""Writes its stdin to the file it is given, then waits for enter on the terminal (which it
can only read while the app is suspended); ctrl+c ends it with status 130."""


def _pipe_command(reader: Reader, tmp_path: Path) -> Path:
    """``keepit`` on the reader's PATH, configured as the one pipe command; its output file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "keepit"
    script.write_text(COMMAND, encoding="utf-8")
    script.chmod(0o755)
    reader.env["PATH"] = f"{bin_dir}{os.pathsep}{reader.env.get('PATH', '')}"
    out = tmp_path / "piped.txt"
    config = Path(reader.env["XDG_CONFIG_HOME"]) / "newsdesk" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[pipe_commands]\nkeep = ["keepit", {json.dumps(str(out))}]\n')
    return out


AS_A_JOB = 'set -m; "$0"; exit "$?"'
"""Run the app as an interactive shell does, as a job in a process group of its own that
has the terminal: ``ctrl+c`` then reaches the app and its command, not the shell around it
(which the terminal helpers' ``sh -c "...; echo exit=$?"`` would otherwise be, dying of the
SIGINT before it writes the app's status)."""


def test_pipe_suspends_the_app_for_the_command_and_comes_back(
    terminals: Terminals, reader: Reader, tmp_path: Path
) -> None:
    out = _pipe_command(reader, tmp_path)
    session = terminals.run(["bash", "-c", AS_A_JOB, newsdesk_script()], (100, 30))
    term = session.term
    term.wait_for(SEED_TITLE_PREFIX, QUIT_HINT)

    # The command has the terminal: the app's screen is gone while it waits for enter.
    term.type("|")
    screen = term.wait_for(PROMPT)
    assert QUIT_HINT not in screen, screen
    text = out.read_text(encoding="utf-8")
    assert text.startswith(SEED_TITLE_PREFIX), text
    assert "\x1b" not in text
    term.send("Enter")
    screen = term.wait_for(SEED_TITLE_PREFIX, QUIT_HINT, "Piped to keep")
    assert PROMPT not in screen, "the app's screen is drawn again whole:\n" + screen

    # ctrl+c in the command ends the command, not the app. (The terminal's own screen, shown
    # again while the app is suspended, still holds the first run's prompt.)
    out.unlink()
    term.type("|")
    term.wait_until(lambda s: s.count(PROMPT) == 2, "the command's second prompt")
    term.send("C-c")
    term.wait_for(SEED_TITLE_PREFIX, QUIT_HINT, "keep: keepit failed (exit status 130)")
    assert out.exists()

    # Still responsive: help opens and closes, then q quits cleanly.
    term.send("?")
    term.wait_for("The list", "next / previous pane")
    term.send("Escape")
    term.wait_without("next / previous pane")
    term.wait_for(SEED_TITLE_PREFIX, QUIT_HINT)
    quit_app(session)
