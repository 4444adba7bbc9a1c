"""Live search: ``/`` focuses the box, every keystroke filters, enter and escape leave it."""

from __future__ import annotations

from itertools import pairwise

from tui_support import (
    FIVE_ARTICLES,
    article_list,
    count_text,
    header_text,
    row_text,
    screen_text,
    search_input,
    shown_ids,
)

from tui.screens.main import MainScreen

WIDE = (160, 48)
EVERY_ID = [article.id for article in FIVE_ARTICLES]


async def test_slash_focuses_the_search_box(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash")
        assert app.focused is search_input(app)
        await pilot.press("escape", "enter")
        assert app.focused is not search_input(app)
        await pilot.press("slash")
        assert app.focused is search_input(app), "/ while reading"


async def test_every_keystroke_narrows_the_list(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash")
        seen: list[list[str]] = []
        for char in "rent cap":
            await pilot.press("space" if char == " " else char)
            seen.append(shown_ids(app))
            assert count_text(app) == f"{len(seen[-1])} of 5"
        assert sorted(seen[len("rent") - 1]) == ["cafe", "vote"], "ranked by relevance"
        assert seen[-1] == ["vote"]
        assert all(set(later) <= set(earlier) for earlier, later in pairwise(seen))
        assert count_text(app) == "1 of 5"
        assert header_text(app).startswith("Parliament votes on rent cap")
        assert app.focused is search_input(app)


QUERIES = [
    ("rent", ["cafe", "vote"]),
    ("rent paris", ["cafe"]),
    ("berlin rent", ["vote"]),
    ("rent oslo", []),
    ("northern", ["storm"]),  # title only
    ("reuters", ["bank"]),  # source only
    ("pasadena", ["rover"]),  # body only
    ("zurich", ["bank"]),  # the body says "Zürich"
    ("ZÜRICH", ["bank"]),
    ("CAFE", ["cafe"]),  # the title says "Café"
    ("  Welle   PARLIAMENT ", ["vote"]),
    ("", EVERY_ID),
]


async def test_every_word_must_match_title_source_or_body(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash")
        for query, expected in QUERIES:
            search_input(app).value = query
            await pilot.pause()
            assert sorted(shown_ids(app)) == sorted(expected), query
            assert count_text(app) == f"{len(expected)} of 5", query


async def test_no_match_shows_the_empty_message_and_zero_count(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"zzzz")
        assert shown_ids(app) == []
        assert count_text(app) == "0 of 5"
        assert "No articles match" in article_list(app).render_line(0).text
        assert "zzzz" in article_list(app).render_line(0).text
        assert "No article selected" in header_text(app)
        assert "No articles match" in screen_text(app)


async def test_backspace_widens_the_list_again(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"zzzz")
        assert count_text(app) == "0 of 5"
        await pilot.press(*["backspace"] * 4)
        assert shown_ids(app) == EVERY_ID
        assert count_text(app) == "5 of 5"
        await pilot.press(*"rent", "space", *"cap")
        assert shown_ids(app) == ["vote"]
        await pilot.press(*["backspace"] * 4)
        assert sorted(shown_ids(app)) == ["cafe", "vote"]
        assert "Café owners protest rent rises" in row_text(app, shown_ids(app).index("cafe"))
        assert article_list(app).current_id == "vote", "the cursor stays on its article"
        assert header_text(app).startswith("Parliament votes on rent cap")


async def test_enter_goes_to_the_results_and_keeps_the_filter(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"rent", "enter")
        assert app.focused is article_list(app)
        assert search_input(app).value == "rent"
        assert sorted(shown_ids(app)) == ["cafe", "vote"]
        assert count_text(app) == "2 of 5"
        await pilot.press("j", "j")
        assert article_list(app).current_id == shown_ids(app)[-1], "the cursor stops at the end"
        titles = {"vote": "Parliament votes on rent cap", "cafe": "Café owners protest rent"}
        assert header_text(app).startswith(titles[shown_ids(app)[-1]])


async def test_down_goes_to_the_results_too(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"rent", "down")
        assert app.focused is article_list(app)
        assert sorted(shown_ids(app)) == ["cafe", "vote"]


async def test_escape_in_the_search_box_clears_the_filter(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"rent", "escape")
        assert search_input(app).value == ""
        assert shown_ids(app) == EVERY_ID
        assert count_text(app) == "5 of 5"
        assert app.focused is article_list(app)


async def test_letters_that_are_keys_elsewhere_are_typed_into_the_search(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"msq", "question_mark", "j", "k", "g")
        assert app.is_running
        assert isinstance(app.screen, MainScreen)
        assert search_input(app).value == "msq?jkg"
        state = app.session.state
        assert not any(state.is_read(i) or state.is_starred(i) for i in EVERY_ID)
        assert count_text(app) == "0 of 5"


async def test_keys_typed_right_after_slash_reach_the_search_box(make_app) -> None:
    """Over SSH a burst like "/jen" arrives at once: no key may go to the list instead."""
    from textual.events import Key

    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        for key, character in (("slash", "/"), ("j", "j"), ("e", "e"), ("n", "n")):
            app.post_message(Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert search_input(app).value == "jen"
        assert article_list(app).cursor == 0


async def test_slash_inside_the_search_box_is_text(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"and", "slash", *"or")
        assert search_input(app).value == "and/or"
