"""The newsdesk Textual app: a thin shell that opens the main screen on a store."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from store.session import Session
from tui.bindings import app_bindings
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen, skipped_note
from tui.settings import AppSettings, apply_settings, remap_rows
from tui.widgets.article_view import ArticleView


class NewsdeskApp(App[None]):
    """Browse a store of articles from the keyboard."""

    TITLE = "newsdesk"
    CSS_PATH = "newsdesk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]
    """Quit and help work everywhere except while typing in the search box."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.settings = AppSettings()

    def on_mount(self) -> None:
        self.settings = apply_settings(self, self.session.config)
        self.push_screen(MainScreen(self.session))
        for message in self._startup_warnings():
            self.notify(message, severity="warning", timeout=8, markup=False)

    def _startup_warnings(self) -> list[str]:
        warnings = []
        if warning := self.settings.warning(self.session.config_warning):
            warnings.append(warning)
        if self.session.rejects:
            warnings.append(skipped_note(self.session))
        if self.session.state.error:
            warnings.append(self.session.state.error)
        if self.session.index.note:
            warnings.append(self.session.index.note)
        return warnings

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(remap_rows(self.settings.keymap, app_bindings())))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            # A screenshot is a file written on this machine: not for a read-only reader.
            if not (self.session.read_only and command.title == "Screenshot"):
                yield command
        if isinstance(screen, MainScreen):
            for title, help_text, action in _main_commands(screen):
                yield SystemCommand(title, help_text, action)
        yield SystemCommand("Keys", "Show every key (?)", self.action_help)


def _main_commands(screen: MainScreen) -> list[tuple[str, str, Callable[[], object]]]:
    """The main screen's actions for the command palette: (title, what it does, action)."""
    view = screen.query_one(ArticleView)
    return [
        ("Search", "Filter articles as you type (/)", screen.action_search),
        ("Toggle read", "Mark the current article read or unread (m)", screen.action_toggle_read),
        ("Toggle star", "Star or unstar the current article (s)", screen.action_toggle_star),
        ("Tags", "Edit the current article's tags (t)", screen.action_edit_tags),
        ("Mark all read", "Mark every article of the result read (A)", screen.action_mark_all_read),
        ("Tag all", "Tag every article of the result (T)", screen.action_tag_all),
        ("Undo", "Undo the last mark, star or tag change (u)", screen.action_undo),
        ("Next article", "Read the next article (])", lambda: screen.action_step(1)),
        ("Previous article", "Read the previous article ([)", lambda: screen.action_step(-1)),
        ("Clear search", "Show every article (esc)", screen.action_clear_search),
        ("Save search", "Save the current search under a name (S)", screen.action_save_search),
        ("Saved searches", "Open a saved search; unread counts (v)", screen.action_saved_searches),
        ("Open link", "Open the article's link in the browser (o)", screen.action_open_link),
        ("Copy link", "Copy the article's link to the clipboard (y)", screen.action_copy_link),
        ("Links", "Every link in the article, numbered (L)", screen.action_link_list),
        ("Export to Markdown", "The results, or the article being read (x)", screen.action_export),
        ("Sort", "Order by date, source or relevance (O)", screen.action_cycle_order),
        ("Group", "Group the list by day, by source, or not (z)", screen.action_cycle_group),
        ("Unread only", "Hide read articles, or show them (U)", screen.action_toggle_unread_only),
        ("Preview", "The article beside the list, on or off (p)", screen.action_toggle_preview),
        (
            "Entities",
            "The results' entities by kind, to filter by (e)",
            screen.action_toggle_facets,
        ),
        ("Fetch feeds", "Fetch every subscribed feed in the background (R)", screen.action_fetch),
        (
            "Highlight",
            "Entities in the article highlighted or not (h)",
            view.action_toggle_highlight,
        ),
        ("Mentioning", "Every article mentioning the selected entity (a)", view.action_mentioning),
    ]
