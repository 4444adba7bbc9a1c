"""The ``newsdesk`` console script: the app, and headless subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from store.errors import StoreError
from store.paths import DB_ENV
from store.session import open_session
from tui import __version__
from tui.commands import config, entities, export, feeds, ingest, search, serve
from tui.commands.output import EXIT_OK, EXIT_UNUSABLE, fail


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_UNUSABLE, f"{self.prog}: {message} (see {self.prog} --help)\n")


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
    search.add_parser(commands, parent)
    export.add_parser(commands, parent)
    config.add_parser(commands, parent)
    serve.add_parser(commands, parent)
    return parser


def run_app(args: argparse.Namespace) -> int:
    try:
        session = open_session(args.db, args.state, args.read_only)
    except StoreError as exc:
        return fail(str(exc))
    from tui.app import NewsdeskApp

    NewsdeskApp(session).run()
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        hint = search.quoting_hint(args, unknown)
        parser.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
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
