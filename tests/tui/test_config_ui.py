"""The config file in the app: theme, key remaps by binding id, entity kinds, broken files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_support import (
    FIVE_ARTICLES,
    article_list,
    article_view,
    body_content,
    main_screen,
    screen_text,
    wait_until,
)

from store.article import Article, Entity
from store.session import open_session
from store.storage.library import create_store
from tui.app import NewsdeskApp, _main_commands
from tui.bindings import SCREEN_WIDGETS, key_uses
from tui.screens.export import ExportScreen
from tui.screens.help import REMAPPED, HelpScreen

WIDE = (140, 40)
BODY = "Angela Merkel met Reuters editors in Berlin on Monday."
ENTITY_ARTICLE = Article(
    id="merkel",
    title="Merkel meets editors",
    body=BODY,
    source="Wire",
    published="2025-02-23T10:00:00+00:00",
    entities=(
        Entity(0, 13, "person", "Angela Merkel"),
        Entity(18, 25, "org", "Reuters"),
        Entity(41, 47, "place", "Berlin"),
        Entity(48, 54, "date", "Monday"),
    ),
)

ConfiguredApp = Callable[..., NewsdeskApp]
_WITH_KEYS = {use.node.__name__ for use in key_uses().uses}


@pytest.fixture
def configured_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ConfiguredApp:
    """The app opened as the console script opens it, with ``text`` as the config file."""

    def make(text: str | None, articles: tuple[Article, ...] = FIVE_ARTICLES) -> NewsdeskApp:
        config = tmp_path / "config.toml"
        if text is not None:
            config.write_text(text, encoding="utf-8")
        monkeypatch.setenv("NEWSDESK_CONFIG", str(config))
        store = tmp_path / "articles.json"
        create_store(store, articles)
        return NewsdeskApp(open_session(str(store)))

    return make


def messages(app: NewsdeskApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_the_configured_theme_is_applied(configured_app: ConfiguredApp) -> None:
    app = configured_app('theme = "nord"\n')
    async with app.run_test(size=WIDE, notifications=True):
        assert app.theme == "nord"
        assert messages(app) == []


async def test_an_unknown_theme_warns_naming_real_ones_and_keeps_the_default(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('theme = "nrod"\n')
    async with app.run_test(size=WIDE, notifications=True):
        assert app.theme == "textual-dark"
        [warning] = messages(app)
        assert "'nrod'" in warning and "did you mean 'nord'" in warning
        assert "textual-light" in warning
        assert "\n" not in warning


async def test_a_remapped_key_moves_the_cursor_and_the_other_keys_stay(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\nlist.down = "j,down,ctrl+n"\n"list.up" = ["k", "ctrl+b"]\n')
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        assert article_list(app).cursor == 2
        await pilot.press("j")
        assert article_list(app).cursor == 3
        await pilot.press("ctrl+b")
        assert article_list(app).cursor == 2
        await pilot.press("up")  # no longer bound to list.up: the remap replaced its keys
        assert article_list(app).cursor == 2
        assert messages(app) == []


async def test_a_remap_replaces_the_default_keys(configured_app: ConfiguredApp) -> None:
    app = configured_app('[keys]\n"main.toggle_star" = "f"\n')
    async with app.run_test(size=WIDE) as pilot:
        state = app.session.state
        await pilot.press("s")
        assert not state.is_starred(FIVE_ARTICLES[0].id)
        await pilot.press("f")
        assert state.is_starred(FIVE_ARTICLES[0].id)
        assert "f Star" in screen_text(app)  # the footer shows the remapped key


async def test_unknown_binding_ids_and_key_names_warn_and_the_valid_remaps_apply(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\nlist.dwn = "x"\n"view.next" = "Ctrl+X"\nlist.down = "ctrl+n"\n')
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        [warning] = messages(app)
        assert "'list.dwn'" in warning and "did you mean 'list.down'" in warning
        assert "1 more" in warning and "newsdesk config show" in warning
        await pilot.press("ctrl+n")
        assert article_list(app).cursor == 1


async def test_a_remap_taking_another_bindings_key_is_refused_and_both_keep_theirs(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\nlist.down = "k"\n')
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "k")
        assert article_list(app).cursor == 1
        [warning] = messages(app)
        assert "keys.list.down: k is taken there by list.up" in warning
        assert "keeps its keys (j,down)" in warning


async def test_remaps_may_swap_keys(configured_app: ConfiguredApp) -> None:
    app = configured_app('[keys]\nlist.down = "k"\nlist.up = "j"\n')
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("k", "k", "j")
        assert article_list(app).cursor == 1
        assert messages(app) == []


async def test_a_remap_to_a_key_that_is_no_key_press_keeps_the_default(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\n"main.unread_only" = "esc"\n')
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        [warning] = messages(app)
        assert "'esc' is not a key name (did you mean 'escape'?)" in warning
        await pilot.press("U")
        assert main_screen(app).arrangement.unread_only


async def test_a_remap_to_a_key_the_app_keeps_is_refused(configured_app: ConfiguredApp) -> None:
    app = configured_app('[keys]\n"main.unread_only" = "escape"\n')
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        [warning] = messages(app)
        assert "escape is taken there by main.back" in warning
        await pilot.press("U")
        assert main_screen(app).arrangement.unread_only


async def test_a_remap_to_a_key_the_focused_list_uses_is_refused(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\n"main.export" = "space"\n')
    async with app.run_test(size=(140, 12), notifications=True) as pilot:
        [warning] = messages(app)
        assert "keys.main.export: space is taken there by list.page_down" in warning
        await pilot.press("space")
        assert article_list(app).cursor > 0
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)


async def test_two_remaps_to_one_key_each_say_so_once_and_the_defaults_stay(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\n"main.toggle_star" = "m"\n"main.export" = "m"\n')
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        assert len(app.settings.key_problems) == 2
        assert all("m is taken there by main.toggle_read" in p for p in app.settings.key_problems)
        [warning] = messages(app)
        assert "1 more" in warning
        state = app.session.state
        await pilot.press("m", "s")
        assert state.is_read(FIVE_ARTICLES[0].id) and state.is_starred(FIVE_ARTICLES[0].id)
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)


async def test_the_first_of_two_remaps_to_a_free_key_has_it(configured_app: ConfiguredApp) -> None:
    text = '[keys]\n"main.toggle_read" = "r"\n"main.toggle_star" = "m"\n"main.export" = "m"\n'
    app = configured_app(text)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        [warning] = messages(app)
        assert "keys.main.export: m is taken there by main.toggle_star (remapped)" in warning
        await pilot.press("m")
        assert app.session.state.is_starred(FIVE_ARTICLES[0].id)
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)


async def test_every_screen_has_the_focusable_widgets_the_key_checks_assume(
    configured_app: ConfiguredApp,
) -> None:
    """``SCREEN_WIDGETS`` is what each screen really holds, so refused remaps are right."""
    linked = Article(
        id="l", title="Linked", body="See https://e.com/a", published="2030-01-01T00:00:00+00:00"
    )
    pipes = '[pipe_commands]\na = ["true"]\nb = ["true"]\n'  # two: the chooser opens
    app = configured_app(pipes, (linked, *FIVE_ARTICLES))
    seen: dict[str, set[str]] = {}

    async def visit(*keys: str) -> None:
        await pilot.press(*keys)
        await pilot.pause()
        screen = app.screen
        holders = {
            type(node).__name__
            for widget in screen.query("*")
            if widget.focusable
            for node in widget.ancestors_with_self
            if node is not screen and node is not app
        }
        seen[type(screen).__name__] = holders & _WITH_KEYS

    async with app.run_test(size=WIDE) as pilot:
        await visit()
        for opens in (["question_mark"], ["L"], ["x"], ["t"], ["vertical_line"]):
            await visit(*opens)
            await pilot.press("escape")
        await visit("slash", "a", "enter", "S")
        await visit("enter", "escape", "v")
        await visit("d")
    assert set(seen) == set(SCREEN_WIDGETS)
    for screen, widgets in seen.items():
        assert widgets == set(SCREEN_WIDGETS[screen]) & _WITH_KEYS, screen


async def test_help_shows_the_remapped_keys(configured_app: ConfiguredApp) -> None:
    app = configured_app('[keys]\nlist.down = "j,ctrl+n"\n')
    async with app.run_test(size=(140, 120)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        shown = screen_text(app)
        assert REMAPPED in shown
        assert "j,ctrl+n" in shown and "list.down; default j,down" in shown
        assert "newsdesk config keys" in shown


async def test_entity_kinds_limit_the_highlighting_and_the_legend(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('entity_kinds = ["person", "places"]\n', (ENTITY_ARTICLE,))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        view = article_view(app)
        assert [entity.text for entity in view.entities] == ["Angela Merkel", "Berlin"]
        assert len(body_content(app).spans) == 2
        legend = str(app.screen.query_one("#article-legend", Static).content)
        assert "person" in legend and "place" in legend
        assert "organisation" not in legend and "date" not in legend
        await pilot.press("w", "w")
        assert view.selected_entity is not None and view.selected_entity.text == "Berlin"


async def test_entity_kinds_limit_entities_extracted_on_display(
    configured_app: ConfiguredApp,
) -> None:
    plain = Article(
        id="plain",
        title="Talks resume",
        body="On Monday, officials of the ministry met in Geneva.",
        source="Wire",
        published="2025-02-20T10:00:00+00:00",
    )
    app = configured_app('entity_kinds = ["place"]\n', (plain,))
    async with app.run_test(size=WIDE) as pilot:
        view = article_view(app)
        await wait_until(pilot, lambda: bool(view.entities))
        assert {entity.kind for entity in view.entities} == {"place"}
        await pilot.press("tab", "w")
        assert view.selected_name() == "Geneva"


async def test_no_entity_kinds_highlights_nothing(configured_app: ConfiguredApp) -> None:
    app = configured_app("entity_kinds = []\n", (ENTITY_ARTICLE,))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        assert len(body_content(app).spans) == 0
        assert "no entity kinds" in str(app.screen.query_one("#article-legend", Static).content)


@pytest.mark.parametrize(
    "text",
    [
        "theme = \n",
        "[keys\nlist.down = 'x'\n",
        "auto_mark_read = 'yes'\n",
        "entity_kinds = 'person'\n",
        "keys = 3\n",
        "\x00\xff",
    ],
)
async def test_a_broken_config_warns_in_one_line_and_the_app_works(
    configured_app: ConfiguredApp, text: str
) -> None:
    app = configured_app(text, (ENTITY_ARTICLE, *FIVE_ARTICLES))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        [warning] = messages(app)
        assert warning.startswith("config ") and "config.toml" in warning
        assert "\n" not in warning
        await pilot.press("j", "k", "G", "enter")  # the oldest: ENTITY_ARTICLE
        assert len(article_view(app).entities) == 4
        assert app.theme == "textual-dark"


async def test_file_and_app_problems_make_one_line(configured_app: ConfiguredApp) -> None:
    app = configured_app('bogus = 1\ntheme = "nrod"\n[keys]\nno.such = "x"\n')
    async with app.run_test(size=WIDE, notifications=True):
        [warning] = messages(app)
        assert "unknown setting 'bogus'" in warning
        assert warning.endswith("(and 2 more: newsdesk config show)")


async def test_a_config_that_cannot_be_read_warns(
    configured_app: ConfiguredApp, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").mkdir()
    app = configured_app(None)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        [warning] = messages(app)
        assert "cannot be read" in warning
        await pilot.press("j")
        assert article_list(app).cursor == 1


async def test_no_color_keeps_the_app_working(
    configured_app: ConfiguredApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = configured_app('theme = "nord"\n', (ENTITY_ARTICLE,))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        assert app.no_color
        assert app.theme == "nord"
        await pilot.press("enter")
        assert "Angela Merkel" in screen_text(app)
        assert messages(app) == []


async def test_a_remapped_key_is_the_one_help_and_the_palette_name(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\nmain.toggle_read = "M"\n')
    async with app.run_test(size=(140, 90)) as pilot:
        commands = {
            title: text for title, text, _ in _main_commands(main_screen(app), app.settings.keymap)
        }
        assert commands["Toggle read"] == "Mark read / unread (M)"
        assert commands["Toggle star"] == "Star / unstar (s)"
        await pilot.press("question_mark")
        await pilot.pause()
        shown = screen_text(app)
        assert "M  " in shown and "m  " not in shown.split("Marking")[1].split("Entities")[0]
