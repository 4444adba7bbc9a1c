"""The ``newsdesk`` console script: the app, and headless subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from store import DB_ENV, StoreError, open_session
from store.query.nodes import excerpt
from tui import __version__
from tui.commands import (
    config,
    entities,
    export,
    extract,
    feeds,
    ingest,
    rules,
    search,
    serve,
    store,
)
from tui.commands.output import EXIT_OK, EXIT_UNUSABLE, fail

ERROR_CHARS = 300
"""The longest usage error said (past it, the arguments it quotes are cut)."""
_LITERAL = "\0"
"""Marks a word given after ``--`` while the options are parsed (no argument holds it)."""


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, exit status 2.

    ``free_text`` names the positional of a command that takes a query: its words may
    start with "-" (``-is:read``, ``-hamas``), may come before, between and after the
    options, and every word after ``--`` is one of them. Only a real option is an
    option there (``--limit``, ``--lim``, ``-h``); an unknown ``--word`` stays an error."""

    def __init__(self, *args: Any, free_text: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.free_text = free_text
        self._inside = False

    def error(self, message: str) -> NoReturn:
        shown = excerpt(message, width=ERROR_CHARS)  # it may quote an argument 100 KB long
        self.exit(EXIT_UNUSABLE, f"{self.prog}: {shown} (see {self.prog} --help)\n")

    def _parse_optional(self, arg_string: str) -> Any:
        dash_word = arg_string.startswith("-") and not arg_string.startswith("--")
        if self.free_text and dash_word and arg_string not in self._option_string_actions:
            return None  # a word of the query
        return super()._parse_optional(arg_string)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self.free_text is None or self._inside:
            return super().parse_known_args(args, namespace)
        given = list(sys.argv[1:] if args is None else args)
        cut = given.index("--") if "--" in given else len(given)
        literal = given[cut + 1 :]
        marked = [*given[:cut], *(f"{_LITERAL}{n}" for n in range(len(literal)))]
        self._inside = True  # the intermixed parse calls this method again
        try:
            parsed, extras = self.parse_known_intermixed_args(marked, namespace)
        finally:
            self._inside = False
        words = getattr(parsed, self.free_text, None) or []
        setattr(parsed, self.free_text, [_unmarked(word, literal) for word in words])
        return parsed, extras


def _unmarked(word: str, literal: list[str]) -> str:
    return literal[int(word[1:])] if word.startswith(_LITERAL) else word


def _store_option() -> argparse.ArgumentParser:
    """``--db`` accepted before or after any subcommand."""
    parent = _Parser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"TinyDB JSON store to use (default: ${DB_ENV}, else your data folder's store)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    parent = _store_option()
    parser = _Parser(
        prog="newsdesk",
        parents=[parent],
        description="Browse news in the terminal: list, read, search, with entities highlighted. "
        "Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    parser.add_argument(
        "--state",
        metavar="PATH",
        type=Path,
        help="reading-state file to use (default: beside the store)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="change nothing but the reading state: no fetching, no export (what serve runs)",
    )
    # Not set_defaults(db=None): the --db action is shared with every subcommand, so that
    # would reset a --db given before the subcommand.
    parser.set_defaults(run=run_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    ingest.add_parser(commands, parent)
    feeds.add_parsers(commands, parent)
    entities.add_parser(commands, parent)
    extract.add_parser(commands, parent)
    search.add_parser(commands, parent)
    rules.add_parser(commands, parent)
    export.add_parser(commands, parent)
    config.add_parser(commands, parent)
    store.add_parser(commands, parent)
    serve.add_parser(commands, parent)
    return parser


def run_app(args: argparse.Namespace) -> int:
    try:
        session = open_session(args.db, args.state, args.read_only)
    except StoreError as exc:
        return fail(str(exc))
    from tui.app import NewsdeskApp
    from tui.signals import default_signals

    default_signals()  # ends with its terminal even when started under nohup
    NewsdeskApp(session).run()
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        hint = search.quoting_hint(args)
        parser.error(f"unrecognized arguments: {excerpt(' '.join(unknown))}{hint}")
    args.db = getattr(args, "db", None)
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (newsdesk config keys | head): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return status


if __name__ == "__main__":
    sys.exit(main())
