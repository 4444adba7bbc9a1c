"""``store`` exports what the app and the console script use, each name loaded on demand."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import support

import store


def _declared() -> dict[str, str]:
    """The names the ``TYPE_CHECKING`` block of ``store/__init__.py`` imports, by module."""
    tree = ast.parse((support.REPO / "store" / "__init__.py").read_text())
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("store"):
            found |= {alias.name: node.module for alias in node.names}
    return found


def test_every_export_is_declared_for_the_type_checker_and_found_at_run_time() -> None:
    assert _declared() == store._HOMES
    for name, home in store._HOMES.items():
        assert getattr(store, name) is getattr(importlib.import_module(home), name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        store.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("store.no_such_thing did not raise")


def test_importing_one_export_loads_only_its_own_room() -> None:
    script = (
        "import sys\n"
        "from store import parse_query\n"
        "print(sorted(m for m in sys.modules if m.startswith(('store.ingest', 'store.entities'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
