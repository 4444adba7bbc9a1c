"""The keys that arrange the list: ``O`` order, ``z`` grouping, ``U`` unread only.

A base of the main screen: the rules live in ``store.reading.arrangement``; here the keys change
the arrangement, say what it is now, and have the screen run its query again (the cursor
stays on its article, see ``ArticleList.show``).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from store.query.nodes import has_free_text
from tui.screens.parts import MainParts

ORDER_NOTES = {
    "date": "Sorted by date, newest first",
    "source": "Sorted by source, A to Z, newest first within each",
    "relevance": "Sorted by relevance, best match first",
}
GROUP_NOTES = {
    "none": "Not grouped",
    "day": "Grouped by day, newest first",
    "source": "Grouped by source, A to Z",
}


class ArrangingScreen(MainParts):
    """Keeps the reader's arrangement; the subclass shows results arranged by it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "O",
            "cycle_order",
            "Sort",
            show=False,
            tooltip="sort by date, source or relevance (a typed sort: wins)",
            id="main.sort",
        ),
        Binding(
            "z",
            "cycle_group",
            "Group",
            show=False,
            tooltip="group by day, by source, or not",
            id="main.group",
        ),
        Binding(
            "U",
            "toggle_unread_only",
            "Unread only",
            show=False,
            tooltip="unread articles only, or read ones too",
            id="main.unread_only",
        ),
    ]
    """Order, grouping and read articles shown, wherever the focus is but the search box."""

    def action_cycle_order(self) -> None:
        """``O``: date, source, relevance; a ``sort:`` typed in the search wins."""
        query = self.search_query
        if query.sort is not None:
            self._say(f"The search says sort:{query.sort}; remove it to sort with O")
            return
        grouped = self.arrangement.group != "none"
        self.arrangement = self.arrangement.next_order(query)
        note = ORDER_NOTES[self.arrangement.order]
        if self.arrangement.order == "relevance" and not has_free_text(query.root):
            note += " (no words in the search yet: newest first)"
        if grouped and self.arrangement.group == "none":
            note += "; grouping off"
        self._rearranged(note)

    def action_cycle_group(self) -> None:
        """``z``: none, day, source."""
        self.arrangement = self.arrangement.next_group()
        query = self.search_query
        group = self.arrangement.group
        note = GROUP_NOTES[group]
        if self.arrangement.grouping(query) != group:
            note = f"Grouping by {group} waits: the search says sort:{query.sort}"
        self._rearranged(note)

    def action_toggle_unread_only(self) -> None:
        """``U``: hide read articles (an ``is:unread`` filter on every search), or not."""
        self.arrangement = self.arrangement.toggled_unread()
        self._rearranged(
            "Unread only: read articles hidden"
            if self.arrangement.unread_only
            else "Read articles shown"
        )

    def _rearranged(self, note: str) -> None:
        self.rearrange()
        self._say(note)

    def _say(self, note: str) -> None:
        self.notify(note, timeout=2.5, markup=False)
