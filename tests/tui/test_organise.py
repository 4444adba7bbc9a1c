"""Arranging the list: O cycles the order, z groups by day or source under header lines the
cursor skips, U shows unread articles only; a sort: typed in the search wins."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from rich.cells import cell_len
from textual.widgets import Label
from tui_support import article_list, main_screen, screen_lines, shown_ids

from store.article import Article
from store.config import Config
from tui.app import NewsdeskApp

WIDE = (160, 48)
NARROW = (80, 24)

ARTICLES = (
    Article(id="a", title="Harbour storm floods quays", source="Reuters",
            published="2025-03-05T10:00:00+00:00", body="Water rose in the harbour."),
    Article(id="b", title="Storm warning for the coast", source="AP",
            published="2025-03-05T08:00:00+00:00", body="Winds of 120 km/h."),
    Article(id="c", title="Budget vote delayed", source="Reuters",
            published="2025-03-04T09:00:00+00:00", body="The vote moves to Friday."),
    Article(id="d", title="Ports close as storm nears", source="BBC",
            published="2025-03-04T07:00:00+00:00", body="Ferries stayed in port."),
    Article(id="e", title="Rail strike ends", source="AP",
            published="2025-03-03T12:00:00+00:00", body="Trains run again."),
)  # fmt: skip
"""Newest first: two on the 5th, two on the 4th, one on the 3rd."""


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Day headers are in the local zone: pin it."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def arrangement_text(app: NewsdeskApp) -> str:
    return str(main_screen(app).query_one("#arrangement", Label).content)


def messages(app: NewsdeskApp) -> list[str]:
    return [n.message for n in app._notifications]


def list_lines(app: NewsdeskApp) -> list[str]:
    """The list pane's lines as drawn now."""
    region = article_list(app).region
    return [line[region.x : region.right] for line in screen_lines(app)[region.y : region.bottom]]


def headers(app: NewsdeskApp) -> list[str]:
    return [line.strip() for line in list_lines(app) if line.startswith("──")]


def current(app: NewsdeskApp) -> str | None:
    return article_list(app).current_id


async def type_query(pilot, text: str) -> None:
    await pilot.press("slash", "ctrl+u", *("space" if c == " " else c for c in text), "enter")
    await pilot.pause()


async def test_o_cycles_the_order_and_the_header_says_so(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        assert arrangement_text(app) == "", "the natural order goes unsaid"
        await pilot.press("O")
        assert messages(app)[-1] == "Sorted by date, newest first"
        assert shown_ids(app) == ["a", "b", "c", "d", "e"]
        await pilot.press("O")
        assert arrangement_text(app) == "by source"
        assert shown_ids(app) == ["b", "e", "d", "a", "c"], "A to Z, newest first within"
        await pilot.press("O")
        assert messages(app)[-1].startswith("Sorted by relevance")
        assert "newest first" in messages(app)[-1], "no words: says it falls back to date"
        assert arrangement_text(app) == ""
        await type_query(pilot, "storm")
        assert arrangement_text(app) == ""
        await pilot.press("O")
        assert arrangement_text(app) == "by date"
        assert shown_ids(app) == ["a", "b", "d"]


async def test_a_sort_typed_in_the_query_wins_over_o(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("O", "O")  # by source
        await type_query(pilot, "storm sort:date")
        assert shown_ids(app) == ["a", "b", "d"]
        assert arrangement_text(app) == "by date"
        await pilot.press("O")
        assert "sort:date" in messages(app)[-1]
        assert shown_ids(app) == ["a", "b", "d"]
        await type_query(pilot, "storm")
        assert arrangement_text(app) == "by source", "the chosen order is back"
        assert shown_ids(app) == ["b", "d", "a"]


async def test_z_groups_by_day_under_headers_the_cursor_skips(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("z")
        assert arrangement_text(app) == "grouped by day"
        assert messages(app)[-1] == "Grouped by day, newest first"
        assert [h.rstrip("─ ") for h in headers(app)] == [
            "── Wednesday 5 March 2025 · 2",
            "── Tuesday 4 March 2025 · 2",
            "── Monday 3 March 2025 · 1",
        ]
        lines = list_lines(app)
        assert lines[0].startswith("── Wednesday") and "Harbour storm" in lines[1]
        assert "Budget vote" in lines[4], "a header line between the days"
        seen = [current(app)]
        for _ in range(4):
            await pilot.press("j")
            seen.append(current(app))
        assert seen == ["a", "b", "c", "d", "e"], "j never stops on a header"
        await pilot.press("k", "k")
        assert current(app) == "c"
        await pilot.press("G")
        assert current(app) == "e"
        await pilot.press("g")
        assert current(app) == "a"
        assert list_lines(app)[0].startswith("── Wednesday"), "the first header stays in view"
        await pilot.press("pagedown")
        assert current(app) == "e"
        await pilot.press("pageup")
        assert current(app) == "a"


async def test_page_keys_move_a_screenful_of_lines_headers_included(make_app, many_articles):
    app = make_app(many_articles)  # one article a day: a header above every row
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("z")
        widget = article_list(app)
        page = widget.scrollable_content_region.height - 1
        await pilot.press("pagedown")
        assert widget.cursor == (page + 1) // 2
        await pilot.press("pagedown", "pagedown")
        first_shown = widget.scroll_offset.y
        assert first_shown <= widget.lines.line_of(widget.cursor) < first_shown + page + 1
        await pilot.press("pageup", "pageup", "pageup")
        assert widget.cursor == 0
        await pilot.press("G")
        assert current(app) == many_articles[-1].id
        assert any("Story 119" in line for line in list_lines(app)), "the last row is in view"


async def test_the_cursor_row_is_the_only_one_highlighted_under_headers(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("z", "j", "j")
        widget = article_list(app)
        cursor_style = widget.get_component_rich_style("article-list--cursor", partial=True)
        styled = [
            y
            for y in range(7)
            if any(
                s.style and s.style.bgcolor == cursor_style.bgcolor for s in widget.render_line(y)
            )
        ]
        assert styled == [4], "the row of 'c', under the second header"


async def test_z_groups_by_source_and_the_cursor_keeps_its_article(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "j")
        assert current(app) == "d"
        await pilot.press("z")
        assert current(app) == "d"
        await pilot.press("z")
        assert arrangement_text(app) == "grouped by source"
        assert [h.rstrip("─ ") for h in headers(app)] == [
            "── AP · 2",
            "── BBC · 1",
            "── Reuters · 2",
        ]
        assert shown_ids(app) == ["b", "e", "d", "a", "c"]
        assert current(app) == "d", "the cursor's article is kept across regrouping"
        await pilot.press("j")
        assert current(app) == "a", "past the Reuters header"
        await pilot.press("z")
        assert arrangement_text(app) == ""
        assert headers(app) == []
        assert current(app) == "a"


async def test_reading_brackets_skip_headers(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("z", "j", "enter")
        assert current(app) == "b"
        await pilot.press("right_square_bracket")
        assert current(app) == "c"
        assert app.session.state.is_read("c")
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert current(app) == "a"


async def test_o_while_grouped_turns_grouping_off(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("z", "O")
        assert messages(app)[-1].endswith("; grouping off")
        assert arrangement_text(app) == "by source"
        assert headers(app) == []


async def test_a_typed_sort_the_grouping_cannot_follow_shows_no_headers(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await type_query(pilot, "storm sort:relevance")
        await pilot.press("z")
        assert messages(app)[-1] == "Grouping by day waits: the search says sort:relevance"
        assert headers(app) == []
        assert arrangement_text(app) == ""
        await type_query(pilot, "storm")
        assert len(headers(app)) == 2 and arrangement_text(app) == "grouped by day"


async def test_u_hides_read_articles_and_composes_with_a_query(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("enter", "escape")  # reads "a"
        assert app.session.state.is_read("a")
        await pilot.press("U")
        assert messages(app)[-1] == "Unread only: read articles hidden"
        assert arrangement_text(app) == "unread only"
        assert shown_ids(app) == ["b", "c", "d", "e"]
        await type_query(pilot, "storm")
        assert sorted(shown_ids(app)) == ["b", "d"]
        await pilot.press("U")
        assert arrangement_text(app) == ""
        assert sorted(shown_ids(app)) == ["a", "b", "d"]


async def test_an_article_marked_read_stays_until_the_next_refresh(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("U", "j", "m")
        assert app.session.state.is_read("b")
        assert shown_ids(app) == ["a", "b", "c", "d", "e"], "no row vanishes under the cursor"
        assert current(app) == "b"
        await pilot.press("enter", "right_square_bracket")
        assert shown_ids(app) == ["a", "b", "c", "d", "e"]
        await pilot.press("escape", "z")
        assert shown_ids(app) == ["a", "d", "e"], "gone once the list is arranged anew"


async def test_defaults_come_from_the_config(make_app):
    app = make_app(ARTICLES)
    app.session.config = replace(Config(), default_sort="source", group_by="day", show_read=False)
    app.session.state.set_read("e")
    app.session.reload_flags()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert arrangement_text(app) == "grouped by day · unread only"
        assert shown_ids(app) == ["a", "b", "c", "d"]
        await pilot.press("z")
        assert arrangement_text(app) == "grouped by source · unread only"
        await pilot.press("z")
        assert arrangement_text(app) == "by source · unread only"


WIDE_NAMES = (
    Article(id="tokyo", title="地震の速報", source="東京新聞" * 12,
            published="2025-03-05T10:00:00+00:00", body="本文"),
    Article(id="plain", title="A plain story", source="Wire",
            published="2025-03-04T10:00:00+00:00", body="Text."),
)  # fmt: skip


async def test_headers_fit_a_narrow_terminal_without_cutting_a_character(make_app):
    app = make_app(WIDE_NAMES)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("z", "z")
        widget = article_list(app)
        width = widget.scrollable_content_region.width
        header = widget.render_line(2)  # Wire, one row, then the Tokyo paper
        assert header.cell_length == width
        assert header.text.startswith("── 東京新聞")
        assert header.text.rstrip().endswith("· 1 ─") or "…" in header.text
        assert "\ufffd" not in header.text
        for line in list_lines(app):
            assert cell_len(line) <= NARROW[0]
        await pilot.press("z")  # back to none, then day
        await pilot.press("z")
        assert list_lines(app)[0].startswith("── Wednesday 5 March 2025 · 1 ─")


async def test_command_palette_lists_the_arrangement_actions(make_app):
    app = make_app(ARTICLES)
    async with app.run_test(size=WIDE):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Sort", "Group", "Unread only"):
            assert title in titles, title
