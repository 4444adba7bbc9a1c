"""``newsdesk store info``: the store's articles, the documents left out of it, its index."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.errors import StoreError
from tui.commands.output import EXIT_OK, fail, print_json, say
from tui.commands.querying import caught_up_session, on_index

if TYPE_CHECKING:
    from store.session import Session
    from tui.commands.output import SubParsers


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    store = commands.add_parser("store", parents=[parent], help="about the store and its index")
    actions = store.add_subparsers(dest="store_action", metavar="ACTION", required=True)
    info = actions.add_parser(
        "info",
        parents=[parent],
        help="articles, documents skipped and why, the search index and sizes",
    )
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(run=run_info)


def run_info(args: argparse.Namespace) -> int:
    try:
        session = caught_up_session(args.db, say_skipped=False)
        info = on_index(session, store_info)
    except StoreError as exc:
        return fail(str(exc))
    if args.json:
        print_json(info)
    else:
        _print_info(info)
    return EXIT_OK


def store_info(session: Session) -> dict[str, Any]:
    """What ``store info`` says, as its JSON."""
    index = session.index
    return {
        "store": str(session.store_path),
        "store_bytes": _size(session.store_path),
        "articles": index.count(),
        "skipped": [
            {"item": reject.item, "kind": reject.kind, "reason": reject.reason}
            for reject in session.rejects
        ],
        "index": None if index.path is None else str(index.path),
        "index_bytes": 0 if index.path is None else _index_size(index.path),
        "index_state": index.note or "in step with the store",
    }


def _print_info(info: dict[str, Any]) -> None:
    say(f"store: {info['store']} ({info['store_bytes']:,} bytes)")
    say(f"articles: {info['articles']:,}")
    say(f"skipped: {len(info['skipped']):,} document(s)")
    for reject in info["skipped"]:
        say(f"- {reject['item']}: {reject['kind']}: {reject['reason']}")
    where = info["index"] or "in memory"
    say(f"index: {where} ({info['index_bytes']:,} bytes): {info['index_state']}")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _index_size(path: Path) -> int:
    """The index file with its write-ahead log."""
    return sum(_size(path.with_name(path.name + tail)) for tail in ("", "-wal", "-shm"))
