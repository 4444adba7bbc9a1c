"""Moving between the panes of the main screen, and fitting them to the terminal.

A part of ``MainScreen``: ``/`` to the search box, enter or down back to the results,
escape back to the list (or clearing the search), ``p`` the preview beside the list; under
100 columns one pane at a time, under 60 the labels that would not fit hidden.
"""

from __future__ import annotations

import os

from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import Footer, Input

from tui.screens.parts import MainParts
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.search_bar import SearchBar

NARROW_WIDTH = 100
COMPACT_WIDTH = 60
"""Under this many columns (40x15 over a phone's SSH client) labels that do not fit are
hidden rather than wrapped or cut: the arrangement, the unread count, the palette key."""

PANE_BINDINGS: list[BindingType] = [
    # Priority: the app resolves it before forwarding the keys queued behind it, so a
    # burst like "/jen" (fast typing, SSH) lands in the search box, not in the list.
    Binding(
        "slash",
        "search",
        "Search",
        priority=True,
        tooltip="search: type to filter (the query language below)",
        id="main.search",
    ),
    Binding(
        "escape",
        "back",
        "Back",
        show=False,
        tooltip="back to the list; in the list, clear the search",
        id="main.back",
    ),
    Binding(
        "p",
        "toggle_preview",
        "Preview",
        show=False,
        tooltip="the preview beside the list on / off (wide terminals)",
        id="main.preview",
    ),
]


class PaneActions(MainParts):
    """Which pane has the focus, and which panes the terminal's width leaves room for."""

    preview: bool
    """Whether the article is shown beside the list on a wide terminal."""

    def on_resize(self, event: Resize) -> None:
        self.fit_to_width(event.size.width)

    def fit_to_width(self, width: int) -> None:
        self.set_class(width < NARROW_WIDTH or not self.preview, "-narrow")
        compact = width < COMPACT_WIDTH
        self.query_one(SearchBar).fit_width(width, NARROW_WIDTH, COMPACT_WIDTH)
        footer = self.query_one(Footer)
        footer.compact = compact
        footer.show_command_palette = not compact

    def action_toggle_preview(self) -> None:
        """``p``: the article beside the list on a wide terminal, or the list alone."""
        self.preview = not self.preview
        self.fit_to_width(self.size.width)
        self.call_after_refresh(self.query_one(ArticleView).catch_up)
        shown = "beside the list" if self.preview else "off: enter opens the article"
        narrow = " (this terminal is too narrow for it)" if self.size.width < NARROW_WIDTH else ""
        self.notify(f"Preview {shown}{narrow}", timeout=2)

    def set_reading(self, reading: bool) -> None:
        self.set_class(reading, "-reading")
        self.query_one(ArticleView).catch_up()
        target = self.query_one(ArticleView) if reading else self.query_one(ArticleList)
        self.set_focus(target)  # at once: see SearchBar.focus_input

    def action_search(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()  # "/" is text while typing a query
        self.set_reading(False)
        self.query_one(SearchBar).focus_input()

    def action_focus_list(self) -> None:
        finished = self.query_one(SearchBar).typing
        self.set_reading(False)
        if finished:
            self.query_one(SearchBar).settle()

    def action_clear_search(self) -> None:
        self.query_one(SearchBar).clear()
        self.set_reading(False)

    def action_back(self) -> None:
        if self.reading or self.focused is not self.query_one(ArticleList):
            self.set_reading(False)
        elif self.query_one(SearchBar).value:
            self.query_one(SearchBar).clear()


def wants_preview(setting: bool | str) -> bool:
    """``auto``: the preview beside the list, except over SSH, where redrawing it on every
    cursor move costs tens of kilobytes (``p`` brings it back)."""
    if isinstance(setting, bool):
        return setting
    return not (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))
