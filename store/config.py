"""The reader's settings: a TOML file in the platform's config folder.

Every setting has a default, so a missing file is no error. A file that cannot be used
(bad TOML, an unknown setting, a value of the wrong kind) is reported in one line and the
defaults are used instead: a typo in the config never keeps the app from opening.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from store.article import ENTITY_KINDS
from store.paths import APP_NAME

CONFIG_ENV = "NEWSDESK_CONFIG"
CONFIG_FILE = "config.toml"
SORTS = ("date", "source", "relevance")
GROUPS = ("none", "day", "source")


class ConfigError(ValueError):
    """A config file that cannot be used, explained in one line."""


@dataclass(frozen=True)
class Config:
    """What the reader can set; the defaults are what the app does without a file."""

    theme: str = "textual-dark"
    auto_mark_read: bool = True
    """Opening an article (enter, ] and [) marks it read."""
    default_sort: str = "relevance"
    """``relevance``: searches with words best match first, anything else newest first;
    ``date``: always newest first; ``source``: sources A to Z."""
    group_by: str = "none"
    show_read: bool = True
    entity_kinds: tuple[str, ...] = ENTITY_KINDS
    """Entity kinds highlighted in the reading pane."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Key remaps: binding id -> keys, e.g. ``{"list.down": "j,down,ctrl+n"}``."""


def config_path() -> Path:
    """``NEWSDESK_CONFIG`` if set, else ``config.toml`` in the platform's config folder."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_FILE


def load_config(path: Path | None = None) -> tuple[Config, str | None]:
    """The settings at ``path`` (default: ``config_path()``) and a one-line warning, or the
    defaults and the reason the file could not be used."""
    path = path or config_path()
    try:
        return parse_config(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return Config(), None
    except (OSError, UnicodeDecodeError) as exc:
        return Config(), f"{path}: cannot read the config ({exc}); using the defaults"
    except ConfigError as exc:
        return Config(), f"{path}: {exc}; using the defaults"


def parse_config(text: str) -> Config:
    """Settings from TOML text; raises ``ConfigError``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc})") from None
    return _from_table(data)


def _from_table(data: Mapping[str, Any]) -> Config:
    known = {name for name in Config.__dataclass_fields__}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r}")
    values: dict[str, Any] = {}
    for name in ("theme",):
        if name in data:
            values[name] = _typed(data, name, str)
    for name in ("auto_mark_read", "show_read"):
        if name in data:
            values[name] = _typed(data, name, bool)
    if "default_sort" in data:
        values["default_sort"] = _choice(data, "default_sort", SORTS)
    if "group_by" in data:
        values["group_by"] = _choice(data, "group_by", GROUPS)
    if "entity_kinds" in data:
        values["entity_kinds"] = _kinds(data["entity_kinds"])
    if "keys" in data:
        values["keys"] = _keys(data["keys"])
    return Config(**values)


def _typed(data: Mapping[str, Any], name: str, kind: type) -> Any:
    value = data[name]
    if not isinstance(value, kind):
        raise ConfigError(f"{name} must be {'true or false' if kind is bool else 'text'}")
    return value


def _choice(data: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = data[name]
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}")
    return str(value)


def _kinds(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(kind in ENTITY_KINDS for kind in value):
        raise ConfigError(f"entity_kinds must be a list of: {', '.join(ENTITY_KINDS)}")
    return tuple(value)


def _keys(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        raise ConfigError('keys must be a table of binding id = "key,key"')
    return dict(value)
