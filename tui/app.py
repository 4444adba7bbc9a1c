"""The newsdesk Textual app: a thin shell that opens the main screen on a store."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

from textual.actions import parse
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from store import Session
from tui.bindings import app_bindings
from tui.keys import help_rows, keys_of
from tui.screens.background import skipped_note
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.settings import AppSettings, apply_settings, remap_rows


class NewsdeskApp(App[None]):
    """Browse a store of articles from the keyboard."""

    TITLE = "newsdesk"
    CSS_PATH = "newsdesk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="quit", id="app.quit"),
        Binding("question_mark", "help", "Help", tooltip="this help: every key", id="app.help"),
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
            bindings, keymap = app_bindings(), self.settings.keymap
            self.push_screen(HelpScreen(remap_rows(keymap, bindings), help_rows(bindings, keymap)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            # A screenshot is a file written on this machine: not for a read-only reader.
            if not (self.session.read_only and command.title == "Screenshot"):
                yield command
        if isinstance(screen, MainScreen):
            for title, help_text, action in _main_commands(screen, self.settings.keymap):
                yield SystemCommand(title, help_text, action)
        keys = keys_of("app.help", app_bindings(), self.settings.keymap)
        yield SystemCommand("Keys", f"Show every key ({keys})", self.action_help)


def _action(node: DOMNode, action: str) -> Callable[[], object]:
    """The method ``action`` (a binding's, as ``toggle_star`` or ``screen.step(1)``) calls
    on ``node``, with its arguments."""
    _namespace, name, arguments = parse(action)
    return functools.partial(getattr(node, f"action_{name}"), *arguments)


PALETTE: tuple[tuple[str, str], ...] = (
    ("Search", "main.search"),
    ("Toggle read", "main.toggle_read"),
    ("Toggle star", "main.toggle_star"),
    ("Tags", "main.tags"),
    ("Mark all read", "main.mark_all_read"),
    ("Tag all", "main.tag_all"),
    ("Undo", "main.undo"),
    ("Next article", "view.next"),
    ("Previous article", "view.previous"),
    ("Clear search", "search.clear"),
    ("Save search", "main.save_search"),
    ("Saved searches", "main.saved_searches"),
    ("Open link", "main.open_link"),
    ("Copy link", "main.copy_link"),
    ("Links", "main.links"),
    ("Export to Markdown", "main.export"),
    ("Pipe to a command", "main.pipe"),
    ("Sort", "main.sort"),
    ("Group", "main.group"),
    ("Unread only", "main.unread_only"),
    ("Preview", "main.preview"),
    ("Entities", "main.facets"),
    ("Fetch feeds", "main.fetch"),
    ("Whole article", "main.whole_article"),
    ("Highlight", "view.highlight"),
    ("Mentioning", "view.mentioning"),
)
"""The main screen's actions in the command palette: (title, binding id). What each does
and its key come from the binding, remapped keys included."""


def _main_commands(
    screen: MainScreen, keymap: Mapping[str, str]
) -> list[tuple[str, str, Callable[[], object]]]:
    """(title, what it does and its key, action) of each of ``PALETTE``."""
    bindings = app_bindings()
    own = {cls.__name__ for cls in type(screen).__mro__}
    commands: list[tuple[str, str, Callable[[], object]]] = []
    for title, binding_id in PALETTE:
        info = bindings[binding_id]
        node = screen if info.owner in own else screen.query_one(info.owner)
        help_text = (
            f"{info.help[:1].upper()}{info.help[1:]} ({keys_of(binding_id, bindings, keymap)})"
        )
        commands.append(
            (
                title,
                help_text,
                _action(screen if info.action.startswith("screen.") else node, info.action),
            )
        )
    return commands
