"""Moving the default store of earlier versions (``articles.json`` with its index, reading
state and readers beside it) into the folder store that is the default now.

The folder is built under a temporary name beside the old file, checked to hold every
document of it, and renamed into place in one step; only then are the old files removed.
A kill before the rename leaves the old store as it was (the half-built folder is removed
on the next try); a kill after it leaves a marker in the folder, and the next open finishes
removing the old files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from store.article import compacted
from store.errors import StoreError
from store.index.schema import remove_index_files
from store.paths import index_path_for, old_default_store_path, reader_state_path, state_path_for
from store.reading import fold_journal
from store.reading.journal import journal_path
from store.storage import Change, unplaced
from store.storage.atomic import dump_tables, holding, lock_for
from store.storage.base import fingerprint, fingerprint_of
from store.storage.file import FileBackend
from store.storage.folder import FolderBackend

MARKER = "migrated-from"
"""A file in a migrated folder naming the old store while its files are still to remove."""
PARTIAL = ".partial"


def migrate_default_store(folder: Path) -> bool:
    """Migrate the old default store into ``folder`` if there is one to migrate; whether a
    migration ran. Raises ``StoreError`` (the old store untouched) when it cannot."""
    old = old_default_store_path()
    if (folder / MARKER).exists():
        _remove_old(old, folder)
    if folder.exists() or not old.exists():
        return False
    migrate(old, folder)
    return True


def convert(source: Path, folder: Path) -> int:
    """Copy the single-file store ``source`` (with its reading state) into a new folder
    store at ``folder``, leaving ``source`` as it was; how many documents were copied."""
    if folder.exists():
        raise StoreError(f"{folder}: already exists; name a folder that does not")
    if folder.suffix.lower() == ".json":
        raise StoreError(f"{folder}: a folder store's name does not end in .json")
    if not source.is_file():
        raise StoreError(f"{source}: not a single-file store")
    return _build(source, folder)


def migrate(old: Path, folder: Path) -> None:
    """Copy the single-file store ``old`` into a new folder store at ``folder`` (which must
    not exist), verify it, put it in place, then remove ``old`` and its files."""
    _build(old, folder, marker=True)
    _remove_old(old, folder)


def _build(old: Path, folder: Path, marker: bool = False) -> int:
    """Build the folder store under a temporary name, verify it, rename it into place;
    how many documents it holds. ``marker``: leave a note that ``old`` is to be removed."""
    partial = folder.with_name(folder.name + PARTIAL)
    with holding(lock_for(old)):
        shutil.rmtree(partial, ignore_errors=True)
        source = FileBackend(old)
        source.check()
        partial.mkdir(parents=True)
        try:
            expected = _copy(source, FolderBackend(partial))
            _copy_state(old, partial)
            _verify(FolderBackend(partial), expected, old)
            if marker:
                (partial / MARKER).write_text(str(old) + "\n", encoding="utf-8")
            os.rename(partial, folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    return expected[0]


Tally = tuple[int, int]
"""How many documents, and the sum of their fingerprints (order does not matter)."""


def _documents(store: FileBackend | FolderBackend) -> Iterator[object]:
    for part in store.parts():
        for _, doc, _, _ in store.part_documents(part):
            yield doc


def _tally(docs: Iterator[object]) -> Tally:
    count = total = 0
    for doc in docs:
        count += 1
        total += _print(doc)
    return count, total % (1 << 128)


def _print(doc: object) -> int:
    """A document's fingerprint as a number (one that is not an object is kept too)."""
    if isinstance(doc, dict):
        return int.from_bytes(fingerprint(doc))
    return int.from_bytes(fingerprint_of(dump_tables(doc)))


def _copy(source: FileBackend, target: FolderBackend) -> Tally:
    """Write every document of ``source`` (valid or not: nothing is lost; entities in the
    compact form of schema 2) and its feeds into ``target``; the tally of what was written."""
    count = total = 0

    def added() -> Iterator[tuple[str, bytes]]:
        nonlocal count, total
        for doc in _documents(source):
            doc = compacted(doc)  # schema 2: entities in the compact form
            count += 1
            total += _print(doc)
            yield "", dump_tables(doc)

    target.write(Change(added=added(), feeds=source.feeds()), unplaced)
    return count, total % (1 << 128)


def _verify(target: FolderBackend, expected: Tally, old: Path) -> None:
    found = _tally(_documents(target))
    if found != expected:
        raise StoreError(
            f"{old}: moving it into a folder store copied {found[0]:,} of {expected[0]:,} "
            "documents wrongly; the old store is kept as it was"
        )


def _copy_state(old: Path, partial: Path) -> None:
    """The reading state (its journal folded in first) and the remote readers' states."""
    state = state_path_for(old)
    if journal_path(state).exists():
        fold_journal(state)
    if state.exists():
        shutil.copy2(state, state_path_for(partial))
    readers = reader_state_path(old, "x").parent
    if readers.is_dir():
        shutil.copytree(readers, reader_state_path(partial, "x").parent)


def _remove_old(old: Path, folder: Path) -> None:
    """Delete the old store's files, then the marker saying they are still to delete."""
    state = state_path_for(old)
    locks = [path.with_name(path.name + ".lock") for path in (old, state)]
    for path in (old, state, journal_path(state), *locks):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    remove_index_files(index_path_for(old))
    shutil.rmtree(reader_state_path(old, "x").parent, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        (folder / MARKER).unlink()
