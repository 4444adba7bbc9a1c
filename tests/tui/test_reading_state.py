"""Reading-state keys: the tag dialog (t) with completion, mark all read (A), tag all (T),
undo (u), the unread count in the search bar, and opening without marking read."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Input, Label, OptionList
from tui_support import (
    FIVE_ARTICLES,
    article_list,
    count_text,
    drawn_row,
    header_text,
    main_screen,
    search_input,
    shown_ids,
    wait_until,
)

from store.config import Config
from store.reading import ReadingState, parse_tag_change
from tui.screens.saved import SavedSearchesScreen
from tui.screens.tags import TagsScreen

WIDE = (160, 48)
IDS = ["cafe", "bank", "storm", "rover", "vote"]


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def unread_text(app) -> str:
    return str(main_screen(app).query_one("#unread-count", Label).content)


def tag_input(app) -> Input:
    assert isinstance(app.screen, TagsScreen), app.screen
    return app.screen.query_one("#tags-input", Input)


async def type_in(pilot, text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))
    await pilot.pause()


async def type_query(pilot, text: str) -> None:
    await pilot.press("slash", "ctrl+u")
    await type_in(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


async def test_t_adds_tags_with_completion_and_shows_them(make_app, state_path):
    app = make_app()
    app.session.edit_tags(["vote"], parse_tag_change("Climate, later"))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        assert "no tags yet" in str(app.screen.query_one("#tags-current", Label).content)
        assert "Climate (1)" in str(app.screen.query_one("#tags-known", Label).content)
        await type_in(pilot, "cl")
        await wait_until(pilot, lambda: tag_input(app)._suggestion == "Climate")
        await pilot.press("tab")
        assert tag_input(app).value == "Climate", "tab accepts it, spelled as in use"
        await type_in(pilot, ", la")
        await wait_until(pilot, lambda: tag_input(app)._suggestion == "Climate, later")
        await pilot.press("right")
        await type_in(pilot, ", quiet")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, TagsScreen)
        assert app.session.state.tags_of("cafe") == ("Climate", "later", "quiet")
        assert "#Climate" in drawn_row(app, 0), "after the title, in up to a third of it"
        assert "#Climate #later #quiet" in header_text(app), "q is typed, not quit"
        assert ReadingState(state_path).tags_of("cafe") == ("Climate", "later", "quiet")
        await type_query(pilot, "tag:later")
        assert shown_ids(app) == ["cafe", "vote"]


async def test_the_tag_dialog_offers_the_feeds_tags_that_tag_finds(make_app):
    """Tags that came with the articles (a feed's categories) are in use too: listed with
    the reader's, counted once per article, completed in the feed's spelling."""
    feed_tags = {"cafe": ("Zürich", "Économie"), "bank": ("Zürich",), "storm": ("weather",)}
    articles = [replace(a, tags=feed_tags.get(a.id, ())) for a in FIVE_ARTICLES]
    app = make_app(articles)
    app.session.edit_tags(["vote", "bank"], parse_tag_change("zurich, later"))
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "tag:zurich")
        assert shown_ids(app) == ["cafe", "bank", "vote"]
        await pilot.press("g", "t")
        await pilot.pause()
        known = str(app.screen.query_one("#tags-known", Label).content)
        assert known.startswith("in use: zurich (3), later (2), Économie (1), weather (1)")
        await type_in(pilot, "eco")
        await wait_until(pilot, lambda: tag_input(app)._suggestion == "Économie")
        await pilot.press("escape")
        await type_query(pilot, "")
        await pilot.press("T")
        await pilot.pause()
        await type_in(pilot, "wea")
        await wait_until(pilot, lambda: tag_input(app)._suggestion == "weather")


async def test_t_removes_with_a_minus_and_esc_cancels(make_app):
    app = make_app()
    app.session.edit_tags(["cafe"], parse_tag_change("keep, drop"))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert "tags: keep, drop" in str(app.screen.query_one("#tags-current", Label).content)
        await type_in(pilot, "-dr")
        await wait_until(pilot, lambda: tag_input(app)._suggestion == "-drop")
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert app.session.state.tags_of("cafe") == ("keep",)
        await pilot.press("t")
        await type_in(pilot, "never")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TagsScreen)
        assert app.session.state.tags_of("cafe") == ("keep",)


async def test_the_count_says_how_many_are_unread_and_follows_marks(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        assert unread_text(app) == "5 unread ·"
        assert count_text(app) == "5 of 5"
        await pilot.press("m")
        assert unread_text(app) == "4 unread ·"
        await pilot.press("j", "enter")  # opening marks read
        await pilot.pause()
        assert unread_text(app) == "3 unread ·"
        await type_query(pilot, "rent")
        assert unread_text(app) == "1 unread ·", "of the result: cafe is read, vote not"
        assert count_text(app) == "2 of 5"


async def test_A_marks_the_whole_result_read_and_u_brings_back_exactly_what_was_unread(
    make_app, state_path
):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "m", "k")  # bank read before
        await type_query(pilot, "source:reuters OR source:bbc OR source:nasa")
        assert shown_ids(app) == ["bank", "storm", "rover"]
        await pilot.press("A")
        await pilot.pause()
        assert "Marked 2 read — u undoes" in messages(app)
        state = app.session.state
        assert [state.is_read(i) for i in IDS] == [False, True, True, True, False]
        assert unread_text(app) == "0 unread ·"
        assert "●" not in drawn_row(app, 1), "rows are redrawn"
        await pilot.press("u")
        await pilot.pause()
        assert "Undone: marked 2 read" in messages(app)
        assert [state.is_read(i) for i in IDS] == [False, True, False, False, False]
        assert unread_text(app) == "2 unread ·"
        assert drawn_row(app, 1).startswith("●")
        saved = ReadingState(state_path)
        assert [saved.is_read(i) for i in IDS] == [False, True, False, False, False]
        await pilot.press("u", "u")
        await pilot.pause()
        assert not state.is_read("bank"), "the m before it, undone in turn"
        assert messages(app)[-1] == "Nothing to undo"


async def test_A_takes_every_article_of_the_result_not_only_the_first_rows(
    make_app, monkeypatch: pytest.MonkeyPatch
):
    from store.index import searcher
    from tui.screens import main

    monkeypatch.setattr(main, "TYPING_ROWS", 2)
    monkeypatch.setattr(main, "COMPLETE_AFTER_S", 600)
    monkeypatch.setattr(searcher, "RANK_WINDOW", 2)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"is:unread", "enter")
        await pilot.pause()
        assert count_text(app) == "2+ of 5", "only the first rows are fetched"
        assert unread_text(app) == "2+ unread ·"
        await pilot.press("A")
        await pilot.pause()
        assert all(app.session.state.is_read(i) for i in IDS)
        assert "Marked 5 read — u undoes" in messages(app)


async def test_T_tags_every_article_of_the_result_and_u_undoes_it(make_app):
    app = make_app()
    app.session.edit_tags(["vote"], parse_tag_change("rent"))
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "rent")
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        await type_in(pilot, "housing, rent")
        await pilot.press("enter")
        await pilot.pause()
        state = app.session.state
        assert state.tags_of("cafe") == ("housing", "rent")
        assert state.tags_of("vote") == ("rent", "housing")
        assert state.tags_of("bank") == ()
        await type_query(pilot, "tag:housing")
        assert shown_ids(app) == ["cafe", "vote"]
        await pilot.press("u")
        await pilot.pause()
        assert state.tags_of("cafe") == () and state.tags_of("vote") == ("rent",)
        assert messages(app)[-1] == "Undone: tags +housing +rent on 2 articles"
        await type_query(pilot, "tag:housing")
        assert shown_ids(app) == []


async def test_u_undoes_m_and_s_one_step_at_a_time(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("m", "s", "j", "s")
        state = app.session.state
        await pilot.press("u")
        assert not state.is_starred("bank") and state.is_starred("cafe")
        await pilot.press("u")
        assert not state.is_starred("cafe") and state.is_read("cafe")
        await pilot.press("u")
        assert not state.is_read("cafe")
        assert messages(app)[-3:] == ["Undone: starred", "Undone: starred", "Undone: marked read"]
        assert drawn_row(app, 0).startswith("●  ")


async def test_with_auto_mark_off_opening_records_the_time_only(make_app):
    app = make_app()
    app.session.config = Config(auto_mark_read=False)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter", "right_square_bracket")
        await pilot.pause()
        state = app.session.state
        assert not state.is_read("cafe") and not state.is_read("bank")
        assert state.opened("cafe") is not None and state.opened("bank") is not None
        assert unread_text(app) == "5 unread ·"
        await pilot.press("m")
        assert state.is_read("bank"), "m still marks"
        assert unread_text(app) == "4 unread ·"


async def test_saved_search_counts_follow_a_bulk_change(make_app):
    app = make_app()
    app.session.saved.save("Rent", "rent")
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "rent")
        await pilot.press("A", "v")
        await pilot.pause()
        assert isinstance(app.screen, SavedSearchesScreen)
        options = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: "…" not in str(options.get_option_at_index(0).prompt))
        assert "0 unread of 2" in str(options.get_option_at_index(0).prompt)
        await pilot.press("escape", "u", "v")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: "…" not in str(options.get_option_at_index(0).prompt))
        assert "2 unread of 2" in str(options.get_option_at_index(0).prompt)


async def test_keys_work_from_the_command_palette(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("ctrl+p")
        await type_in(pilot, "mark all read")
        await pilot.press("enter")
        await wait_until(pilot, lambda: all(app.session.state.is_read(i) for i in IDS))
        assert app.focused is not search_input(app)
        assert article_list(app) is not None


def test_tags_follow_a_short_title_and_share_a_long_one():
    from tui.widgets.article_list import _title_and_tags

    assert _title_and_tags("Short", ("a", "b"), 40) == ("Short", " #a #b")
    title, tags = _title_and_tags("A much longer title than the room", ("later", "world"), 30)
    assert len(title) + len(tags) == 30 and title.endswith("…")
    assert tags.startswith(" #later") and len(tags) == 10
    assert _title_and_tags("Title", (), 3) == ("Ti…", "")
