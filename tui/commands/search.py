"""``newsdesk search QUERY``: the search pane's query language, headless.

Results come in the order the app shows them (relevance for free text, else newest first,
or as ``sort:`` asks); ``--json`` prints them as one JSON array for scripts.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from store import StoreError, clean_line
from tui.commands.output import EXIT_OK, fail, print_json
from tui.commands.querying import caught_up_session, on_index, parse_cli_query, positive

if TYPE_CHECKING:
    from store import Query, Session
    from tui.commands.output import SubParsers

JSON_FIELDS = ("id", "title", "source", "published", "url")

_EPILOG = """\
The query language is the search pane's: words (all must match), "phrases", -word, OR,
(groups), title: source: author: tag: entity: person: org: place: is:unread|read|starred
after: before: on: date: (YYYY, YYYY-MM, YYYY-MM-DD, today, yesterday, 7d, 2w, 3m, 1y)
sort:date|relevance|source. Quote the whole query for your shell:

  newsdesk search 'person:"israel katz" after:2025-01 -is:read'

exit status: 0 done (also when nothing matches); 2 malformed query or unusable store
(one line on stderr, nothing on stdout)."""


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "search",
        parents=[parent],
        free_text="query",
        help="print the articles a query matches",
        description="Search the store with the query language of the search pane and print\n"
        "the matching articles (date, source, title), best first.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("query", nargs="+", metavar="QUERY", help="the query (words join up)")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print a JSON array of {"id", "title", "source", "published", "url"}',
    )
    parser.add_argument(
        "--limit", type=positive, metavar="N", help="print at most N articles (default: all)"
    )
    parser.set_defaults(run=run_search)


def quoting_hint(args: argparse.Namespace) -> str:
    """For an unknown ``--word`` given to a command that takes a query (``search``,
    ``export``), which may have been meant as a word of it."""
    return " (a query after -- is read as it is)" if hasattr(args, "query") else ""


def run_search(args: argparse.Namespace) -> int:
    query = parse_cli_query(" ".join(args.query))
    if isinstance(query, int):
        return query
    try:
        session = caught_up_session(args.db)
        found, matched, total = on_index(session, lambda s: results(s, query, args.limit))
    except StoreError as exc:
        return fail(str(exc))
    if args.json:
        print_json([{name: doc.get(name, "") for name in JSON_FIELDS} for doc in found])
    else:
        _print_rows(found, matched, total)
    return EXIT_OK


def results(
    session: Session, query: Query, limit: int | None
) -> tuple[list[dict[str, Any]], int, int]:
    """(documents to print, how many match, how many articles there are)."""
    rowids = session.index.search(query)
    shown = rowids if limit is None else rowids[:limit]
    return session.index.documents(shown), len(rowids), session.total()


def print_row(doc: dict[str, Any]) -> None:
    """One article as a line: date, source, title."""
    date = str(doc.get("published", ""))[:10] or "-" * 10
    print(f"{date}  {clean_line(str(doc.get('source', '')))}  {clean_line(str(doc['title']))}")


def _print_rows(documents: list[dict[str, Any]], matched: int, total: int) -> None:
    for doc in documents:
        print_row(doc)
    if sys.stderr.isatty():
        more = f", {len(documents)} shown" if len(documents) < matched else ""
        print(f"{matched} of {total} articles match{more}", file=sys.stderr)
