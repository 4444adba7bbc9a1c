"""The commands an article can be piped to: ``[pipe_commands]`` in the config, checked here.

Each command is an argv list, run by the app (``tui.screens.pipe_actions``) without a shell,
with the article on its stdin: as text, or as its stored JSON document. Nothing an article
says ever reaches a command line or an environment variable, so an article cannot become a
command, whatever it holds. An entry that cannot be used is left out, one problem each, and
the others still apply (as for every setting).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from store.sanitize import clean_line

PIPE_INPUTS = ("text", "json")
"""How the article reaches the command's stdin: its text, or its stored document as JSON."""
_TABLE_KEYS = ("argv", "input")
_EXPECTED = (
    'a command as a list of strings (["less", "-R"]) or a table '
    '{ argv = [...], input = "text" | "json" }'
)


@dataclass(frozen=True, slots=True)
class PipeCommand:
    """One configured command: its argument vector and the form of the article it reads."""

    argv: tuple[str, ...]
    input: str = "text"


def read_pipe_commands(
    table: Mapping[str, Any],
) -> tuple[dict[str, PipeCommand], list[tuple[str, str]]]:
    """The usable commands of ``[pipe_commands]`` by name, in the file's order, and a
    (dotted key, one-line problem) for each entry left out."""
    commands: dict[str, PipeCommand] = {}
    problems: list[tuple[str, str]] = []
    for raw_name, value in table.items():
        key = f"pipe_commands.{raw_name}"
        name = clean_line(raw_name)
        command, problem = _command(value) if name else (None, "a command needs a name")
        if command is None:
            shown = f"pipe_commands.{name}" if name else "pipe_commands"
            problems.append((key, f"{shown}: {problem}; that command is left out"))
        else:
            commands[name] = command
    return commands, problems


def _command(value: Any) -> tuple[PipeCommand | None, str]:
    """An entry's command, or ``None`` and what is wrong with it."""
    if isinstance(value, list):
        argv, problem = _argv(value)
        return (PipeCommand(argv), "") if argv else (None, problem)
    if not isinstance(value, dict):
        return None, f"must be {_EXPECTED}, not {_shown(value)}"
    unknown = [key for key in value if key not in _TABLE_KEYS]
    if unknown:
        return None, f"unknown key {_shown(unknown[0])}{_guess(unknown[0], _TABLE_KEYS)}"
    if "argv" not in value:
        return None, 'a table needs argv = ["command", "argument", ...]'
    argv, problem = _argv(value["argv"])
    if not argv:
        return None, problem
    form = value.get("input", "text")
    if not isinstance(form, str) or form.strip().lower() not in PIPE_INPUTS:
        guess = _guess(form, PIPE_INPUTS) if isinstance(form, str) else ""
        return None, f'input must be "text" or "json", not {_shown(form)}{guess}'
    return PipeCommand(argv, form.strip().lower()), ""


def _argv(value: Any) -> tuple[tuple[str, ...], str]:
    """A usable argument vector (empty when there is none) and what is wrong with it: every
    item text, the program's name not blank, no NUL byte (no program could be given it)."""
    if not isinstance(value, list) or not all(isinstance(arg, str) for arg in value):
        return (), f"argv must be a list of strings, not {_shown(value)}"
    if not value or not value[0].strip():
        return (), "argv needs the command to run first"
    if any("\x00" in arg for arg in value):
        return (), "argv cannot hold a NUL character"
    return tuple(value), ""


def _shown(value: Any) -> str:
    shown = clean_line(repr(value))
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _guess(value: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
