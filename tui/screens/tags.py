"""The tag dialog: the reader's tags of one article (``t``) or of a whole result (``T``).

"a, b" adds a and b, "-a" removes a; the word being typed completes from the tags already in
use (tab or right accepts), so one spelling of a tag stays one tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from store import clean_line
from store.reading.undo import TagChange, parse_tag_change, tag_key
from tui.widgets.text_input import TextInput

SHOWN_KNOWN = 8
"""Tags in use listed in the dialog, most used first."""


class TagSuggester(Suggester):
    """Completes the tag being typed (the text after the last comma) from ``known``;
    after "-", from the tags the article has. Case and accents aside, as tags match."""

    def __init__(self, known: Sequence[str], current: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = list(known)
        self.current = list(current)

    async def get_suggestion(self, value: str) -> str | None:
        word = value.rpartition(",")[2].lstrip()
        removing = word.startswith("-")
        name = word.lstrip("-# ")
        if not name:
            return None
        have = {tag_key(tag) for tag in self.current}
        choices = self.current if removing else [t for t in self.known if tag_key(t) not in have]
        typed = tag_key(name)
        for tag in choices:
            # As tags are matched: "eco" completes "Économie".
            if tag_key(tag).startswith(typed) and len(tag) > len(name):
                # The tag as it is spelled already, so one tag keeps one spelling.
                return value[: len(value) - len(name)] + tag
        return None


class TagInput(TextInput):
    """An input where tab accepts the completion, as right does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "cursor_right", "Complete", show=False, id="tags.complete"),
    ]


class TagsScreen(ModalScreen[TagChange | None]):
    """Edit tags; dismissed with the change typed, or ``None`` (escape, nothing typed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="tags.cancel"),
    ]

    DEFAULT_CSS = """
    TagsScreen { align: center middle; }
    TagsScreen #tags-current, TagsScreen #tags-known { color: $text-muted; }
    """

    def __init__(
        self, title: str, current: Sequence[str], known: Sequence[tuple[str, int]]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.current = tuple(current)
        self.known = list(known)

    def compose(self) -> ComposeResult:
        names = [clean_line(name) for name, _ in self.known]
        with Vertical(id="tags-box", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Label(self._current_line(), id="tags-current", markup=False)
            yield TagInput(
                placeholder="a, b adds · -a removes",
                id="tags-input",
                suggester=TagSuggester(names, [clean_line(tag) for tag in self.current]),
                select_on_focus=False,
            )
            if self.known:
                yield Label(self._known_line(), id="tags-known", markup=False)
            yield Label("tab or → completes · enter applies · esc cancels", classes="dialog-hint")

    def _current_line(self) -> str:
        if not self.current:
            return "no tags yet"
        return "tags: " + ", ".join(clean_line(tag) for tag in self.current)

    def _known_line(self) -> str:
        shown = ", ".join(f"{clean_line(name)} ({n})" for name, n in self.known[:SHOWN_KNOWN])
        more = f" and {len(self.known) - SHOWN_KNOWN} more" if len(self.known) > SHOWN_KNOWN else ""
        return f"in use: {shown}{more}"

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#tags-input", Input))

    @on(Input.Submitted, "#tags-input")
    def _submit(self, event: Input.Submitted) -> None:
        change = parse_tag_change(event.value)
        self.dismiss(change if change else None)
