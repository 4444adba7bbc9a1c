"""Case- and accent-insensitive text, for matching what a reader types."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and drop accents: "Café Zürich" -> "cafe zurich"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def folded_name(name: str) -> str:
    """A name as entity searches match it: folded, its words one space apart."""
    return " ".join(fold(name).split())
