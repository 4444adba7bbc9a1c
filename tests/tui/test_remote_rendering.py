"""The app at the sizes of a remote reader's terminal: 80x24, and 40x15 (a phone's SSH client).

Every screen is read back from the compositor, line by line: each line is exactly as wide as
the terminal (a wide character cut in half, or one measured as one cell, would change that),
labels that do not fit are hidden rather than wrapped or cut, and everything is reached from
the keyboard. The store holds an article with a Japanese title and emoji, measured as two
cells each.
"""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from tui_support import FIVE_ARTICLES, article_list, main_screen, screen_lines, wait_until

from store.article import Article
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.search_bar import SHORT_PLACEHOLDER

CJK = Article(
    id="cjk",
    title="東京で大規模な地震 🌏 津波警報が発令された",
    source="日本経済新聞",
    author="山田太郎",
    url="https://example.jp/記事",
    tags=("地震",),
    published="2025-03-06T08:00:00+00:00",
    body="東京で地震が発生した。🌊 津波警報 https://example.jp/a 詳しくは後で。\n\n"
    "Second paragraph with emoji 🎉🎉 and Tokyo.",
)
ARTICLES = (CJK, *FIVE_ARTICLES)
TINY, SMALL = (40, 15), (80, 24)
SIZES = [pytest.param(TINY, id="40x15"), pytest.param(SMALL, id="80x24")]
BOX = "│╭╮╰╯─▊▎▔▁▏"


def lines_fit(app, size: tuple[int, int]) -> list[str]:
    """The screen's lines, each checked to fill exactly the terminal's width in cells."""
    width, height = size
    lines = screen_lines(app)
    assert len(lines) == height
    for number, line in enumerate(lines):
        assert cell_len(line) == width, f"line {number} is {cell_len(line)} cells: {line!r}"
    return lines


def flat(lines: list[str]) -> str:
    """The screen's words in reading order, without borders, so wrapped text reads whole."""
    text = " ".join(line.strip(f" {BOX}") for line in lines)
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("size", SIZES)
async def test_main_screen_fits_and_keeps_the_count(make_app, size) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = lines_fit(app, size)
        assert lines[0].rstrip().endswith("6 of 6"), lines[0]
        row = lines[1]
        assert "東京で大規模" in row and "…" in row, row
        if size == TINY:
            assert lines[0].startswith(f" / {SHORT_PLACEHOLDER} "), lines[0]
            assert "by date" not in lines[0] and "unread" not in lines[0]
            assert "03-06" in row and "2025-03-06" not in row, "a short date leaves room"
            assert "palette" not in lines[-1]
        else:
            assert "6 unread ·" in lines[0], lines[0]
            assert "2025-03-06" in row, row
            assert "q Quit" in lines[-1]
        await pilot.press("O")  # by date: the header says so where there is room
        await pilot.pause()
        top = lines_fit(app, size)[0]
        assert top.rstrip().endswith("6 of 6"), top
        assert ("by date" in top) is (size != TINY), top


@pytest.mark.parametrize("size", SIZES)
async def test_reading_pane_shows_wide_characters_whole(make_app, size) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        assert main_screen(app).reading
        lines = lines_fit(app, size)
        text = flat(lines)
        assert "東京で大規模な地震 🌏" in text and "津波警報が発令された" in text, text
        assert "日本経済新聞 · 山田太郎" in text and "#地震" in text, text
        assert "🌊 津波警報" in text, text
        assert not any("東京で大規模" in line and "…" in line for line in lines)
        await pilot.press("escape")
        assert not main_screen(app).reading
        lines_fit(app, size)


@pytest.mark.parametrize("size", SIZES)
async def test_help_shows_keys_with_their_meanings(make_app, size) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        text = flat(lines_fit(app, size))
        assert "j / ↓" in text and "next article" in text, text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


DIALOGS = [
    pytest.param("t", "esc cancels", id="tags"),
    pytest.param("L", "esc closes", id="links"),
    pytest.param("x", "esc cancels", id="export"),
    pytest.param("v", "esc closes", id="saved"),
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("key", "hint"), DIALOGS)
async def test_dialogs_fit_and_wrap_their_hints(make_app, size, key: str, hint: str) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=size) as pilot:
        await pilot.press(key)
        await wait_until(pilot, lambda: not isinstance(app.screen, MainScreen))
        await pilot.pause()
        text = flat(lines_fit(app, size))
        assert hint in text, f"the hint is cut: {text}"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_link_list_shows_a_url_with_wide_characters_whole(make_app) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=TINY) as pilot:
        await pilot.press("L")
        await pilot.pause()
        text = flat(lines_fit(app, TINY))
        assert "https://example.jp/記事" in text and "https://example.jp/a" in text, text


@pytest.mark.parametrize("size", SIZES)
async def test_entity_facets_take_the_screen_when_narrow(make_app, size) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=size) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: "Places" in flat(screen_lines(app)))
        lines = lines_fit(app, size)
        assert not any("Café owners" in line for line in lines), "one pane at a time"
        await pilot.press("e")
        await pilot.pause()
        assert article_list(app).has_focus
        lines_fit(app, size)
