"""What the commands that take a query (``search``, ``export``) share: the query read from
the command line, its one-line error, ``--limit``, and a store caught up before searching."""

from __future__ import annotations

import argparse

from store.query import Query, QueryError, parse_query
from store.session import Session, open_session
from tui.commands.output import LazyProgress, fail


def parse_cli_query(text: str) -> Query | int:
    """The query, or the exit status after saying in one line what is wrong with it."""
    try:
        return parse_query(text)
    except QueryError as exc:
        return fail(f"bad query: {exc.message} (at character {exc.start + 1} of {text!r})")


def positive(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return value


def caught_up_session(cli_db: str | None) -> Session:
    """The store's session, its index brought in step first (with progress on a terminal)."""
    session = open_session(cli_db)
    if session.needs_catch_up:
        with LazyProgress("indexing") as progress:
            session.catch_up(progress.update)
    return session
