"""Every key binding of the app by id, found in its classes without running it.

The config file remaps keys by binding id (``[keys] list.down = "j,ctrl+n"``); this is where
those ids are checked and listed (``newsdesk config keys``).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import unicodedata
from dataclasses import dataclass
from types import ModuleType

from textual.binding import Binding
from textual.keys import Keys, _character_to_key

import tui

NOT_APP_MODULES = ("tui.cli", "tui.commands", "tui.__main__", "tui.launch")
"""Modules of the console script, not of the app: no bindings there."""
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@dataclass(frozen=True)
class BindingInfo:
    """One remappable binding: its id, default keys, what it does and where it lives."""

    id: str
    keys: str
    description: str
    owner: str


def app_bindings() -> dict[str, BindingInfo]:
    """Every binding with an id in the app's modules, by id, in the order they are declared."""
    found: dict[str, BindingInfo] = {}
    for module in _app_modules():
        for value in list(vars(module).values()):
            if isinstance(value, type) and value.__module__ == module.__name__:
                for info in _declared(value):
                    found.setdefault(info.id, info)
    return found


def _app_modules() -> list[ModuleType]:
    for module in pkgutil.walk_packages(tui.__path__, "tui."):
        if not module.name.startswith(NOT_APP_MODULES):
            importlib.import_module(module.name)
    return [
        module
        for name, module in sorted(sys.modules.items())
        if (name == "tui" or name.startswith("tui.")) and not name.startswith(NOT_APP_MODULES)
    ]


def _declared(cls: type) -> list[BindingInfo]:
    """The bindings a class declares itself (inherited ones are found on their own class)."""
    declared = cls.__dict__.get("BINDINGS", [])
    infos = []
    for binding in declared:
        if isinstance(binding, Binding) and binding.id:
            description = binding.description or binding.action
            infos.append(BindingInfo(binding.id, binding.key, description, cls.__name__))
    return infos


def unknown_key(keys: str) -> str | None:
    """The first of comma-separated ``keys`` that names no key Textual knows, else ``None``."""
    for key in keys.split(","):
        if not _is_key(key.strip()):
            return key.strip()
    return None


def _is_key(key: str) -> bool:
    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    if not name or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    return len(name) == 1 or name in _KEY_NAMES or _is_character_name(name)


_KEY_NAMES = (
    frozenset(str(key.value) for key in Keys)
    | {_character_to_key(chr(code)) for code in range(32, 127)}
    | {"enter", "tab", "backspace"}
)


def _is_character_name(name: str) -> bool:
    """Textual's names for characters: ``question_mark``, ``slash``, ``right_square_bracket``."""
    try:
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return True
