"""Saved searches from the main screen: save the query (``S``), list them (``v``), open
one by its number (``1`` to ``9``).

A part of ``MainScreen``; the dialogs are in ``tui.screens.saved``, the searches in the
session's ``SavedSearches``.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from store import SavedSearch, clean_line
from tui.screens.parts import MainParts
from tui.screens.saved import QUICK_KEYS, SavedSearchesScreen, SaveSearchScreen
from tui.widgets.search_bar import SearchBar

SAVED_BINDINGS: list[BindingType] = [
    Binding(
        "S",
        "save_search",
        "Save search",
        show=False,
        tooltip="save the current search under a name",
        id="main.save_search",
    ),
    Binding(
        "v",
        "saved_searches",
        "Saved",
        show=False,
        tooltip="saved searches with unread counts; enter opens, d deletes",
        id="main.saved_searches",
    ),
    *(
        Binding(
            str(n),
            f"open_saved({n})",
            show=False,
            tooltip="open saved search 1 to 9",
            id=f"main.open_saved_{n}",
        )
        for n in range(1, QUICK_KEYS + 1)
    ),
]


class SavedSearchActions(MainParts):
    """Saving the query in the box, and putting a saved one back in it."""

    def action_save_search(self) -> None:
        """Save the current query under a name (``S``)."""
        text = self.query_one(SearchBar).value.strip()
        if not text:
            self.notify("Nothing to save: type a search first (/)", timeout=3)
            return
        self.app.push_screen(SaveSearchScreen(text), lambda name: self._save(name, text))

    def _save(self, name: str | None, text: str) -> None:
        if name is None:
            return
        saved = self.session.saved
        try:
            search = saved.save(name, text)
        except ValueError as exc:
            self.notify(str(exc), severity="warning", timeout=5, markup=False)
            return
        number = saved.all().index(search) + 1
        key = f"; {number} opens it" if number <= QUICK_KEYS else ""
        shown = clean_line(search.name)
        self.notify(f"Saved “{shown}” (v lists saved searches{key})", markup=False)
        if saved.error:
            self.notify(saved.error, severity="warning", timeout=8, markup=False)

    def action_saved_searches(self) -> None:
        """List the saved searches with their unread counts (``v``)."""
        self.app.push_screen(SavedSearchesScreen(self.session), self._open_saved_search)

    def action_open_saved(self, number: int) -> None:
        searches = self.session.saved.all()
        if number > len(searches):
            self.notify(f"No saved search {number} (v lists them)", timeout=2)
            return
        self._open_saved_search(searches[number - 1])

    def _open_saved_search(self, search: SavedSearch | None) -> None:
        if search is None:
            return
        self.set_reading(False)
        self.query_one(SearchBar).set_value(search.query)
        self.notify(f"Saved search “{clean_line(search.name)}”", timeout=2, markup=False)
