"""The installed console script at 40x15, as over SSH from a small terminal: TERM=xterm (16
colours), TERM=screen, and NO_COLOR=1, in tmux (helpers from ``test_tmux``).

Each run reads the seed article from the keyboard only (no mouse): its row in the list, then
the article, then back, then quits; every screen on the way must be clean (no line wider than
the terminal, no stray escape characters or replacement marks drawn as text).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from rich.cells import cell_len
from support.terminal import Reader, TerminalRun, quit_app

pytestmark = pytest.mark.e2e

SIZE = (40, 15)
ROW_TEXT = "Israel said"
"""The start of the seed article's title: what a 40-column row has room for."""
READ_TEXT = "Palestinian prisoners"
"""Near the top of the seed article's body: on screen at 15 lines once it is open."""
GARBLE = re.compile(r"\x1b|\ufffd|\[\?\d|\[\d+;\d+[Hm]")
"""An escape character, a replacement mark, or an escape sequence drawn as text."""
TERMINALS = [
    pytest.param({"TERM": "xterm"}, id="xterm-16-colours"),
    pytest.param({"TERM": "screen"}, id="screen"),
    pytest.param({"TERM": "xterm-256color", "NO_COLOR": "1"}, id="no-color"),
]


def _clean(screen: str) -> str:
    """``screen`` if it is drawn cleanly at 40 columns; fails otherwise."""
    assert not GARBLE.search(screen), f"garbled:\n{screen}"
    for line in screen.splitlines():
        assert cell_len(line) <= SIZE[0], f"line wider than the terminal: {line!r}"
    return screen


@pytest.mark.parametrize("terminal", TERMINALS)
def test_small_terminal_reads_the_seed_article(
    launch: Callable[..., TerminalRun],
    reader: Reader,
    terminal: dict[str, str],
) -> None:
    reader.env.update(terminal)
    session = launch(SIZE)
    term = session.term

    screen = _clean(term.wait_for(ROW_TEXT, "of 1"))
    top = screen.splitlines()[0]
    assert top.rstrip().endswith("1 of 1"), top
    assert "by date" not in top, "no room at 40 columns: hidden, not wrapped"
    assert READ_TEXT not in screen, "one pane at a time"

    term.send("Enter")
    screen = _clean(term.wait_for(READ_TEXT))
    assert "scaling up" in screen, screen

    term.send("Escape")
    term.wait_without(READ_TEXT)
    _clean(term.wait_for(ROW_TEXT))
    quit_app(session)
