"""``newsdesk import``: read files and folders of any supported format into the store."""

from __future__ import annotations

import argparse
import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from store import StoreError, resolve_store
from store.entities import BACKENDS, DEFAULT_BACKEND
from tui.commands.output import (
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_UNUSABLE,
    LazyProgress,
    fail,
    print_json,
    say,
    warn,
)

if TYPE_CHECKING:
    from store import ImportSummary
    from tui.commands.output import SubParsers


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "import",
        parents=[parent],
        help="import files or folders (seed, JSON, JSON Lines, RSS, Atom, JSON Feed, OPML, text)",
        description="Import articles; the format is detected from each file's content. "
        "Importing the same article again changes nothing; a changed article is updated.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument(
        "--entities",
        choices=BACKENDS,
        default=DEFAULT_BACKEND,
        help="entity extractor for articles that arrive without entities (default: builtin; "
        "spacy needs pip install 'newsdesk[spacy]' and an English pipeline)",
    )
    parser.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    # Imported here so that opening the app does not load the readers' libraries.
    from store import import_batches, read_batches
    from store.entities import get_backend
    from tui.commands.rules import arrival_rules

    try:
        get_backend(args.entities)  # an unusable backend fails before anything is read
        store_path = resolve_store(args.db)
        with _no_cycle_collection(), _MegabytesRead(enabled=not args.json) as progress:
            batches = read_batches(args.paths, progress=progress.update)
            rules = arrival_rules()
            summary = import_batches(store_path, batches, entities=args.entities, rules=rules)
    except StoreError as exc:
        return fail(str(exc))
    _report(summary, args.json)
    if summary.rejected and not summary.usable:
        return EXIT_UNUSABLE
    return EXIT_PARTIAL if summary.rejected else EXIT_OK


class _MegabytesRead(LazyProgress):
    """The import's progress: megabytes of the input read (an import takes its input a
    batch at a time, so reading is importing)."""

    def __init__(self, enabled: bool) -> None:
        super().__init__("Importing (MB read)", enabled=enabled)

    def update(self, done: int, total: int) -> None:
        super().update(done // MEGABYTE, -(-total // MEGABYTE))


MEGABYTE = 1024 * 1024


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector kept off: an import makes millions of objects (each
    article's entities), and every full collection walks them all: 3% of the time of an
    import of 100,000 articles. Any cycles left are collected once it is on again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _report(summary: ImportSummary, as_json: bool) -> None:
    from tui.commands.rules import rules_note

    if summary.state_error:
        warn(f"what the rules set was not saved: {summary.state_error}")
    if as_json:
        print_json(summary.to_dict())
        return
    say(
        f"{summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{summary.duplicates} duplicate(s), {len(summary.rejected)} rejected"
        + (f", {summary.feeds_added} feed(s) subscribed" if summary.feeds_added else "")
        + rules_note(summary)
    )
    for reject in summary.rejected:
        say(f"  rejected: {reject}")
