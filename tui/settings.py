"""The parts of the config only the app can check: theme names and key-binding ids.

``store/config.py`` reads the file without knowing Textual; here the theme is checked against
the themes Textual has and each key remap against the app's binding ids and Textual's key
names. What does not fit is reported in one line and left at its default; the rest applies.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.keys import _normalize_key_list

from store.config import Config, config_path, summary, with_more
from store.sanitize import clean_line
from tui.bindings import BindingInfo, app_bindings, unknown_key

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
    keymap = _keymap(config.keys, bindings, key_problems)
    key_problems.extend(_clashes(keymap, bindings))
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
            lower = "" if unknown_key(bad.lower()) else f" (did you mean {bad.lower()!r}?)"
            problems.append(
                f"keys.{binding_id}: {_shown(bad)} is not a key name{lower}, so that binding "
                "keeps its keys (key names: ctrl+n, f5, pageup, question_mark)"
            )
        else:
            keymap[binding_id] = keys
    return keymap


def _clashes(keymap: Mapping[str, str], bindings: dict[str, BindingInfo]) -> list[str]:
    """A remapped key another binding of the same widget or screen had: the remap wins."""
    found = []
    for binding_id, keys in keymap.items():
        owner = bindings[binding_id].owner
        for other in bindings.values():
            if other.owner != owner or other.id == binding_id:
                continue
            others = set(_keys(keymap.get(other.id, other.keys)))
            for key in _keys(keys):
                if key in others:
                    found.append(f"keys: {key} now does {binding_id} instead of {other.id}")
    return found


def _keys(keys: str) -> list[str]:
    return _normalize_key_list(keys).split(",")


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
