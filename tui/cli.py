"""The ``newsdesk`` console script."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from store.errors import StoreError
from store.paths import DB_ENV
from store.session import open_session
from tui import __version__

EXIT_OK = 0
EXIT_UNUSABLE = 2


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_UNUSABLE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsdesk",
        description="Browse news in the terminal: list, read, search, with entities highlighted.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"TinyDB JSON store to open (default: ${DB_ENV}, else your data folder's store)",
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        store, state = open_session(args.db)
    except StoreError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    from tui.app import NewsdeskApp

    NewsdeskApp(store, state).run()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
