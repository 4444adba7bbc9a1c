"""Every key binding of the app by id, found in its classes without running it.

The config file remaps keys by binding id (``[keys] list.down = "j,ctrl+n"``); this is where
those ids are checked and listed (``newsdesk config keys``).
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key, _normalize_key_list, key_to_character
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList

import tui

NOT_APP_MODULES = ("tui.cli", "tui.commands", "tui.__main__", "tui.launch", "tui.serve")
"""Modules of the console script and of the SSH server, not of the app: no bindings there
(and the server's SSH library is not loaded for nothing)."""
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
SCREEN_WIDGETS: dict[str, tuple[str, ...]] = {
    "MainScreen": ("ArticleList", "ArticleView", "EntityFacets", "SearchBar", "TextInput"),
    "HelpScreen": (),
    "LinkListScreen": ("OptionList",),
    "SavedSearchesScreen": ("SavedList",),
    "ConfirmDeleteScreen": (),
    "SaveSearchScreen": ("Input",),
    "ExportScreen": ("Input",),
    "TagsScreen": ("TagInput",),
    "PipeChooserScreen": ("OptionList",),
}
"""The widgets of each screen that can have the focus, and so take keys before the screen."""
_TEXTUAL_WIDGETS: dict[str, type[DOMNode]] = {"Input": Input, "OptionList": OptionList}


@dataclass(frozen=True)
class BindingInfo:
    """One remappable binding: its id, default keys, its name (the palette's title), what
    it does (its tooltip, as the help screen and the palette say it) and where it lives."""

    id: str
    keys: str
    description: str
    owner: str
    help: str = ""
    action: str = ""


def app_bindings() -> dict[str, BindingInfo]:
    """Every binding with an id in the app's modules, by id, in the order they are declared
    (found once: the help screen and every keystroke in the command palette ask again)."""
    return dict(_found_bindings())


@cache
def _found_bindings() -> dict[str, BindingInfo]:
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
            help_text = binding.tooltip or description
            info = BindingInfo(
                binding.id, binding.key, description, cls.__name__, help_text, binding.action
            )
            infos.append(info)
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
    """Textual's names for characters: ``question_mark``, ``slash``, ``right_square_bracket``
    (the character's Unicode name; not an alias such as ``esc``, which no key press has)."""
    try:
        character = unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return _character_to_key(character) == name


def close_key_name(name: str) -> str | None:
    """The key name most like ``name`` (``escape`` for ``esc``), if one is close."""
    close = difflib.get_close_matches(name.lower(), sorted(_KEY_NAMES), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True)
class KeyUse:
    """A key as one node (app, screen or widget class) binds it."""

    node: type[DOMNode]
    key: str
    binding_id: str | None
    what: str
    priority: bool


class KeyUses:
    """Which keys each node of the app binds, and which nodes are in the way of one key
    press together: a focused widget takes a key before its screen, a screen before the app
    (whose bindings do not reach a modal screen), and the app's priority bindings come
    before everything."""

    def __init__(self) -> None:
        self.nodes = _node_classes()
        self.uses = [use for node in self.nodes for use in _uses(node)]
        self.app = next(node for node in self.nodes if issubclass(node, App))
        self._pairs: set[tuple[type[DOMNode], type[DOMNode]]] = set()
        self._typed_in: set[type[DOMNode]] = set()
        by_name = {node.__name__: node for node in self.nodes}
        for screen in (node for node in self.nodes if issubclass(node, Screen)):
            names = SCREEN_WIDGETS.get(screen.__name__, ())
            widgets = [by_name[name] for name in names if name in by_name]
            above = [screen] if issubclass(screen, ModalScreen) else [screen, self.app]
            self._pairs |= {(below, node) for below in (*widgets, screen) for node in above}
            if issubclass(screen, ModalScreen) and any(issubclass(w, Input) for w in widgets):
                self._typed_in |= {screen, *widgets}  # a dialog's text box has the focus

    def holder(self, binding_id: str, key: str, remapped: Mapping[str, list[str]]) -> str | None:
        """What already has ``key`` wherever binding ``binding_id`` is (``None``: nothing).
        A binding in ``remapped`` has the keys given there instead of its own."""
        for node in {use.node for use in self.uses if use.binding_id == binding_id}:
            if node in self._typed_in and _is_printable(key):
                return "typing in the text box"
            for use in self.uses:
                if use.binding_id == binding_id or not self._meet(node, use):
                    continue
                if use.binding_id is not None and use.binding_id in remapped:
                    if key in remapped[use.binding_id]:
                        return f"{use.binding_id} (remapped)"
                elif use.key == key:
                    return use.what
        return None

    def _meet(self, node: type[DOMNode], use: KeyUse) -> bool:
        """Whether ``use`` can be in the way of a key press that ``node`` would take."""
        other = use.node
        if use.priority and other is self.app:
            return True
        return other is node or (node, other) in self._pairs or (other, node) in self._pairs


def _is_printable(key: str) -> bool:
    character = key_to_character(key)
    return character is not None and character.isprintable()


@cache
def key_uses() -> KeyUses:
    return KeyUses()


def normal_keys(keys: str) -> list[str]:
    """Comma-separated ``keys`` as Textual names them (``?`` is ``question_mark``)."""
    return [key.strip() for key in _normalize_key_list(keys).split(",")]


def _node_classes() -> list[type[DOMNode]]:
    found: dict[str, type[DOMNode]] = dict(_TEXTUAL_WIDGETS)
    for module in _app_modules():
        for value in list(vars(module).values()):
            if (
                isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
            ):
                found.setdefault(value.__name__, value)
    return list(found.values())


def _uses(node: type[DOMNode]) -> Iterator[KeyUse]:
    """The keys ``node`` binds, its inherited bindings (Textual's own too) included."""
    for cls in reversed(node.__mro__):
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            what = binding.id or binding.description or binding.action
            yield KeyUse(node, normal_keys(binding.key)[0], binding.id, what, binding.priority)
    if issubclass(node, App) and node.ENABLE_COMMAND_PALETTE:
        yield KeyUse(node, node.COMMAND_PALETTE_BINDING, None, "the command palette", True)
