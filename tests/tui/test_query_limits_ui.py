"""Hostile queries in the search box: too long, more than the index can run, a page pasted
by mistake, and tags spelled with the invisible characters of emoji sequences."""

from __future__ import annotations

import pytest
from textual._xterm_parser import XTermParser
from textual.widgets import Input, Label
from tui_support import FIVE_ARTICLES, article_list, count_text, main_screen, shown_ids

from store.article import Article
from store.query import parser
from tui.app import NewsdeskApp
from tui.screens.tags import TagsScreen
from tui.widgets.search_bar import SearchBar

WIDE = (160, 48)
DEV = "👩\u200d💻"  # woman, zero-width joiner, laptop
PRIDE = "🏳\ufe0f\u200d🌈"  # white flag, variation selector 16, zero-width joiner, rainbow
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # tag characters
TAGGED = (
    Article(id="dev", title="Coders meet", tags=(DEV,), published="2025-03-03T08:00:00+00:00"),
    Article(id="pride", title="Parade", tags=(PRIDE,), published="2025-03-02T08:00:00+00:00"),
    Article(id="woman", title="Portrait", tags=("👩",), published="2025-03-01T08:00:00+00:00"),
    Article(id="scot", title="Highlands", tags=(SCOTLAND,), published="2025-02-28T08:00:00+00:00"),
)


def error_text(app: NewsdeskApp) -> str:
    label = main_screen(app).query_one("#query-error", Label)
    return str(label.content) if label.display else ""


async def put_query(pilot, app: NewsdeskApp, text: str) -> None:
    """The query in the box as if pasted there, the box focused (the reader is typing)."""
    await pilot.press("slash")
    main_screen(app).query_one(SearchBar).set_value(text)
    await pilot.pause()


async def type_as_a_terminal(pilot, text: str) -> None:
    """``text`` as a terminal sends it, read by Textual's parser of terminal input (Pilot's
    ``press`` rebuilds each character from its key's name, which loses 💻 and the joiner)."""
    for event in XTermParser().feed(text):
        pilot.app.post_message(event)
        await pilot.pause()


async def enter_still_opens_the_article(pilot, app: NewsdeskApp) -> None:
    await pilot.press("enter")  # to the list
    await pilot.pause()
    assert app.focused is article_list(app)
    await pilot.press("enter")  # opens the article under the cursor
    await pilot.pause()
    assert main_screen(app).reading


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("tag:a " * 1000, "✗ query too long: 1,000 terms (at most 256), at 1537"),
        ("person:x " * 1000, "✗ query too long: 1,000 terms (at most 256), at 2305"),
        ("is:read " * 1000, "✗ query too long: 1,000 terms (at most 256), at 2049"),
        ("-a " * 2000, "✗ query too long: 2,000 terms (at most 256), at 770"),
    ],
    ids=["tags", "people", "flags", "negations"],
)
async def test_a_query_too_long_is_an_inline_error_and_enter_still_works(
    make_app, text: str, error: str
):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await put_query(pilot, app, "rent")
        assert sorted(shown_ids(app)) == ["cafe", "vote"]
        await put_query(pilot, app, text)
        assert error_text(app) == error
        assert sorted(shown_ids(app)) == ["cafe", "vote"], "the last good result stays"
        assert count_text(app) == "2 of 5"
        await enter_still_opens_the_article(pilot, app)


async def test_a_search_sqlite_refuses_is_an_inline_error_and_the_list_stays(
    make_app, monkeypatch: pytest.MonkeyPatch
):
    """Past the parser's bounds SQLite itself refuses the query: that too is said beside the
    box, not raised, and the list, its count and the keys stay as they were."""
    monkeypatch.setattr(parser, "MAX_TERMS", 100_000)
    monkeypatch.setattr(parser, "MAX_CHARS", 100_000)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await put_query(pilot, app, "rent")
        await put_query(pilot, app, " ".join(f"tag:t{n}" for n in range(1000)))
        assert error_text(app).startswith("✗ search failed: Expression tree is too large")
        assert sorted(shown_ids(app)) == ["cafe", "vote"]
        assert count_text(app) == "2 of 5"
        await enter_still_opens_the_article(pilot, app)
        await put_query(pilot, app, "storm")
        assert error_text(app) == ""
        assert shown_ids(app) == ["storm"]


@pytest.mark.parametrize(
    "text",
    ["is:" + "x" * 100_000, "x" * 100_000, "colour" * 600 + ":red", "after:" + "9" * 3000],
    ids=["flag", "word", "field", "date"],
)
async def test_a_long_malformed_query_is_quoted_in_part(make_app, text: str):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await put_query(pilot, app, text)
        error = error_text(app)
        assert error.startswith("✗ ")
        assert len(error) < 200, error
        assert shown_ids(app) == [a.id for a in FIVE_ARTICLES]


async def test_an_emoji_tag_typed_with_its_joiners_is_found(make_app):
    app = make_app(TAGGED)
    async with app.run_test(size=WIDE) as pilot:
        box = main_screen(app).query_one("#query", Input)
        for tag, found in ((DEV, ["dev"]), (PRIDE, ["pride"]), (SCOTLAND, ["scot"])):
            await pilot.press("slash", "ctrl+u")
            await type_as_a_terminal(pilot, f"tag:{tag}")
            assert box.value == f"tag:{tag}", "every character typed is kept"
            assert shown_ids(app) == found
            await pilot.press("escape")
        await pilot.press("slash", "ctrl+u")
        await type_as_a_terminal(pilot, "tag:👩\u202e\u2066\x07")
        assert box.value == "tag:👩", "controls and bidi overrides are not text"
        await pilot.press("enter")
        await pilot.pause()
        assert shown_ids(app) == ["woman"]


async def test_an_emoji_tag_given_with_t_keeps_its_joiners(make_app):
    app = make_app(TAGGED)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("G", "t")  # the last article, untagged by the reader
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        await type_as_a_terminal(pilot, DEV)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.state.tags_of("scot") == (DEV,)
        await pilot.press("slash", "ctrl+u")
        await type_as_a_terminal(pilot, f"tag:{DEV}")
        await pilot.press("enter")
        await pilot.pause()
        assert shown_ids(app) == ["dev", "scot"]
