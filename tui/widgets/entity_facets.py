"""Entity facets: the people, organisations, places and others of the current results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from store import Facet, clean_line

HEADINGS = {"person": "People", "org": "Organisations", "place": "Places", "misc": "Other"}
FIELDS = {"person": "person", "org": "org", "place": "place"}


class EntityFacets(OptionList):
    """Entities by kind with article counts, most-mentioned first; enter filters by one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="facets.down"),
        Binding("k", "cursor_up", "Up", show=False, id="facets.up"),
    ]
    """Vim keys as well as arrows; enter chooses."""

    @dataclass
    class Chosen(Message):
        """The reader chose an entity to filter by."""

        kind: str
        name: str

        @property
        def term(self) -> str:
            """The query term for this entity, e.g. ``person:"Israel Katz"``."""
            field = FIELDS.get(self.kind, "entity")
            return f'{field}:"{self.name.replace(chr(34), "")}"'

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._choices: dict[str, Facet] = {}

    def show_facets(self, facets: dict[str, list[Facet]]) -> None:
        """Replace the list; entity names are untrusted text, never markup."""
        self.clear_options()
        self._choices = {}
        options: list[Option | None] = []
        for kind, found in facets.items():
            if not found:
                continue
            label = Text(f"{HEADINGS.get(kind, kind)} {len(found)}", style="bold underline")
            options.append(Option(label, disabled=True))
            for number, facet in enumerate(found):
                key = f"{kind}-{number}"
                self._choices[key] = facet
                options.append(Option(self._row(facet), id=key))
        if not options:
            options.append(
                Option(Text("No entities in these articles", style="italic"), disabled=True)
            )
        self.add_options(options)

    @staticmethod
    def _row(facet: Facet) -> Text:
        row = Text(f"{facet.count:>4}  ", style="dim")
        row.append(clean_line(facet.text))
        return row

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        facet = self._choices.get(event.option.id or "")
        if facet is not None:
            self.post_message(self.Chosen(facet.kind, facet.text))
