"""The link list (``L``): every link of the article, numbered, to open or copy.

An enclosure (a podcast episode, a video) is one of them, said as what it is before its URL
(``▶ audio/mpeg 42:10``), and opened or copied like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from store.links import Link, readable_url

QUICK_KEYS = 9


class LinkListScreen(ModalScreen[None]):
    """Links numbered in reading order; the list stays open so several can be used."""

    DEFAULT_CSS = """
    LinkListScreen {
        align: center middle;
    }
    #links-list {
        height: auto;
        max-height: 20;
        border: none;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "dismiss(None)", "Close", id="links.close"),
        Binding("j", "move(1)", "Down", show=False, id="links.down"),
        Binding("k", "move(-1)", "Up", show=False, id="links.up"),
        Binding("o", "open", "Open", id="links.open"),
        Binding("y", "copy", "Copy", id="links.copy"),
        *(
            Binding(str(n), f"pick({n})", show=False, id=f"links.pick_{n}")
            for n in range(1, QUICK_KEYS + 1)
        ),
    ]

    def __init__(
        self,
        links: list[Link],
        open_link: Callable[[str], None],
        copy_link: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.links = links
        self._open_link = open_link
        self._copy_link = copy_link

    def compose(self) -> ComposeResult:
        with Vertical(id="links-box", classes="dialog"):
            yield Label(f"Links ({len(self.links)})", classes="dialog-title")
            yield OptionList(*self._options(), id="links-list")
            yield Label(
                "1-9 picks · enter or o opens · y copies · esc closes", classes="dialog-hint"
            )

    def _options(self) -> list[Option]:
        return [Option(_prompt(n, link)) for n, link in enumerate(self.links, 1)]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        self.set_focus(options)

    @property
    def chosen(self) -> Link | None:
        position = self.query_one(OptionList).highlighted
        return None if position is None else self.links[position]

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_pick(self, number: int) -> None:
        if number <= len(self.links):
            self.query_one(OptionList).highlighted = number - 1
        else:
            self.notify(f"No link {number}", timeout=2)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        if (link := self.chosen) is not None:
            self._open_link(link.url)

    def action_copy(self) -> None:
        if (link := self.chosen) is not None:
            self._copy_link(link.url)


def _prompt(number: int, link: Link) -> Text:
    """``url`` and ``label`` are clean already (``article_links``); shown as text, never as
    markup, the URL in the script it was written in (``readable_url``)."""
    key = f"{number:>2} " if number <= QUICK_KEYS else "   "
    line = Text(key, style="bold")
    if link.label:
        line.append(link.label, style="bold")
        line.append("  ")
    line.append(readable_url(link.url))
    line.append(f"  {link.where}", style="dim")
    return line
