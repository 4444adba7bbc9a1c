"""The chooser of ``|`` when the config names several commands to pipe an article to.

Keyboard driven like the other dialogs: ``j``/``k`` or the arrows move, ``enter`` runs the
highlighted command, ``1``-``9`` run one at once, ``esc`` closes without running anything.
Each row shows the command's name, its argument vector and what it reads (text or JSON),
so the reader sees what will run before it runs.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from store import clean_line
from store.config import PipeCommand

QUICK_KEYS = 9
"""Commands 1 to 9 run with their number key."""


class PipeChooserScreen(ModalScreen[str | None]):
    """Pick one of ``commands``; dismissed with its name, or ``None`` (escape)."""

    DEFAULT_CSS = """
    PipeChooserScreen {
        align: center middle;
    }
    #pipe-list {
        height: auto;
        max-height: 20;
        border: none;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,vertical_line", "dismiss(None)", "Close", id="pipe.close"),
        Binding("j", "move(1)", "Down", show=False, id="pipe.down"),
        Binding("k", "move(-1)", "Up", show=False, id="pipe.up"),
        *(
            Binding(str(n), f"pick({n})", show=False, id=f"pipe.pick_{n}")
            for n in range(1, QUICK_KEYS + 1)
        ),
    ]

    def __init__(self, commands: Mapping[str, PipeCommand], title: str) -> None:
        super().__init__()
        self.names = list(commands)
        self.commands = commands
        self.article_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="pipe-box", classes="dialog"):
            yield Label("Pipe the article to", classes="dialog-title")
            yield Label(clean_line(self.article_title), id="pipe-article", markup=False)
            yield OptionList(*self._options(), id="pipe-list")
            yield Label("enter or 1-9 runs · j/k moves · esc closes", classes="dialog-hint")

    def _options(self) -> list[Option]:
        return [
            Option(_prompt(n, name, self.commands[name]), id=str(n))
            for n, name in enumerate(self.names, 1)
        ]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        self.set_focus(options)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_pick(self, number: int) -> None:
        if number <= len(self.names):
            self.dismiss(self.names[number - 1])
        else:
            self.notify(f"No command {number}", timeout=2)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.names[event.option_index])


def _prompt(number: int, name: str, command: PipeCommand) -> Text:
    """A row as text, never markup: the name and argv come from the config file."""
    key = f"{number:>2} " if number <= QUICK_KEYS else "   "
    line = Text(key, style="bold")
    line.append(clean_line(name), style="bold")
    line.append(f"  {clean_line(shlex.join(command.argv))}")
    line.append(f"  ({command.input})", style="dim")
    return line
