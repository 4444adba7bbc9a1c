"""The help screen: every key, grouped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

REMAPPED = "Your keys (config file)"
COMPACT_WIDTH = 60
"""Under this many columns the box takes the whole screen."""
KEY_COLUMN = 16
"""Longer key lists wrap within this many cells, so the meanings keep their room."""
REMAP_NOTE = "keys can be remapped in the config file; newsdesk config keys lists the ids"


class HelpScreen(ModalScreen[None]):
    """A scrollable table of keys; any of escape, q or ? closes it."""

    DEFAULT_CSS = """
        HelpScreen {
            align: center middle;
        }

        /* The padding is the text's, not the box's: the scrollbar then runs along the border,
           outside the text, instead of between the text and the box's padding. */
        #help-box {
            width: 96;
            max-width: 90%;
            height: auto;
            max-height: 90%;
            border: round $accent;
            background: $surface;
            scrollbar-size-vertical: 1;
        }

        #help-keys {
            width: 100%;
            padding: 1 2;
        }

        #help-box.-compact {
            max-width: 100%;
            max-height: 100%;
        }

        #help-box.-compact #help-keys {
            padding: 0 1;
        }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('down')", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, id="help.up"),
    ]
    """Close with escape, q or ?; scroll with j/k."""

    def __init__(
        self,
        remapped: Sequence[tuple[str, str]] = (),
        groups: Sequence[tuple[str, Sequence[tuple[str, str]]]] = (),
    ) -> None:
        super().__init__()
        self.remapped = remapped
        """(keys, meaning) of the bindings the config file remaps, shown first."""
        self.groups = groups
        """(group, [(keys, meaning), ...]): every key (``tui.keys.help_rows``)."""

    def compose(self) -> ComposeResult:
        compact = self.app.size.width < COMPACT_WIDTH
        with VerticalScroll(id="help-box", classes="-compact" if compact else ""):
            yield Static(_key_table(self.remapped, self.groups, compact), id="help-keys")

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        box.scroll_relative(y=1 if direction == "down" else -1, animate=False)


def _key_table(
    remapped: Sequence[tuple[str, str]],
    groups: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    compact: bool = False,
) -> Table:
    """Keys and meanings; ``compact`` (a narrow terminal) wraps long keys, so the meanings
    keep room instead of being squeezed out."""
    table = Table.grid(padding=(0, 2 - compact))
    if compact:
        table.add_column(style="bold", max_width=KEY_COLUMN, overflow="fold")
        table.add_column(ratio=1)
    else:
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
    mine = ((REMAPPED, tuple(remapped)),) if remapped else ()
    for group, keys in (*mine, *groups):
        table.add_row(Text(group, style="underline"), "")
        for key, meaning in keys:
            table.add_row(key, meaning)
        table.add_row("", "")
    table.add_row("", Text(REMAP_NOTE, style="italic"))
    table.add_row("", Text("esc, q or ? closes this help", style="italic"))
    return table
