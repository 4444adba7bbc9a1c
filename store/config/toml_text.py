"""Settings written out as TOML: what ``newsdesk config show`` prints and ``config init`` writes.

Every value is a string, a boolean, a list of strings or a table of strings, so a few lines of
code write it; what they write reads back (``check_config``) to the same settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from store.article import ENTITY_KINDS
from store.config.pipes import PipeCommand
from store.config.settings import GROUPS, SETTINGS, SORTS, Config

NOTES = {
    "theme": "Textual theme (newsdesk config themes lists them)",
    "auto_mark_read": "opening an article (enter, ] and [) marks it read",
    "default_sort": f"order of the list when the query has no sort: ({' | '.join(SORTS)})",
    "group_by": f"headers in the list: ({' | '.join(GROUPS)})",
    "show_read": "show articles already read (false: only unread ones)",
    "preview": "the article beside the list on a wide terminal: true, false, auto (not over SSH)",
    "entity_kinds": f"entity kinds highlighted while reading: {', '.join(ENTITY_KINDS)}",
    "auto_fetch": 'fetch the feeds that are due this often while the app runs ("15m"; "" off)',
    "keys": "key remaps by binding id (newsdesk config keys lists them)",
    "pipe_commands": "commands | pipes an article to: name = argv list, or { argv, input = json }",
    "rules": "rules on arrival: query, action (ignore, read, star, tag:NAME, notify), feed",
    "notify": "what a background fetch notifies: rules (notify rules' matches), new, off",
    "notify_command": "argv run for each notification, the count and titles appended",
}
"""One line per setting, written above it."""

KEYS_EXAMPLE = ('"list.down" = "j,down,ctrl+n"', '"main.toggle_star" = ["s", "f"]')
PIPE_EXAMPLE = (
    'pager = ["less", "-R"]',
    'summary = { argv = ["llm", "summarise"], input = "json" }',
)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def render_config(config: Config, header: Iterable[str] = (), commented: bool = False) -> str:
    """``config`` as a TOML document under ``header`` comment lines; with ``commented``, every
    setting is a comment (a file that documents the defaults without pinning them)."""
    lead = "# " if commented else ""
    lines = [f"# {line}".rstrip() for line in header]
    if lines:
        lines.append("")
    for name in SETTINGS:
        if name in ("keys", "pipe_commands", "rules"):  # tables: after every plain setting
            continue
        lines.append(f"# {NOTES.get(name, name)}")
        value = getattr(config, name)
        if name == "notify_command" and not value:
            lines.append(f'# {name} = ["notify-send", "newsdesk"]')
        else:
            lines.append(f"{lead}{name} = {_value(value)}")
        lines.append("")
    lines.append(f"# {NOTES['keys']}")
    lines.append(f"{lead}[keys]")
    remaps = [f"{_key(bid)} = {_value(keys)}" for bid, keys in config.keys.items()]
    if commented or not remaps:
        remaps = [f"# {example}" for example in KEYS_EXAMPLE] + remaps
    lines.extend(remaps)
    lines += ["", f"# {NOTES['pipe_commands']}", f"{lead}[pipe_commands]"]
    lines.extend(_pipe_lines(config.pipe_commands, lead))
    lines += ["", f"# {NOTES['rules']}"]
    lines.extend(_rule_lines(config, lead))
    return "\n".join(lines) + "\n"


def _rule_lines(config: Config, lead: str) -> list[str]:
    if not config.rules:
        return ["# [[rules]]", "# query = 'title:sponsored'", '# action = "ignore"']
    lines = []
    for rule in config.rules:
        lines += [f"{lead}[[rules]]", f"{lead}query = {_string(rule.query_text)}"]
        lines.append(f"{lead}action = {_string(rule.action)}")
        if rule.feed:
            lines.append(f"{lead}feed = {_string(rule.feed)}")
    return lines


def _pipe_lines(commands: Mapping[str, PipeCommand], lead: str) -> list[str]:
    """``[pipe_commands]`` entries: an argv list for text input, an inline table for JSON."""
    lines = [f"{lead}{_key(name)} = {_command(command)}" for name, command in commands.items()]
    if lead or not lines:
        lines = [f"# {example}" for example in PIPE_EXAMPLE] + lines
    return lines


def _command(command: PipeCommand) -> str:
    argv = _value(command.argv)
    if command.input == "text":
        return argv
    return f"{{ argv = {argv}, input = {_string(command.input)} }}"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int | float):
        return repr(value)
    return "[" + ", ".join(_string(str(item)) for item in value) + "]"


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (``\\uXXXX`` for control characters)."""
    return json.dumps(text, ensure_ascii=False)


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)
