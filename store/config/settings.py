"""The reader's settings: a TOML file in the platform's config folder.

Every setting has a default, so a missing file is no error. A file that cannot be used is
reported, never fatal: a file that is not TOML (or cannot be read) leaves every setting at its
default; an unknown setting is ignored; a setting with a value of the wrong kind keeps its
default while the others still apply. Each problem is one line naming the setting and, where it
can be found, the line of the file: a typo in the config never keeps the app from opening.

Theme names and key-binding ids are checked by the app (``tui/``), which knows them.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from store.article import ENTITY_KINDS
from store.config.pipes import PipeCommand, read_pipe_commands
from store.ingest.rules import Rule, rules_from_config
from store.paths import APP_NAME
from store.sanitize import clean_line
from store.storage.atomic import open_regular

CONFIG_ENV = "NEWSDESK_CONFIG"
CONFIG_FILE = "config.toml"
SORTS = ("date", "source", "relevance")
NOTIFY = ("rules", "new", "off")
GROUPS = ("none", "day", "source")
KIND_ALIASES = {
    "organisation": "org",
    "organization": "org",
    "other": "misc",
    "people": "person",
}
"""The legend's words for kinds, accepted in ``entity_kinds`` too."""


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
    preview: bool | str = "auto"
    """On a wide terminal, the article under the cursor shows beside the list (``true``);
    without it (``false``) the list takes the whole width and enter opens the article, so a
    cursor move redraws two rows instead of the preview; ``auto``: on, except over SSH."""
    entity_kinds: tuple[str, ...] = ENTITY_KINDS
    """Entity kinds highlighted in the reading pane."""
    auto_fetch: str = ""
    """Fetch the feeds that are due this often while the app runs (``15m``); "" is off."""
    rules: tuple[Rule, ...] = ()
    """Rules on arrival (``[[rules]]`` tables: query, action, feed), those that parse."""
    notify: str = "rules"
    """What a background fetch tells the terminal about: articles a ``notify`` rule matched
    (``rules``), every new article (``new``), or nothing (``off``)."""
    notify_command: tuple[str, ...] = ()
    """A command (argv list) run for each notification, the count and titles as arguments."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Key remaps: binding id -> keys, e.g. ``{"list.down": "j,down,ctrl+n"}``."""
    pipe_commands: Mapping[str, PipeCommand] = field(default_factory=dict)
    """Commands an article can be piped to, by name (``[pipe_commands] pager = ["less"]``)."""


SETTINGS = tuple(f.name for f in fields(Config))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, and what was done about it."""

    text: str
    line: int | None = None

    def where(self) -> str:
        return f"line {self.line}: {self.text}" if self.line else self.text


@dataclass(frozen=True)
class ConfigReport:
    """The settings read from one file, whether it was there, and what was wrong with it."""

    config: Config
    path: Path
    found: bool
    problems: tuple[Problem, ...] = ()

    def lines(self) -> list[str]:
        """Every problem, one line each, naming the file."""
        return [problem_line(self.path, problem) for problem in self.problems]

    def warning(self) -> str | None:
        """One line for the app: the first problem and how many more there are."""
        if not self.problems:
            return None
        return summary(problem_line(self.path, self.problems[0]), len(self.problems) - 1)


_MORE = re.compile(r" \(and (\d+) more: newsdesk config show\)$")


def summary(first: str, more: int) -> str:
    """One line: the first problem, and how many more ``newsdesk config show`` lists."""
    return first + (f" (and {more} more: newsdesk config show)" if more else "")


def with_more(warning: str, extra: int) -> str:
    """A one-line ``warning`` from ``summary`` counting ``extra`` problems more."""
    match = _MORE.search(warning)
    first = warning[: match.start()] if match else warning
    return summary(first, (int(match[1]) if match else 0) + extra)


def problem_line(path: Path, problem: Problem) -> str:
    where = f" line {problem.line}" if problem.line else ""
    return f"config {path}{where}: {problem.text}"


def config_path() -> Path:
    """``NEWSDESK_CONFIG`` if set, else ``config.toml`` in the platform's config folder."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_FILE


def load_config(path: Path | None = None) -> tuple[Config, str | None]:
    """The settings at ``path`` (default: ``config_path()``) and a one-line warning when the
    file could not be used in full; never raises."""
    report = read_config(path)
    return report.config, report.warning()


def read_config(path: Path | None = None) -> ConfigReport:
    """The settings at ``path`` (default: ``config_path()``) with every problem; never raises."""
    path = path or config_path()
    try:
        with open_regular(path) as file:
            text = file.read().decode("utf-8")
    except FileNotFoundError:
        return ConfigReport(Config(), path, found=False)
    except UnicodeDecodeError:
        return _unusable(path, "not UTF-8 text; every setting is at its default")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return _unusable(path, f"cannot be read ({reason}); every setting is at its default")
    config, problems = check_config(text)
    return ConfigReport(config, path, True, tuple(problems))


def _unusable(path: Path, text: str) -> ConfigReport:
    return ConfigReport(Config(), path, True, (Problem(text),))


def parse_config(text: str) -> Config:
    """Settings from TOML text, strictly: raises ``ConfigError`` at the first problem."""
    config, problems = check_config(text)
    if problems:
        raise ConfigError(problems[0].where())
    return config


def check_config(text: str) -> tuple[Config, list[Problem]]:
    """Settings from TOML text, each unusable one at its default, and what was wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Config(), [_syntax_problem(str(exc), text)]
    reader = _Reader(text)
    return reader.config(data), reader.problems


_POSITION = re.compile(
    r"^(?P<what>.*) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)


def _syntax_problem(message: str, text: str) -> Problem:
    """tomllib says where in its message: "... (at line 3, column 5)"."""
    match = _POSITION.match(message)
    if match is None:
        return Problem(f"not valid TOML ({message}); every setting is at its default")
    what = match["what"][:1].lower() + match["what"][1:]
    line = int(match["line"]) if match["line"] else max(1, len(text.rstrip().splitlines()))
    column = f"column {match['col']}, " if match["col"] else "at the end, "
    return Problem(f"not valid TOML ({column}{what}); every setting is at its default", line)


class _Reader:
    """Reads settings one by one, collecting a problem for each one it cannot use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []

    def problem(self, key: str, text: str) -> None:
        self.problems.append(Problem(text, _line_of(self.text, key)))

    def config(self, data: Mapping[str, Any]) -> Config:
        for name in data:
            if name not in SETTINGS:
                self.problem(
                    name, f"unknown setting {_shown(name)}{_guess(name, SETTINGS)}, ignored"
                )
        readers: dict[str, Callable[[Any], Any]] = {
            "theme": self._theme,
            "auto_mark_read": lambda value: self._bool("auto_mark_read", value),
            "show_read": lambda value: self._bool("show_read", value),
            "preview": self._preview,
            "default_sort": lambda value: self._choice("default_sort", value, SORTS),
            "group_by": lambda value: self._choice("group_by", value, GROUPS),
            "entity_kinds": self._kinds,
            "auto_fetch": self._duration,
            "rules": self._rules,
            "notify": lambda value: self._choice("notify", value, NOTIFY),
            "notify_command": self._argv,
            "keys": self._keys,
            "pipe_commands": self._pipe_commands,
        }
        values: dict[str, Any] = {}
        for name in SETTINGS:
            if name in data:
                read = readers.get(name)
                value = read(data[name]) if read else self._like_default(name, data[name])
                if value is not None:
                    values[name] = value
        return Config(**values)

    def _like_default(self, name: str, value: Any) -> Any:
        """A setting without a reader of its own: a value of its default's kind."""
        default = getattr(Config(), name)
        if isinstance(default, bool):
            return self._bool(name, value)
        if isinstance(default, tuple) and isinstance(value, list):
            return tuple(value)
        if isinstance(value, type(default)) and not isinstance(value, bool):
            return value
        kinds = {int: "a whole number", float: "a number", str: "text", tuple: "a list"}
        self._wrong(name, kinds.get(type(default), type(default).__name__), value)
        return None

    def _default(self, name: str) -> str:
        value = getattr(Config(), name)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            return "all kinds"
        if isinstance(value, Mapping):
            return "no remaps"
        if name == "notify_command":
            return "none"
        return "off" if value == "" else repr(value)

    def _wrong(self, name: str, expected: str, value: Any) -> None:
        self.problem(
            name, f"{name} must be {expected}, not {_shown(value)}; using {self._default(name)}"
        )

    def _theme(self, value: Any) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self._wrong("theme", "a theme name", value)
        return None

    def _bool(self, name: str, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        self._wrong(name, "true or false", value)
        return None

    def _choice(self, name: str, value: Any, choices: tuple[str, ...]) -> str | None:
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        guess = _guess(value, choices) if isinstance(value, str) else ""
        self.problem(
            name,
            f"{name} must be one of {', '.join(choices)}, not {_shown(value)}{guess}; "
            f"using {self._default(name)}",
        )
        return None

    def _duration(self, value: Any) -> str | None:
        from store.ingest.schedule import parse_duration

        if isinstance(value, str) and value.strip().lower() in ("", "off", "false", "no"):
            return ""
        if isinstance(value, str):
            try:
                parse_duration(value)
                return value.strip().lower()
            except ValueError:
                pass
        self._wrong("auto_fetch", 'a duration such as "15m" or "1h", or "off"', value)
        return None

    def _rules(self, value: Any) -> tuple[Rule, ...] | None:
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self._wrong("rules", "[[rules]] tables (query = '...', action = '...')", value)
            return None
        rules, problems = rules_from_config(value)
        lines = _lines_of_tables(self.text, "rules")
        for problem in problems:
            number = int(problem.split(" ", 2)[1].rstrip(":"))
            line = lines[number - 1] if number <= len(lines) else None
            self.problems.append(Problem(problem, line))
        return tuple(rules)

    def _argv(self, value: Any) -> tuple[str, ...] | None:
        if isinstance(value, list) and value and all(isinstance(a, str) and a for a in value):
            return tuple(value)
        self._wrong("notify_command", 'an argv list (["notify-send", "newsdesk"])', value)
        return None

    def _preview(self, value: Any) -> bool | str | None:
        return value if isinstance(value, bool) else self._choice("preview", value, ("auto",))

    def _kinds(self, value: Any) -> tuple[str, ...] | None:
        expected = f"a list of entity kinds ({', '.join(ENTITY_KINDS)})"
        if not isinstance(value, list) or not all(isinstance(kind, str) for kind in value):
            self._wrong("entity_kinds", expected, value)
            return None
        kinds = [_kind(kind) for kind in value]
        unknown = [
            given for given, kind in zip(value, kinds, strict=True) if kind not in ENTITY_KINDS
        ]
        if unknown:
            guess = _guess(unknown[0], ENTITY_KINDS)
            self.problem(
                "entity_kinds",
                f"entity_kinds: unknown kind {_shown(unknown[0])}{guess} (kinds: "
                f"{', '.join(ENTITY_KINDS)}); using all kinds",
            )
            return None
        return tuple(kind for kind in ENTITY_KINDS if kind in kinds)

    def _pipe_commands(self, value: Any) -> dict[str, PipeCommand] | None:
        if not isinstance(value, dict):
            self.problem(
                "pipe_commands",
                "pipe_commands must be a table of name = command "
                f'([pipe_commands] pager = ["less", "-R"]), not {_shown(value)}; no commands',
            )
            return None
        commands, problems = read_pipe_commands(value)
        for key, text in problems:
            self.problem(key, text)
        return commands

    def _keys(self, value: Any) -> dict[str, str] | None:
        if not isinstance(value, dict):
            self._wrong(
                "keys", 'a table of binding id = "keys" ([keys] list.down = "j,ctrl+n")', value
            )
            return None
        remaps: dict[str, str] = {}
        for binding_id, keys in _flatten(value):
            text = _key_text(keys)
            if text is None:
                self.problem(
                    binding_id,
                    f'keys.{binding_id} must be keys like "ctrl+n" or ["j", "ctrl+n"], '
                    f"not {_shown(keys)}; that binding keeps its keys",
                )
            else:
                remaps[binding_id] = text
        return remaps


def _kind(name: str) -> str:
    """A kind, from its name, the legend's word for it or a plural ("places")."""
    name = name.strip().lower()
    name = KIND_ALIASES.get(name, name)
    if name not in ENTITY_KINDS and name.endswith("s"):
        return KIND_ALIASES.get(name[:-1], name[:-1])
    return name


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``list.down = "x"`` in ``[keys]`` is a nested table in TOML; the id is the dotted path."""
    flat: list[tuple[str, Any]] = []
    for name, value in table.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.extend(_flatten(value, f"{dotted}."))
        else:
            flat.append((dotted, value))
    return flat


def _key_text(keys: Any) -> str | None:
    """``"j, ctrl+n"`` or ``["j", "ctrl+n"]`` as Textual's ``"j,ctrl+n"``; ``None`` if unusable."""
    if isinstance(keys, str):
        parts = keys.split(",")
    elif isinstance(keys, list) and all(isinstance(key, str) for key in keys):
        parts = keys
    else:
        return None
    cleaned = [part.strip() for part in parts]
    if not cleaned or any(not part or " " in part for part in cleaned):
        return None
    return ",".join(cleaned)


def _line_of(text: str, key: str) -> int | None:
    """The line a setting is on, found by its name (tomllib keeps no positions)."""
    last = re.escape(key.rsplit(".", 1)[-1])
    whole = re.escape(key)
    pattern = re.compile(
        rf"""^\s*(?:\[\s*)?(?:["']?(?:keys\.)?{whole}["']?|["']?{last}["']?)\s*(?:=|\])"""
    )
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _lines_of_tables(text: str, name: str) -> list[int]:
    """The line of each ``[[name]]`` header, in order."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), 1) if header.match(line)]


def _shown(value: Any) -> str:
    shown = clean_line(repr(value))
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _guess(value: Any, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(str(value).lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
