"""Moving through the list, reading articles, switching panes, help, palette and quitting."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.binding import Binding
from textual.widgets import OptionList
from tui_support import (
    FIVE_ARTICLES,
    article_list,
    article_view,
    header_text,
    main_screen,
    screen_strips,
    screen_text,
    wait_until,
)

from tui.app import _main_commands
from tui.bindings import app_bindings
from tui.keys import help_rows
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.article_view import ArticleView

WIDE = (160, 48)
TITLES = [article.title for article in FIVE_ARTICLES]


async def test_vim_keys_and_arrows_move_the_cursor_and_preview(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        assert article_list(app).cursor == 0
        assert TITLES[0] in header_text(app)
        for key, expected in [("j", 1), ("down", 2), ("j", 3), ("k", 2), ("up", 1), ("k", 0)]:
            await pilot.press(key)
            assert article_list(app).cursor == expected, key
            assert article_list(app).current_id == FIVE_ARTICLES[expected].id
            assert header_text(app).startswith(TITLES[expected]), key


async def test_g_and_shift_g_jump_to_first_and_last(make_app, many_articles):
    app = make_app(many_articles)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("G")
        assert article_list(app).cursor == len(many_articles) - 1
        assert header_text(app).startswith(many_articles[-1].title)
        await pilot.press("g")
        assert article_list(app).cursor == 0
        assert header_text(app).startswith(many_articles[0].title)


async def test_page_down_and_up_move_by_a_page(make_app, many_articles):
    app = make_app(many_articles)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = article_list(app)
        page = widget.scrollable_content_region.height
        assert page > 10
        await pilot.press("pagedown")
        first_jump = widget.cursor
        assert page - 1 <= first_jump <= page
        await pilot.press("pagedown")
        assert widget.cursor == 2 * first_jump
        assert widget.scroll_offset.y <= widget.cursor < widget.scroll_offset.y + page
        assert header_text(app).startswith(many_articles[widget.cursor].title)
        await pilot.press("pageup")
        assert widget.cursor == first_jump
        await pilot.press("pageup")
        assert widget.cursor == 0


async def test_cursor_never_leaves_the_list(make_app):
    app = make_app()
    last = len(FIVE_ARTICLES) - 1
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("k", "up", "pageup", "home")
        assert article_list(app).cursor == 0
        await pilot.press("j", "j", "j", "j", "j", "j", "down", "pagedown", "pagedown", "end")
        assert article_list(app).cursor == last
        assert header_text(app).startswith(TITLES[last])
        await pilot.press("pageup", "pageup")
        assert article_list(app).cursor == 0


async def test_cursor_keys_on_an_empty_result_do_nothing(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"zzzz", "down")
        assert app.focused is article_list(app)
        await pilot.press("j", "G", "pagedown", "k", "enter")
        assert article_list(app).cursor == 0
        assert article_list(app).current_id is None
        assert app.focused is article_list(app)
        assert not any(app.session.state.is_read(a.id) for a in FIVE_ARTICLES)


async def test_enter_opens_the_article_and_marks_it_read(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j")
        assert not app.session.state.is_read("bank")
        await pilot.press("enter")
        assert app.focused is article_view(app)
        assert header_text(app).startswith(TITLES[1])
        assert app.session.state.is_read("bank")
        assert not app.session.state.is_read("cafe")


async def test_brackets_read_the_next_and_previous_article(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter", "right_square_bracket")
        assert article_list(app).cursor == 1
        assert header_text(app).startswith(TITLES[1])
        assert app.session.state.is_read("bank")
        await pilot.press("right_square_bracket")
        assert header_text(app).startswith(TITLES[2])
        assert app.session.state.is_read("storm")
        await pilot.press("left_square_bracket")
        assert article_list(app).cursor == 1
        assert header_text(app).startswith(TITLES[1])
        assert app.focused is article_view(app)
        assert not app.session.state.is_read("rover")


async def test_brackets_stop_at_the_ends(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter", "left_square_bracket")
        assert article_list(app).cursor == 0
        await pilot.press(*["right_square_bracket"] * 8)
        assert article_list(app).cursor == len(FIVE_ARTICLES) - 1
        assert header_text(app).startswith(TITLES[-1])


async def test_escape_returns_focus_to_the_list(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        assert app.focused is article_view(app)
        await pilot.press("escape")
        assert app.focused is article_list(app)
        assert article_list(app).cursor == 1
        await pilot.press("j")
        assert article_list(app).cursor == 2


async def test_tab_moves_focus_between_panes(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        assert app.focused is article_list(app)
        await pilot.press("tab")
        assert app.focused is article_view(app)
        await pilot.press("shift+tab")
        assert app.focused is article_list(app)


async def test_help_lists_every_key_and_escape_closes_it(make_app):
    app = make_app()
    async with app.run_test(size=(120, 120)) as pilot:  # tall enough for the whole table
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        shown = screen_text(app)
        for _group, keys in help_rows(app_bindings(), {}):
            for key, meaning in keys:
                assert f"{key}  " in shown and meaning in shown, (key, meaning)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.focused is article_list(app)


async def test_q_quits(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter", "q")
        assert not app.is_running
    assert app.return_code == 0


async def test_command_palette_offers_search_and_toggle_star(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:

        def prompts() -> list[str]:
            options = app.screen.query_one(OptionList)
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        await pilot.press("ctrl+p")
        await pilot.press(*"search")
        await wait_until(pilot, lambda: any(p.startswith("Search\n") for p in prompts()))
        await pilot.press(*["backspace"] * len("search"), *"toggle star")
        await wait_until(pilot, lambda: any(p.startswith("Toggle star\n") for p in prompts()))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.session.state.is_starred(main_screen(app).current_id() or "")


async def test_every_action_key_is_in_the_command_palette(make_app):
    """Each key that does something (not moving, not 1-9, which "Saved searches" covers)
    has a palette command saying so: "(e)"."""
    moving = {"j", "k", "g", "G", "space", "w", "b", "n", "N", "escape"}
    shown = {
        "slash": "/",
        "right_square_bracket": "]",
        "left_square_bracket": "[",
        "vertical_line": "|",
    }
    app = make_app()
    async with app.run_test(size=WIDE):
        helps = " ".join(help_text for _, help_text, _ in _main_commands(main_screen(app), {}))
        for binding in [*MainScreen.BINDINGS, *ArticleView.BINDINGS]:
            assert isinstance(binding, Binding)
            key = binding.key
            if key in moving or key.isdigit():
                continue
            assert f"({shown.get(key, key)})" in helps, f"{key} ({binding.action}) not in palette"


def _cursor_row_drawn(app) -> str | None:
    """The title of the list row drawn with the cursor's background, or ``None``."""
    widget = article_list(app)
    cursor = widget.get_component_rich_style("article-list--cursor", partial=True).bgcolor
    region = widget.scrollable_content_region
    for strip in screen_strips(app)[region.y : region.bottom]:
        if any(seg.style is not None and seg.style.bgcolor == cursor for seg in strip):
            return strip.text
    return None


def _titled_1926(articles):
    """Three of ``articles`` (the 31st, 61st and 91st) get "1926" in their title."""
    return tuple(
        replace(a, title=f"{a.title} in 1926") if i in (30, 60, 90) else a
        for i, a in enumerate(articles)
    )


@pytest.mark.parametrize("size", [(80, 24), WIDE], ids=["80x24", "160x48"])
async def test_after_a_search_is_cleared_the_cursor_row_is_on_screen(make_app, many_articles, size):
    """The cursor keeps its article when the search is cleared; that row must be drawn,
    highlighted, and be the one enter opens."""
    articles = _titled_1926(many_articles)
    app = make_app(articles)
    async with app.run_test(size=size) as pilot:
        await pilot.press("slash", *"title:1926", "enter", "escape")
        await pilot.pause()
        widget = article_list(app)
        assert len(widget.articles) == len(articles)
        assert widget.current_id == "gen-030"
        drawn = _cursor_row_drawn(app)
        assert drawn is not None and "Story 030" in drawn, "the cursor's row is on screen"
        await pilot.press("enter")
        assert header_text(app).startswith("Story 030")


async def test_the_list_never_scrolls_sideways(make_app, many_articles):
    """Rows are cut to the width, so no horizontal scrollbar takes a row of the list
    (whatever the result did to the vertical one)."""
    app = make_app(_titled_1926(many_articles))
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in (["slash", *"title:1926", "enter"], ["escape"], ["G"]):
            await pilot.press(*keys)
            await pilot.pause()
            widget = article_list(app)
            assert not widget.show_horizontal_scrollbar
            assert widget.scrollable_content_region.height == widget.size.height


async def test_a_shrinking_list_pane_keeps_the_cursor_row_on_screen(make_app, many_articles):
    """``e`` shows the entity facets under the list: the cursor's row stays drawn."""
    app = make_app(many_articles)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press(*["j"] * 40)
        await pilot.press("e")
        await pilot.pause()
        assert article_list(app).current_id == "gen-040"
        drawn = _cursor_row_drawn(app)
        assert drawn is not None and "Story 040" in drawn
