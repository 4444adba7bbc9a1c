"""``newsdesk export QUERY --format md|json|jsonl|opml``: the articles a query matches, to
read (Markdown), to re-import (JSON, JSON Lines) or the feeds they came from (OPML)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from store import StoreError
from store.export import (
    FORMATS,
    check_not_store_file,
    export_documents,
    feeds_of,
    write_atomically,
)
from tui.commands.output import EXIT_OK, fail, say
from tui.commands.querying import caught_up_session, on_index, parse_cli_query, positive

if TYPE_CHECKING:
    from store import Exported, Query, Session
    from tui.commands.output import SubParsers

_EPILOG = """\
formats:
  md     a Markdown document to read: title (linked), source · author · date, tags, text
  json   a JSON array of the stored documents (entities included): newsdesk import FILE
         reads it back to the same articles
  jsonl  the same, one document per line
  opml   the subscriptions the matching articles came from (a feed whose title is an
         article's source, or whose host is an article link's host); with no query, every
         subscription

The query language is the search pane's (see newsdesk search --help); no query exports
every article. Quote the query for your shell:

  newsdesk export 'place:gaza after:2025-02' --format md --output gaza.md

exit status: 0 done (also when nothing matches); 2 malformed query, unusable store or an
output file that cannot be written (one line on stderr; the file is written whole or not
at all)."""


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "export",
        parents=[parent],
        free_text="query",
        help="export the articles a query matches (md, json, jsonl, opml)",
        description="Export the articles a query matches, in the order search shows them.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("query", nargs="*", metavar="QUERY", help="the query (words join up)")
    parser.add_argument("--format", choices=FORMATS, default="md", help="output format (md)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--limit", type=positive, metavar="N", help="export at most N articles (default: all)"
    )
    parser.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    query = parse_cli_query(text)
    if isinstance(query, int):
        return query
    try:
        session = caught_up_session(args.db)
        exported = on_index(
            session, lambda s: export_query(s, query, args.format, args.limit, not text)
        )
        if args.output is None:
            sys.stdout.write(exported.text)
            return EXIT_OK
        target = Path(args.output).expanduser()
        check_not_store_file(target, session.store_path)
        write_atomically(target, exported.text)
    except StoreError as exc:
        return fail(str(exc))
    what = "feed(s)" if args.format == "opml" else "article(s)"
    say(f"{exported.count} {what} exported to {args.output}")
    return EXIT_OK


def export_query(
    session: Session, query: Query, fmt: str, limit: int | None = None, everything: bool = False
) -> Exported:
    """The articles ``query`` matches, exported; OPML with ``everything`` lists every
    subscription, not only those of the articles."""
    from store import list_feeds

    rowids = session.index.search(query)
    if limit is not None:
        rowids = rowids[:limit]
    documents = session.index.documents(rowids)
    feeds = list_feeds(session.store_path) if fmt == "opml" else []
    if fmt == "opml" and not everything:
        feeds = feeds_of(documents, feeds)
    return export_documents(documents, fmt, feeds)
