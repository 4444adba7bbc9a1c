"""An input that keeps every character of the text typed into it."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from store.sanitize import is_joiner


class TextInput(Input):
    """Textual's input drops every key that is not printable, and a zero-width joiner is
    not: typed, 👩‍💻 would become 👩💻 (and no longer match the tag). The invisible
    characters that belong inside text (``store.sanitize.JOINERS``) are kept; control
    characters and bidirectional overrides are still dropped."""

    async def _on_key(self, event: events.Key) -> None:
        character = event.character
        if event.is_printable or character is None or not is_joiner(character):
            return  # Input's own handler (next in line) takes it
        event.stop()
        event.prevent_default()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(character)
        else:
            self.replace(character, *selection)
