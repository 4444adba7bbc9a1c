"""``newsdesk store info``: the store's articles, the documents left out of it, its index."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import StoreError
from tui.commands.output import EXIT_OK, fail, print_json, say
from tui.commands.querying import caught_up_session, on_index

if TYPE_CHECKING:
    from store import Session
    from tui.commands.output import SubParsers


ACTIONS = {
    "info": "articles, documents skipped and why, the search index and sizes",
    "compact": "merge a folder store's small segments, rewrite old documents compactly",
    "convert": "copy a single-file store (--db FILE.json) into a new folder store",
}


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    store = commands.add_parser("store", parents=[parent], help="about the store and its index")
    actions = store.add_subparsers(dest="store_action", metavar="ACTION", required=True)
    runs = {"info": run_info, "compact": run_compact, "convert": run_convert}
    for name, text in ACTIONS.items():
        action = actions.add_parser(name, parents=[parent], help=text)
        action.set_defaults(run=runs[name])
        if name == "convert":
            action.add_argument("target", help="the folder store to make (must not exist)")
        else:
            action.add_argument("--json", action="store_true", help="print one JSON object")


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


def run_compact(args: argparse.Namespace) -> int:
    from store import chosen_store_path, default_store_path
    from store.storage.compaction import compact

    path = chosen_store_path(args.db) or default_store_path()
    try:
        report = compact(path)
    except StoreError as exc:
        return fail(str(exc))
    if args.json:
        print_json(report.to_dict())
        return EXIT_OK
    say(
        f"{report.segments_before:,} segments -> {report.segments_after:,} "
        f"({report.merged:,} rewritten, {report.documents:,} documents written again)"
    )
    if report.words_rebuilt:
        say("search words rebuilt (removed articles' words dropped)")
    return EXIT_OK


def run_convert(args: argparse.Namespace) -> int:
    from store import chosen_store_path
    from store.storage.migration import convert

    source = chosen_store_path(args.db)
    if source is None:
        return fail("store convert: name the single-file store with --db FILE.json")
    target = Path(args.target).expanduser()
    try:
        count = convert(source, target)
    except StoreError as exc:
        return fail(str(exc))
    say(f"{count:,} documents copied into {target}; {source} is left as it was")
    return EXIT_OK


def store_info(session: Session) -> dict[str, Any]:
    """What ``store info`` says, as its JSON."""
    from store import open_backend

    index = session.index
    store = open_backend(session.store_path)
    parts = store.parts()
    return {
        "store": str(session.store_path),
        "format": store.kind,
        "store_bytes": sum(part.size for part in parts),
        "segments": len(parts) if store.kind == "folder" else None,
        "articles": index.count(),
        "skipped": [
            {"item": reject.item, "kind": reject.kind, "reason": reject.reason}
            for reject in session.rejects
        ],
        "index": None if index.path is None else str(index.path),
        "index_bytes": 0 if index.path is None else _index_size(index.path),
        "index_state": index.note or "in step with the store",
        "index_lingering": index.lingering(),
    }


def _print_info(info: dict[str, Any]) -> None:
    segments = "" if info["segments"] is None else f", {info['segments']:,} segments"
    say(f"store: {info['store']} ({info['format']}, {info['store_bytes']:,} bytes{segments})")
    say(f"articles: {info['articles']:,}")
    say(f"skipped: {len(info['skipped']):,} document(s)")
    for reject in info["skipped"]:
        say(f"- {reject['item']}: {reject['kind']}: {reject['reason']}")
    where = info["index"] or "in memory"
    say(f"index: {where} ({info['index_bytes']:,} bytes): {info['index_state']}")
    if info["index_lingering"]:
        say(
            f"index: words of {info['index_lingering']:,} removed article(s) linger "
            "(newsdesk store compact drops them)"
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _index_size(path: Path) -> int:
    """The index file with its write-ahead log."""
    return sum(_size(path.with_name(path.name + tail)) for tail in ("", "-wal", "-shm"))
