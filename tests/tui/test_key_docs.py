"""README's key table says what the bindings do: every key the help screen shows is in it,
and every key it names is one the app binds."""

from __future__ import annotations

import re
from pathlib import Path

from tui.bindings import app_bindings
from tui.keys import HELP_LAYOUT, Shown, key_display

README = Path(__file__).resolve().parents[2] / "README.md"
TEXTUAL_KEYS = {"tab", "shift+tab", "ctrl+p", "PgUp"}
"""Keys of Textual's own bindings (focus, the command palette, scrolling) the table names."""
_UNESCAPED_BAR = re.compile(r"(?<!\\)\|")
"""A cell boundary: ``\\|`` is a ``|`` inside a cell (the pipe key's own row)."""


def table_keys() -> set[str]:
    """The keys in the first column of README's key table, as written there."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("### Keys") :].split("\n\n")[2]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    cells = [_UNESCAPED_BAR.split(line)[1] for line in rows]
    return {key.replace(r"\|", "|") for cell in cells for key in re.findall(r"`([^`]+)`", cell)}


def shown_keys(binding_id: str) -> list[str]:
    return key_display(app_bindings()[binding_id].keys).split(" / ")


def test_every_key_the_help_shows_is_in_the_readme_table() -> None:
    documented = table_keys()
    missing = []
    for _group, rows in HELP_LAYOUT:
        for row in rows:
            if isinstance(row, Shown):
                continue
            ids = [row[0], row[-1]] if isinstance(row, tuple) else [row]
            missing += [(i, k) for i in ids for k in shown_keys(i) if k not in documented]
    assert missing == []


def test_every_key_the_readme_table_names_is_bound() -> None:
    bound = {key for binding_id in app_bindings() for key in shown_keys(binding_id)}
    assert table_keys() - bound - TEXTUAL_KEYS == set()
