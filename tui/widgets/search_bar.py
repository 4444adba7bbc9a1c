"""The search pane: a query input with the match count beside it.

The bar parses what is typed on every keystroke and posts the query (``SearchBar.Changed``)
for the screen to run; a query that does not parse is said beside the box and posts
nothing, so the list keeps the last good result.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

from store import Query, QueryError, parse_query
from tui.widgets.text_input import TextInput

PLACEHOLDER = 'search: words, "phrases", -not, OR, field:value'
"""Shown in the empty box."""
MEDIUM_PLACEHOLDER = 'search: words, "phrases", field:value'
"""Under 100 columns: room is left for the arrangement and the counts (nothing clipped)."""
SHORT_PLACEHOLDER = "search"
"""Shown in the empty box of a compact bar (under 60 columns)."""


class SearchBar(Horizontal):
    """``/`` focuses the input; every keystroke filters; the count says how many match."""

    DEFAULT_CSS = """
        SearchBar {
            height: 1;
            background: $panel;
        }

        #search-prompt {
            width: 2;
            padding: 0 0 0 1;
            color: $accent;
            text-style: bold;
        }

        #query {
            width: 1fr;
            height: 1;
            border: none;
            padding: 0 1;
            background: $panel;
        }

        #query:focus {
            background: $boost;
        }

        #query-error {
            width: auto;
            max-width: 60%;
            padding: 0 1;
            color: $text-error;
            display: none;
        }

        #query.-invalid {
            color: $text-error;
        }

        #status {
            width: auto;
            padding: 0 1;
            color: $text-warning;
            display: none;
        }

        #arrangement {
            width: auto;
            padding: 0 0 0 1;
            color: $text-accent;
            display: none;
        }

        #arrangement.-shown {
            display: block;
        }

        #match-count {
            width: auto;
            min-width: 12;
            padding: 0 1;
            text-align: left;
            color: $text-muted;
        }

        #unread-count {
            width: auto;
            padding: 0 0 0 1;
            color: $text-muted;
            display: none;
        }

        #unread-count.-shown {
            display: block;
        }

        /* Very narrow terminals: the box and the count only; nothing wraps or is cut. */
        SearchBar.-compact #arrangement, SearchBar.-compact #unread-count {
            display: none;
        }

        SearchBar.-compact #match-count {
            min-width: 0;
        }

        SearchBar.-compact #query-error {
            max-width: 50%;
        }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "screen.clear_search",
            "Clear",
            show=False,
            tooltip="clear the search",
            id="search.clear",
        ),
        # Priority: taken before the input's own enter (which would post a message and move
        # the focus only later), so keys typed straight after enter reach the list.
        Binding(
            "enter,down",
            "screen.focus_list",
            "Results",
            show=False,
            priority=True,
            tooltip="from the search box to the results",
            id="search.done",
        ),
    ]
    """Enter or down goes to the results; escape clears the query."""

    class Changed(Message):
        """A query to show: ``typing`` while the reader is still typing it, so its last
        word is a prefix and a large result may be fetched in part first."""

        def __init__(self, text: str, query: Query, typing: bool) -> None:
            super().__init__()
            self.text = text
            self.query = query
            self.typing = typing

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._posted: Query | None = None

    def compose(self) -> ComposeResult:
        yield Label("/", id="search-prompt")
        # No select-all on focus: it lands after keys already typed behind "/" and the
        # next key would replace them. "/" continues the query; ctrl+u clears it.
        query = TextInput(placeholder=PLACEHOLDER, id="query", select_on_focus=False)
        query.cursor_blink = False  # a blinking cursor costs ~2 KB/s over SSH, doing nothing
        yield query
        yield Label("", id="query-error", markup=False)
        yield Label("", id="status")
        yield Label("", id="arrangement", markup=False)
        yield Label("", id="unread-count")
        yield Label("", id="match-count")

    def set_count(
        self, shown: int, total: int, complete: bool = True, unread: int | None = None
    ) -> None:
        """``3 unread · 12 of 5,000``; ``5,000+ of 100,000`` while the rest is still being
        counted. The unread count comes first so the line still ends with the count."""
        more = "" if complete else "+"
        self.query_one("#match-count", Label).update(f"{shown:,}{more} of {total:,}")
        unread_label = self.query_one("#unread-count", Label)
        unread_label.update("" if unread is None else f"{unread:,}{more} unread ·")
        unread_label.set_class(unread is not None, "-shown")

    def fit_width(self, width: int, narrow: int, compact: int) -> None:
        """Under ``compact`` columns, only the box and ``N of M``: the arrangement and the
        unread count are hidden (``-compact`` in the stylesheet); the placeholder shortens
        under ``narrow`` and again under ``compact``, so it is never clipped."""
        self.set_class(width < compact, "-compact")
        placeholder = PLACEHOLDER if width >= narrow else MEDIUM_PLACEHOLDER
        self.query_one("#query", Input).placeholder = (
            SHORT_PLACEHOLDER if width < compact else placeholder
        )

    def set_arrangement(self, text: str) -> None:
        """How the list is arranged: ``by date``, ``grouped by source · unread only``."""
        label = self.query_one("#arrangement", Label)
        label.update(text)
        label.set_class(bool(text), "-shown")  # and still hidden when ``-compact``

    def set_status(self, text: str) -> None:
        """Background work in progress (a fetch), shown before the count; empty hides it."""
        status = self.query_one("#status", Label)
        status.update(text)
        status.display = bool(text)

    def set_error(self, message: str | None) -> None:
        """What is wrong with the query, and where; ``None`` when it is fine again."""
        error = self.query_one("#query-error", Label)
        error.update(f"✗ {message}" if message else "")
        error.display = bool(message)
        self.query_one("#query", Input).set_class(bool(message), "-invalid")

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._post(event.value, self.typing)

    @on(Input.Blurred, "#query")
    def _left(self) -> None:
        """Leaving the box any way (enter, a click on the list, the command palette)
        settles the query."""
        self.settle()

    def settle(self) -> None:
        """The query as a whole once the reader leaves the box: the word typed last is no
        longer a prefix, so a short one ("eu", "on") filters now."""
        text = self.value
        try:
            whole: Query | None = parse_query(text)
        except QueryError:
            whole = None
        if whole != self._posted:
            self._post(text, typing=False)

    def _post(self, text: str, typing: bool) -> None:
        try:
            # The word under the cursor is a prefix while typing; a query put in the box
            # (a saved search, an entity facet) is taken as it stands.
            query = parse_query(text, typing=typing)
        except QueryError as exc:
            self.set_error(f"{exc.message}, at {exc.start + 1}")
            return
        self.set_error(None)
        self._posted = query
        self.post_message(self.Changed(text, query, typing))

    @property
    def value(self) -> str:
        return self.query_one("#query", Input).value

    @property
    def typing(self) -> bool:
        """Whether the reader is typing in the box (the query's last word may grow)."""
        return self.query_one("#query", Input).has_focus

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
