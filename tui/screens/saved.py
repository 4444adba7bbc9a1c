"""Saved searches: a dialog to name the current query, and the list to open one from."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from store import Session, clean_line
from store.reading.saved import MAX_NAME, SavedSearch

QUICK_KEYS = 9
"""Saved searches 1 to 9 open with their number key."""


class SaveSearchScreen(ModalScreen[str | None]):
    """Ask for a name for ``query``; dismissed with the name, or ``None`` (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="save.cancel"),
    ]

    def __init__(self, query: str, name: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.suggested = name or " ".join(query.split())[:MAX_NAME]

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box", classes="dialog"):
            yield Label("Save this search as", classes="dialog-title")
            yield Label(clean_line(self.query_text), id="save-query", markup=False)
            # Selected at once, not on the focus event: keys typed straight after S must
            # replace the suggestion, not be selected and then overwritten.
            yield Input(self.suggested, id="save-name", max_length=MAX_NAME, select_on_focus=False)
            yield Label("enter saves · esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        name = self.query_one("#save-name", Input)
        self.set_focus(name)
        name.select_all()

    @on(Input.Submitted, "#save-name")
    def _submit(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value)


class SavedList(OptionList):
    """The saved searches, moved through with the list's vim keys as well as arrows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="saved.down"),
        Binding("k", "cursor_up", "Up", show=False, id="saved.up"),
        Binding("g", "first", "First", show=False, id="saved.first"),
        Binding("G", "last", "Last", show=False, id="saved.last"),
    ]


class ConfirmDeleteScreen(ModalScreen[bool]):
    """Asks before a saved search is deleted, as newsboat does: ``y`` deletes, any other
    key keeps it, so one stray key never loses a search."""

    def __init__(self, search: SavedSearch) -> None:
        super().__init__()
        self.search = search

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            name = clean_line(self.search.name)
            yield Label(f"Delete the saved search “{name}”?", classes="dialog-title", markup=False)
            yield Label(clean_line(self.search.query), id="confirm-query", markup=False)
            yield Label("y deletes · any other key keeps it", classes="dialog-hint")

    def on_key(self, event: Key) -> None:
        event.stop()  # the key answers the question and does nothing else
        event.prevent_default()
        self.dismiss(event.key == "y")


class SavedSearchesScreen(ModalScreen[SavedSearch | None]):
    """Every saved search with its unread and total counts; enter (or 1-9) opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,v", "dismiss(None)", "Close", id="saved.close"),
        Binding("d,delete", "delete", "Delete", id="saved.delete"),
        *(
            Binding(str(n), f"open_number({n})", show=False, id=f"saved.open_{n}")
            for n in range(1, QUICK_KEYS + 1)
        ),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.searches = session.saved.all()

    def compose(self) -> ComposeResult:
        with Vertical(id="saved-box", classes="dialog"):
            yield Label("Saved searches", classes="dialog-title")
            yield SavedList(*self._options(), id="saved-list")
            yield Label(
                "j/k moves · enter or 1-9 opens · d deletes · esc closes",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self._count(0)

    def _options(self) -> list[Option]:
        if not self.searches:
            return [Option("No saved searches yet: search (/), then S to save it", disabled=True)]
        return [Option(_prompt(n, s, None), id=s.name) for n, s in enumerate(self.searches, 1)]

    def _count(self, position: int) -> None:
        """Counts one search per refresh, so a large store never holds the dialog still."""
        if position >= len(self.searches):
            return
        search = self.searches[position]
        counts = self.session.counts(search.query)
        options = self.query_one(OptionList)
        options.replace_option_prompt_at_index(position, _prompt(position + 1, search, counts))
        self.call_after_refresh(self._count, position + 1)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_open_number(event.option_index + 1)

    def action_open_number(self, number: int) -> None:
        if 1 <= number <= len(self.searches):
            self.dismiss(self.searches[number - 1])

    def action_delete(self) -> None:
        """Delete the highlighted search once the reader confirms it."""
        position = self.query_one(OptionList).highlighted
        if position is None or not self.searches:
            return
        search = self.searches[position]

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(search)

        self.app.push_screen(ConfirmDeleteScreen(search), answered)

    def _delete(self, gone: SavedSearch) -> None:
        options = self.query_one(OptionList)
        position = self.searches.index(gone)
        self.searches.pop(position)
        self.session.saved.delete(gone.name)
        options.set_options(self._options())
        if self.searches:
            options.highlighted = min(position, len(self.searches) - 1)
        self.notify(f"Deleted “{clean_line(gone.name)}”", timeout=3, markup=False)
        self._count(0)


def _prompt(number: int, search: SavedSearch, counts: tuple[int, int] | None) -> Text:
    key = f"{number} " if number <= QUICK_KEYS else "  "
    line = Text(key, style="bold")
    line.append(clean_line(search.name), style="bold")
    if counts is None:
        line.append("  …", style="dim")
    else:
        unread, total = counts
        line.append(f"  {unread} unread", style="bold" if unread else "dim")
        line.append(f" of {total}", style="dim")
    line.append("\n   ")
    line.append(clean_line(search.query), style="italic dim")
    return line
