"""What the commands that take a query (``search``, ``export``) share: the query read from
the command line, its one-line error, ``--limit``, and a store caught up before searching."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from store import IndexDamaged, Query, QueryError, Session, open_session, parse_query
from store.query.nodes import excerpt
from tui.commands.output import LazyProgress, fail, warn

T = TypeVar("T")


def parse_cli_query(text: str) -> Query | int:
    """The query, or the exit status after saying in one line what is wrong with it."""
    try:
        return parse_query(text)
    except QueryError as exc:
        where = f"at character {exc.start + 1} of {excerpt(text, exc.start)!r}"
        return fail(f"bad query: {exc.message} ({where})")


def positive(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return value


def caught_up_session(cli_db: str | None, say_skipped: bool = True) -> Session:
    """The store's session, its index brought in step first (with progress on a terminal);
    documents of the store left out are said in one line on stderr (``say_skipped``)."""
    session = open_session(cli_db)
    if session.needs_catch_up:
        _catch_up(session)
    if say_skipped and (skipped := session.skipped()):
        warn(f"{skipped}; see newsdesk store info")
    return session


def on_index(session: Session, work: Callable[[Session], T]) -> T:
    """``work`` done on the session's index; when it finds the index damaged (started
    afresh), the index is built again from the store and ``work`` done once more."""
    try:
        return work(session)
    except IndexDamaged:
        _catch_up(session)
        return work(session)


def _catch_up(session: Session) -> None:
    with LazyProgress("indexing") as progress:
        session.catch_up(progress.update)
