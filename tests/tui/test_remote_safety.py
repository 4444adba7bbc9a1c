"""Control sequences in every field of an article never reach the screen, in any pane or dialog.

The article is stored as it came (the store may have been written by another tool, or by hand),
so what is checked here is the display's own cleaning: list row, reading pane, link list,
export and tag dialogs, the undo notification. The bytes that reach a real terminal are
checked end to end in ``tests/e2e/test_terminal_safety.py``.
"""

from __future__ import annotations

import re

import pytest
from tui_support import header_text, main_screen, row_text, screen_lines, wait_until

from store.article import Article
from tui.screens.main import MainScreen

ESC, BEL = "\x1b", "\x07"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = Article(
    id="hostile",
    title=f"Quake{ESC}]52;c;Q0xJUA=={BEL} hits{ESC}]0;TITLEX{BEL} coast{ESC}[2J{ESC}[H "
    "\u202etown\u202c \x9b2Jtoday \x9d0;CONEX\x9c",
    source=f"Wire{ESC}[?2004h \u2066Desk\u2069",
    author="Ann\x9b31m Writer\u202e",
    url=f"https://example.com/story{ESC}]52;c;VVJM{BEL}",
    tags=(f"quake{ESC}]0;TAGX{BEL}s", "\u202eflood"),
    published="2025-03-03T08:00:00+00:00",
    body=f"First{ESC}]52;c;Qk9EWQ=={ESC}\\ paragraph{ESC}[?2004l.\n\n"
    f"See https://example.com/a{ESC}[2Jb and \u2067more\u2069 \x9b2J text.",
)
SECRETS = ("Q0xJUA", "TITLEX", "CONEX", "VVJM", "TAGX", "Qk9EWQ", "52;c;", "2004")
SIZES = [pytest.param((40, 15), id="40x15"), pytest.param((120, 30), id="120x30")]


def check(lines: list[str]) -> str:
    text = "\n".join(lines)
    assert not UNSAFE.search(text), repr(UNSAFE.findall(text))
    for secret in SECRETS:
        assert secret not in text, secret
    return re.sub(r"[\s│╭╮╰╯─▊▎▔▁▏]+", " ", text)


@pytest.mark.parametrize("size", SIZES)
async def test_list_and_reading_pane_show_the_text_without_controls(make_app, size) -> None:
    app = make_app([HOSTILE])
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert "Quake hits coast town" in row_text(app, 0)
        check(screen_lines(app))
        await pilot.press("enter")
        text = check(screen_lines(app))
        assert "Quake hits coast town today" in text, text
        assert "First paragraph." in text and "more text." in text, text
        header = header_text(app)
        assert "Wire Desk · Ann Writer" in header, header
        assert "https://example.com/story" in header and "#quakes #flood" in header, header


@pytest.mark.parametrize("key", ["L", "x", "t"])
async def test_dialogs_show_the_text_without_controls(make_app, key: str) -> None:
    app = make_app([HOSTILE])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", key)
        await wait_until(pilot, lambda: not isinstance(app.screen, MainScreen))
        await pilot.pause()
        text = check(screen_lines(app))
        if key == "L":
            assert "https://example.com/story" in text and "https://example.com/ab" in text, text
        if key == "t":
            assert "Quake hits coast town" in text, text


async def test_the_undo_notification_shows_the_title_without_controls(make_app) -> None:
    app = make_app([HOSTILE])
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.press("m", "u")
        await wait_until(pilot, lambda: "Undone" in "".join(screen_lines(app)))
        text = check(screen_lines(app))
        assert "Undone" in text
        assert main_screen(app).current_id() == "hostile"
