"""The search pane: a query input with the match count beside it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Label


class SearchBar(Horizontal):
    """``/`` focuses the input; every keystroke filters; the count says how many match."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "screen.clear_search", "Clear", show=False, id="search.clear"),
        Binding("enter,down", "screen.focus_list", "Results", show=False, id="search.done"),
    ]
    """Enter or down goes to the results; escape clears the query."""

    def compose(self) -> ComposeResult:
        yield Label("/", id="search-prompt")
        yield Input(placeholder="search: words in title, source or text", id="query")
        yield Label("", id="status")
        yield Label("", id="match-count")

    def set_count(self, shown: int, total: int) -> None:
        self.query_one("#match-count", Label).update(f"{shown:,} of {total:,}")

    def set_status(self, text: str) -> None:
        """Background work in progress (a fetch), shown before the count; empty hides it."""
        status = self.query_one("#status", Label)
        status.update(text)
        status.display = bool(text)

    @property
    def value(self) -> str:
        return self.query_one("#query", Input).value

    def set_value(self, query: str) -> None:
        """Replace the query (the list follows through the input's change event)."""
        search = self.query_one("#query", Input)
        search.value = query
        search.cursor_position = len(query)

    def clear(self) -> None:
        self.query_one("#query", Input).value = ""

    def focus_input(self) -> None:
        """Focus the input now, not on the next idle (``focus()`` defers): keys already
        queued behind ``/`` (a fast typist, a burst over SSH) must land in the box."""
        self.screen.set_focus(self.query_one("#query", Input))
