"""The query language in the search pane: errors in place, ranking, hits in the list and the
article, saved searches, and a store that changes while the app is open."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from textual.widgets import Label, OptionList
from tui_support import (
    FIVE_ARTICLES,
    article_list,
    body_content,
    count_text,
    main_screen,
    row_strip,
    screen_text,
    search_input,
    shown_ids,
    wait_until,
)

from store import session as session_module
from store.article import Article
from store.paths import state_path_for
from store.reading import SavedSearches
from store.session import open_store_session
from tui.app import NewsdeskApp
from tui.screens.saved import SavedSearchesScreen, SaveSearchScreen

WIDE = (160, 48)


def error_text(app: NewsdeskApp) -> str:
    label = main_screen(app).query_one("#query-error", Label)
    return str(label.content) if label.display else ""


def messages(app: NewsdeskApp) -> list[str]:
    return [n.message for n in app._notifications]


async def type_query(pilot, text: str) -> None:
    await pilot.press("slash", "ctrl+u", *("space" if c == " " else c for c in text))
    await pilot.pause()


async def test_a_malformed_query_says_what_and_where_and_keeps_the_last_result(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "rent -(")
        assert sorted(shown_ids(app)) == ["cafe", "vote"], "the result of 'rent' stays"
        assert error_text(app) == "✗ missing ) for this (, at 7"
        await type_query(pilot, "rent)")
        assert error_text(app) == "✗ unmatched ), at 5"
        assert sorted(shown_ids(app)) == ["cafe", "vote"]
        assert search_input(app).has_class("-invalid")
        await type_query(pilot, "colour:red")
        assert error_text(app).startswith("✗ unknown field colour:")
        await type_query(pilot, "source:reuters")
        assert error_text(app) == ""
        assert shown_ids(app) == ["bank"]
        assert not search_input(app).has_class("-invalid")


async def test_fields_flags_and_dates_filter_the_list(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "title:rent")
        assert sorted(shown_ids(app)) == ["cafe", "vote"]
        await type_query(pilot, "after:2025-03-03")
        assert shown_ids(app) == ["cafe", "bank", "storm"]
        await pilot.press("enter", "m")  # mark the first one read
        await type_query(pilot, "is:unread after:2025-03-03")
        assert shown_ids(app) == ["bank", "storm"]
        await type_query(pilot, "rent OR ports -is:read")
        assert sorted(shown_ids(app)) == ["storm", "vote"]
        assert count_text(app) == "2 of 5"


async def test_prefixes_narrow_as_you_type(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", "s", "t")
        assert len(shown_ids(app)) == 5, "two letters are not a filter yet"
        await pilot.press("a")
        assert shown_ids(app) == ["rover"]  # "standing"
        await pilot.press("backspace", "o")
        assert shown_ids(app) == ["storm"]


async def test_enter_takes_a_short_word_being_typed_as_a_whole_word(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", "o", "n")
        assert len(shown_ids(app)) == 5
        await pilot.press("enter")
        assert sorted(shown_ids(app)) == ["cafe", "vote"]  # "marched on", "votes on"
        assert app.focused is article_list(app)
        await type_query(pilot, '"rent')
        await pilot.press("enter")
        assert error_text(app) == "✗ unclosed quote, at 1"
        assert sorted(shown_ids(app)) == ["cafe", "vote"], "the last good result stays"


async def test_a_click_on_the_list_takes_a_short_word_being_typed_as_a_whole_word(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", "o", "n")
        assert len(shown_ids(app)) == 5
        assert await pilot.click(article_list(app))
        await wait_until(pilot, lambda: app.focused is article_list(app))
        await pilot.pause()
        assert sorted(shown_ids(app)) == ["cafe", "vote"]  # "marched on", "votes on"


async def test_a_key_that_leaves_the_query_as_it_was_does_not_search_again(make_app):
    """A word too short to filter yet, or a space, changes the box and not the query: the
    result on screen is already the right one (searching 100,000 articles again cost a
    keystroke 30-60 ms)."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "rent ")
        screen = main_screen(app)
        searches: list[object] = []
        search = screen.session.search
        screen.session.search = lambda *args: searches.append(args) or search(*args)
        await pilot.press("o", "n")
        await pilot.pause()
        assert searches == [] and sorted(shown_ids(app)) == ["cafe", "vote"]
        assert search_input(app).value == "rent on"
        await pilot.press("enter")  # "on" is a whole word once the box is left
        await pilot.pause()
        assert len(searches) == 1 and sorted(shown_ids(app)) == ["cafe", "vote"]


async def test_title_hits_are_highlighted_in_the_list(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "rent")
        row = row_strip(app, shown_ids(app).index("vote"))
        styles = {segment.text: segment.style for segment in row if segment.text.strip()}
        assert "rent" in styles, [segment.text for segment in row]
        assert styles["rent"] != styles.get("Parliament votes on ")
        assert styles["rent"].reverse


async def test_n_and_shift_n_step_through_the_hits_of_the_article(make_app):
    body = "Rent rose. Then rent fell. Tenants said rent must be capped."
    app = make_app([Article(id="r", title="Rent report", body=body, published="2025-01-01")])
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await type_query(pilot, "rent")
        await pilot.press("enter", "enter")  # to the list, then open
        content = body_content(app)
        styled = [content.plain[span.start : span.end] for span in content.spans]
        assert [word.lower() for word in styled].count("rent") == 3, styled
        await pilot.press("n")
        assert "hit 1 of 3" in messages(app)
        await pilot.press("n", "n")
        assert "hit 3 of 3" in messages(app)
        await pilot.press("n")
        assert messages(app).count("hit 1 of 3") == 2, "wraps around"
        await pilot.press("N")
        assert messages(app)[-1] == "hit 3 of 3"


async def test_relevance_orders_free_text_and_sort_date_overrides(make_app):
    older_title = Article(id="t", title="Storm warning", body="Rain.", published="2025-01-01")
    newer_body = Article(id="b", title="Budget", body="A storm passed.", published="2025-01-02")
    app = make_app([newer_body, older_title])
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "storm")
        assert shown_ids(app) == ["t", "b"]
        await type_query(pilot, "storm sort:date")
        assert shown_ids(app) == ["b", "t"]


# --- saved searches ---------------------------------------------------------------------------


async def save_current(pilot, name: str | None = None) -> None:
    await pilot.press("enter", "S")
    await pilot.pause()
    if name is not None:
        await pilot.press("ctrl+u", *name)
    await pilot.press("enter")
    await pilot.pause()


async def test_s_saves_the_query_in_the_state_file(make_app, store_path: Path):
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await type_query(pilot, "rent -berlin")
        await pilot.press("enter", "S")
        await pilot.pause()
        assert isinstance(app.screen, SaveSearchScreen)
        assert app.screen.query_one("#save-name").value == "rent -berlin", "named after it"
        await pilot.press("ctrl+u", *"Rents", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, SaveSearchScreen)
        assert any("Saved “Rents”" in m for m in messages(app))
    saved = SavedSearches(state_path_for(store_path))
    assert [(s.name, s.query) for s in saved.all()] == [("Rents", "rent -berlin")]


async def test_v_lists_saved_searches_with_unread_counts_and_opens_one(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "rent")
        await save_current(pilot, "Rent")
        await type_query(pilot, "source:reuters OR source:bbc")
        await save_current(pilot, "Wires")
        await pilot.press("escape", "escape")  # clear the search
        await pilot.press("g", "enter", "escape")  # read the newest article (cafe)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, SavedSearchesScreen)
        options = app.screen.query_one(OptionList)

        def counted() -> bool:
            prompts = [str(options.get_option_at_index(i).prompt) for i in range(2)]
            return not any("…" in prompt for prompt in prompts)

        await wait_until(pilot, counted)
        text = screen_text(app)
        assert "1 Rent  1 unread of 2" in text
        assert "2 Wires  2 unread of 2" in text
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, SavedSearchesScreen)
        assert search_input(app).value == "source:reuters OR source:bbc"
        assert shown_ids(app) == ["bank", "storm"]
        assert app.focused is article_list(app)


async def test_number_keys_open_saved_searches_and_d_deletes(make_app, store_path: Path):
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await type_query(pilot, "rent")
        await save_current(pilot, "Rent")
        await type_query(pilot, "ports")
        await save_current(pilot, "Ports")
        await pilot.press("escape", "escape")
        await pilot.press("2")
        await pilot.pause()
        assert shown_ids(app) == ["storm"]
        await pilot.press("1")
        await pilot.pause()
        assert sorted(shown_ids(app)) == ["cafe", "vote"], "taken as saved, not as a prefix"
        await pilot.press("3")
        assert "No saved search 3 (v lists them)" in messages(app)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("d", "y")
        await pilot.pause()
        assert "Deleted “Rent”" in messages(app)
        assert "Ports" in screen_text(app) and "1 Rent" not in screen_text(app)
        await pilot.press("escape")
    assert [s.name for s in SavedSearches(state_path_for(store_path)).all()] == ["Ports"]


async def saved_dialog(app, pilot) -> OptionList:
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, SavedSearchesScreen)
    return app.screen.query_one(OptionList)


def saved_names(store_path: Path) -> list[str]:
    return [s.name for s in SavedSearches(state_path_for(store_path)).all()]


async def test_j_and_k_move_in_the_saved_searches_and_enter_opens_the_highlighted(make_app):
    app = make_app()
    for name, query in (("Rent", "rent"), ("Ports", "ports"), ("Wires", "source:reuters")):
        app.session.saved.save(name, query)
    async with app.run_test(size=WIDE) as pilot:
        options = await saved_dialog(app, pilot)
        assert options.highlighted == 0
        await pilot.press("j", "j")
        assert options.highlighted == 2
        await pilot.press("k")
        assert options.highlighted == 1
        await pilot.press("G")
        assert options.highlighted == 2
        await pilot.press("g", "down", "enter")
        await pilot.pause()
        assert search_input(app).value == "ports"


async def test_d_deletes_the_highlighted_saved_search_only_once_confirmed(
    make_app, store_path: Path
):
    """One stray key loses nothing: d asks first, and only y deletes (as newsboat asks)."""
    app = make_app()
    for name, query in (("Rent", "rent"), ("Ports", "ports"), ("Wires", "source:reuters")):
        app.session.saved.save(name, query)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        options = await saved_dialog(app, pilot)
        await pilot.press("j", "d")
        await pilot.pause()
        assert "Delete the saved search “Ports”?" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SavedSearchesScreen), "esc keeps it and the list"
        await pilot.press("d", "n")
        await pilot.pause()
        await pilot.press("d", "j")  # any key but y keeps it
        await pilot.pause()
        assert saved_names(store_path) == ["Rent", "Ports", "Wires"]
        assert isinstance(app.screen, SavedSearchesScreen)
        assert options.highlighted == 1
        await pilot.press("delete", "y")
        await pilot.pause()
        assert saved_names(store_path) == ["Rent", "Wires"]
        assert "Deleted “Ports”" in messages(app)
        assert options.highlighted == 1, "on the next one"
        assert "Wires" in str(options.get_option_at_index(1).prompt)


async def test_at_80x24_a_long_saved_list_scrolls_to_the_highlighted_search(make_app):
    """The dialog is never taller than the screen: the list scrolls, so the highlighted
    search and the hint stay in view."""
    app = make_app()
    for n in range(12):
        app.session.saved.save(f"Search {n}", f"harbour {n}")
    async with app.run_test(size=(80, 24)) as pilot:
        await saved_dialog(app, pilot)
        await pilot.press(*["j"] * 11)
        await pilot.pause()
        text = screen_text(app)
        assert "Search 11" in text and "harbour 11" in text
        assert "j/k moves" in text


async def test_saving_nothing_or_a_broken_query_is_refused(make_app, store_path: Path):
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("S")
        assert "Nothing to save: type a search first (/)" in messages(app)
        await type_query(pilot, "rent)")
        await pilot.press("enter", "S", "enter")
        await pilot.pause()
        assert any(m.startswith("not saved: unmatched )") for m in messages(app))
        await pilot.press("v")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert "No saved searches yet" in str(options.get_option_at_index(0).prompt)
    assert SavedSearches(state_path_for(store_path)).all() == []


async def test_a_saved_search_survives_a_restart_and_a_replaced_name(make_app, store_path):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "rent")
        await save_current(pilot, "Mine")
        await type_query(pilot, "ports")
        await save_current(pilot, "Mine")  # same name: replaced
    again = NewsdeskApp(open_store_session(store_path))
    async with again.run_test(size=WIDE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert shown_ids(again) == ["storm"]


# --- the store changes while the app is open --------------------------------------------------


def _add_by_hand(store_path: Path, article: Article) -> None:
    tables = orjson.loads(store_path.read_bytes())
    tables["articles"]["999"] = article.to_document()
    store_path.write_bytes(orjson.dumps(tables))


async def test_an_article_added_behind_the_apps_back_appears(make_app, store_path: Path):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await type_query(pilot, "hippo")
        assert shown_ids(app) == []
        new = Article(id="hippo", title="Hippo escapes", published="2025-03-06T08:00:00+00:00")
        _add_by_hand(store_path, new)
        await wait_until(pilot, lambda: shown_ids(app) == ["hippo"], timeout=8)
        assert count_text(app) == "1 of 6"


@pytest.mark.parametrize("moved", [False, True], ids=["cursor-at-the-top", "cursor-moved"])
async def test_a_newer_article_added_behind_the_apps_back_tops_the_list(
    make_app, store_path: Path, moved: bool
):
    """At the top, the cursor stays at the top and shows the newcomer; moved down, it
    stays on its article."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        if moved:
            await pilot.press("j")
        before = shown_ids(app)
        kept = article_list(app).current_id
        new = Article(id="hippo", title="Hippo escapes", published="2030-01-01T08:00:00+00:00")
        _add_by_hand(store_path, new)
        await wait_until(pilot, lambda: shown_ids(app) == ["hippo", *before], timeout=8)
        await pilot.pause()
        assert article_list(app).current_id == (kept if moved else "hippo")


def _import_elsewhere(store_path: Path, env: dict[str, str], *articles: Article) -> None:
    """``newsdesk import`` in another process, which writes the store and its index."""
    feed = store_path.parent / "incoming.jsonl"
    feed.write_bytes(b"\n".join(orjson.dumps(a.to_document()) for a in articles))
    command = [sys.executable, "-m", "tui", "import", "--db", str(store_path), str(feed)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("moved", [False, True], ids=["cursor-at-the-top", "cursor-moved"])
async def test_an_import_by_another_process_shows_in_the_unfiltered_list(
    make_app, store_path: Path, subprocess_env: dict[str, str], moved: bool
):
    """The import catches the index up itself, so the store and the index agree when the
    app looks: the list must still notice the index changed, and so must O, z and U."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        if moved:
            await pilot.press("j")
        kept = article_list(app).current_id
        newest = Article(id="hippo", title="Hippo escapes", published="2030-01-01T08:00:00+00:00")
        middle = Article(id="otter", title="Otter seen", published="2025-03-03T12:00:00+00:00")
        _import_elsewhere(store_path, subprocess_env, newest, middle)
        assert main_screen(app).session.index.in_step(store_path)
        ids = ["hippo", "cafe", "bank", "otter", "storm", "rover", "vote"]
        await wait_until(pilot, lambda: shown_ids(app) == ids, timeout=8)
        assert article_list(app).current_id == (kept if moved else "hippo")
        assert "Hippo escapes" in screen_text(app)
        assert count_text(app) == "7 of 7"


async def test_o_z_and_u_show_articles_another_process_imported(
    make_app, store_path: Path, subprocess_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
):
    from tui.screens import background as main

    monkeypatch.setattr(main, "STORE_CHECK_S", 3600.0)  # only the keys can notice
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        newest = Article(id="hippo", title="Hippo escapes", published="2030-01-01T08:00:00+00:00")
        _import_elsewhere(store_path, subprocess_env, newest)
        for key in ("U", "z", "O"):
            await pilot.press(key)
            await pilot.pause()
            assert "hippo" in shown_ids(app), f"{key} shows the imported article"
            await pilot.press(key)  # back as it was for the next key
            await pilot.pause()


async def test_a_large_store_opens_at_once_and_catches_up_in_the_background(
    make_app, monkeypatch: pytest.MonkeyPatch, store_path: Path
):
    from store.index import sync
    from store.storage.library import create_store

    oldest_first = sorted(FIVE_ARTICLES, key=lambda article: article.published)
    create_store(store_path, oldest_first)  # the first batch holds the oldest
    monkeypatch.setattr(session_module, "CATCH_UP_AT_ONCE_BYTES", 0)
    monkeypatch.setattr(sync, "BATCH", 2)  # rows and words arrive in batches of two
    session = open_store_session(store_path)
    assert session.needs_catch_up
    assert session.total() == 0, "nothing indexed before the app opens"
    app = NewsdeskApp(session)
    async with app.run_test(size=WIDE) as pilot:
        await wait_until(pilot, lambda: len(shown_ids(app)) == 5)
        await wait_until(pilot, lambda: "indexing" not in screen_text(app))
        newest = oldest_first[-1].id
        assert article_list(app).current_id == newest, "the top stays the top as rows arrive"
        await type_query(pilot, "zurich")
        assert shown_ids(app) == ["bank"]


async def test_a_large_result_shows_its_first_rows_then_the_whole_count(
    make_app, monkeypatch: pytest.MonkeyPatch
):
    from store.index import searcher
    from tui.screens import main

    monkeypatch.setattr(main, "TYPING_ROWS", 2)
    monkeypatch.setattr(searcher, "RANK_WINDOW", 2)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"is:unread")
        assert count_text(app) == "2+ of 5", "the first rows at once"
        assert shown_ids(app) == ["cafe", "bank"]
        await wait_until(pilot, lambda: count_text(app) == "5 of 5")
        assert shown_ids(app) == ["cafe", "bank", "storm", "rover", "vote"]
        await pilot.press("enter")
        search_input(app).value = "is:unread after:2025-03-02"  # not typed: whole at once
        await pilot.pause()
        assert count_text(app) == "4 of 5"
