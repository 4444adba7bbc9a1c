"""The parts of the config only the app can check: theme names and key-binding ids.

``store/config.py`` reads the file without knowing Textual; here the theme is checked against
the themes Textual has and each key remap against the app's binding ids and Textual's key
names. What does not fit is reported in one line and left at its default; the rest applies.
A remap may only take keys that nothing else has where its binding is (see ``KeyUses``):
one that would be shadowed, or would shadow another binding, is refused whole.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from store import clean_line
from store.config.settings import Config, config_path, summary, with_more
from tui.bindings import (
    BindingInfo,
    KeyUses,
    app_bindings,
    close_key_name,
    key_uses,
    normal_keys,
    unknown_key,
)

if TYPE_CHECKING:
    from textual.app import App

DEFAULT_THEME = Config().theme
WELL_KNOWN_THEMES = ("textual-light", "nord", "gruvbox", "dracula")
"""What an unknown-theme warning suggests."""


@dataclass(frozen=True)
class AppSettings:
    """What the app applies: a theme (``None``: the default), a keymap, and the problems."""

    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    theme_problems: tuple[str, ...] = ()
    key_problems: tuple[str, ...] = ()

    @property
    def problems(self) -> tuple[str, ...]:
        return self.theme_problems + self.key_problems

    def warning(self, file_warning: str | None = None) -> str | None:
        """These problems and the file's (``load_config``'s warning) as one line: the first,
        and how many more there are."""
        if file_warning is not None:
            return with_more(file_warning, len(self.problems))
        if not self.problems:
            return None
        return summary(self.problems[0], len(self.problems) - 1)


def check_settings(
    config: Config, themes: Collection[str], bindings: dict[str, BindingInfo] | None = None
) -> AppSettings:
    """The theme and key remaps of ``config`` that this app can use, and what it cannot."""
    bindings = app_bindings() if bindings is None else bindings
    theme_problems: list[str] = []
    key_problems: list[str] = []
    theme = _theme(config.theme, themes, theme_problems)
    keymap = _free_keys(_keymap(config.keys, bindings, key_problems), bindings, key_problems)
    where = f"config {config_path()}: "
    return AppSettings(
        theme,
        keymap,
        tuple(where + line for line in theme_problems),
        tuple(where + line for line in key_problems),
    )


def _theme(name: str, themes: Collection[str], problems: list[str]) -> str | None:
    if name in themes:
        return name
    some = [theme for theme in WELL_KNOWN_THEMES if theme in themes and theme != DEFAULT_THEME]
    problems.append(
        f"theme {_shown(name)} is unknown{_guess(name, themes)}, using {DEFAULT_THEME}; "
        f"themes include {', '.join(some)} (newsdesk config themes)"
    )
    return None


def _keymap(
    remaps: Mapping[str, str], bindings: dict[str, BindingInfo], problems: list[str]
) -> dict[str, str]:
    keymap: dict[str, str] = {}
    for binding_id, keys in remaps.items():
        if binding_id not in bindings:
            problems.append(
                f"keys: no binding has the id {_shown(binding_id)}"
                f"{_guess(binding_id, bindings)}, ignored; newsdesk config keys lists the ids"
            )
        elif (bad := unknown_key(keys)) is not None:
            guess = bad.lower() if unknown_key(bad.lower()) is None else close_key_name(bad)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            problems.append(
                f"keys.{binding_id}: {_shown(bad)} is not a key name{hint}, so that binding "
                "keeps its keys (key names: ctrl+n, f5, pageup, question_mark)"
            )
        else:
            keymap[binding_id] = keys
    return keymap


def _free_keys(
    keymap: Mapping[str, str], bindings: dict[str, BindingInfo], problems: list[str]
) -> dict[str, str]:
    """The remaps whose new keys are free. Refusing one gives its binding back its own
    keys, which may take a key from another remap, so the check runs until nothing more is
    refused."""
    refused: dict[str, str] = {}
    while (refusal := _first_refusal(keymap, refused, bindings)) is not None:
        refused[refusal[0]] = refusal[1]
    problems.extend(refused.values())
    return {binding_id: keys for binding_id, keys in keymap.items() if binding_id not in refused}


def _first_refusal(
    keymap: Mapping[str, str], refused: Mapping[str, str], bindings: dict[str, BindingInfo]
) -> tuple[str, str] | None:
    """The first remap, in file order, that takes a key something else has; of two remaps
    to one key, the first has it."""
    uses = key_uses()
    remapped: dict[str, list[str]] = {binding_id: [] for binding_id in keymap}
    for binding_id in refused:
        del remapped[binding_id]
    for binding_id, keys in keymap.items():
        if binding_id in refused:
            continue
        problem = _taken(binding_id, keys, bindings, uses, remapped)
        if problem is not None:
            return binding_id, problem
        remapped[binding_id] = normal_keys(keys)
    return None


def _taken(
    binding_id: str,
    keys: str,
    bindings: dict[str, BindingInfo],
    uses: KeyUses,
    remapped: Mapping[str, list[str]],
) -> str | None:
    """Why the remap of ``binding_id`` to ``keys`` is refused, or ``None``."""
    own = set(normal_keys(bindings[binding_id].keys))
    for key in normal_keys(keys):
        if key in own:
            continue
        holder = uses.holder(binding_id, key, remapped)
        if holder is not None:
            return (
                f"keys.{binding_id}: {key} is taken there by {holder}, so that binding "
                f"keeps its keys ({bindings[binding_id].keys})"
            )
    return None


def remap_rows(keymap: dict[str, str], bindings: dict[str, BindingInfo]) -> list[tuple[str, str]]:
    """Help-screen rows for the remapped keys: (keys, what it does, and its default keys)."""
    rows = []
    for binding_id, keys in keymap.items():
        info = bindings[binding_id]
        rows.append((keys, f"{info.description} ({binding_id}; default {info.keys})"))
    return rows


def _shown(value: str) -> str:
    shown = clean_line(repr(value))
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _guess(value: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def apply_settings(app: App[Any], config: Config) -> AppSettings:
    """Set the theme and keymap of ``config`` on ``app``; what could not be used is returned."""
    settings = check_settings(config, app.available_themes)
    # The default theme leaves Textual's own (which honours TEXTUAL_THEME) as it is.
    if settings.theme is not None and settings.theme != DEFAULT_THEME:
        app.theme = settings.theme
    if settings.keymap:
        app.set_keymap(settings.keymap)
    return settings
