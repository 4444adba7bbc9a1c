"""The help screen's layout: which bindings it shows, grouped, and the query language's
syntax beside them. What a key is and what it does come from the bindings themselves (their
keys, remapped by the config file, and their tooltips), so a binding is written down once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.keys import _character_to_key, key_to_character

from tui.bindings import BindingInfo


@dataclass(frozen=True)
class Shown:
    """A help row that is not one of newsdesk's bindings: Textual's own keys (focus, the
    command palette) and the query language."""

    keys: str
    meaning: str


Row = str | tuple[str, ...] | Shown
"""A binding id; ids whose keys share one row (``1 … 9``); or a row as it stands."""

HELP_LAYOUT: tuple[tuple[str, tuple[Row, ...]], ...] = (
    (
        "The list",
        (
            "list.down",
            "list.up",
            "list.first",
            "list.last",
            "list.page_down",
            "list.page_up",
            "list.read",
            "main.preview",
            Shown("tab / shift+tab", "next / previous pane"),
        ),
    ),
    (
        "Reading",
        (
            "view.down",
            "view.up",
            "view.top",
            "view.bottom",
            "view.page_down",
            "view.next",
            "view.previous",
            "main.back",
        ),
    ),
    (
        "Searching",
        (
            "main.search",
            Shown('"a b"  -x  a OR b  ( )', "phrase, exclude, either, group"),
            Shown("title: source: author: tag:", "…a word in one field; tag: your tags too"),
            Shown("person: org: place: entity:", "…an entity the article mentions"),
            Shown("is:unread|read|starred", "…reading state"),
            Shown("after: before: on: date:", "…2025-02, 2025-02-23, today, 7d, 3m"),
            Shown("sort:date|relevance|source", "…order (words: relevance, else newest first)"),
            "search.done",
            "search.clear",
        ),
    ),
    (
        "Saved searches",
        (
            "main.save_search",
            "main.saved_searches",
            tuple(f"main.open_saved_{n}" for n in range(1, 10)),
        ),
    ),
    ("Arranging", ("main.sort", "main.group", "main.unread_only")),
    (
        "Marking",
        (
            "main.toggle_read",
            "main.toggle_star",
            "main.tags",
            "main.mark_all_read",
            "main.tag_all",
            "main.undo",
        ),
    ),
    (
        "Entities",
        (
            "main.facets",
            "view.next_entity",
            "view.prev_entity",
            "view.next_mention",
            "view.prev_mention",
            "view.mentioning",
            "view.highlight",
        ),
    ),
    (
        "Links and export",
        ("main.open_link", "main.copy_link", "main.links", "main.export", "main.pipe"),
    ),
    ("Feeds", ("main.fetch", "main.whole_article")),
    (
        "App",
        ("app.help", Shown("ctrl+p", "command palette: every action by name"), "app.quit"),
    ),
)

_GLYPHS = {
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "escape": "esc",
    "space": "space",
}


def key_display(keys: str) -> str:
    """Comma-separated Textual key names as a reader writes them: ``j / ↓``, ``?``, ``]``."""
    return " / ".join(_one_key(key.strip()) for key in keys.split(",") if key.strip())


_CHARACTERS = {_character_to_key(chr(code)): chr(code) for code in range(33, 127)}
"""Textual's names of the printable ASCII characters: ``slash`` is ``/``."""


def _one_key(key: str) -> str:
    if key in _GLYPHS:
        return _GLYPHS[key]
    if key in _CHARACTERS:
        return _CHARACTERS[key]
    character = key_to_character(key) if len(key) > 1 and "+" not in key else None
    return character if character is not None and character.isprintable() else key


def keys_of(binding_id: str, bindings: Mapping[str, BindingInfo], keymap: Mapping[str, str]) -> str:
    """The keys of a binding as the reader has them: remapped by the config file, else its
    own."""
    return key_display(keymap.get(binding_id) or bindings[binding_id].keys)


def help_rows(
    bindings: Mapping[str, BindingInfo], keymap: Mapping[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """``HELP_LAYOUT`` filled in: (group, [(keys, meaning), ...]) from the live bindings."""
    return [(group, [_row(row, bindings, keymap) for row in rows]) for group, rows in HELP_LAYOUT]


def _row(
    row: Row, bindings: Mapping[str, BindingInfo], keymap: Mapping[str, str]
) -> tuple[str, str]:
    if isinstance(row, Shown):
        return row.keys, row.meaning
    if isinstance(row, tuple):
        keys = [keys_of(binding_id, bindings, keymap) for binding_id in row]
        shown = f"{keys[0]} … {keys[-1]}" if len(keys) > 2 else " / ".join(keys)
        return shown, bindings[row[0]].help
    return keys_of(row, bindings, keymap), bindings[row].help
