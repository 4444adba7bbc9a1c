"""Changing a JSON file often (the reading state, on every keystroke) without re-reading it.

``updating`` keeps the tables this process last read or wrote, with the identity of the
file they came from, and re-reads the file only when another process has replaced it since.
The file is still written whole and atomically (``write_atomically``) under its lock, so
readers and other writers see exactly what they did before; only the parse before each
change, and most of the encoding, are saved.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from store.errors import StoreError
from store.storage.atomic import (
    Tables,
    dump_tables,
    holding,
    lock_for,
    open_regular_fd,
    parse_tables,
    remove_leftovers,
    write_or_explain,
)

Signature = tuple[int, int, int, int]


@dataclass
class KeyIndex:
    """Where each document of a table is, by the value of one of its fields, and the id the
    next new document gets (TinyDB's: one more than the largest)."""

    ids: dict[object, str]
    next_id: int


@dataclass
class Snapshot:
    """The tables of a file as this process last read or wrote them.

    ``fd`` stays open on the file read or written: while it is, the system cannot give that
    file's inode number to another file, so "same device and inode as the path has now" means
    the very same file, which writers only ever replace, never change in place (size and
    mtime are compared as well, for a file edited in place by hand).

    ``pieces`` holds the JSON of each document of some tables, so that writing after a
    change re-encodes only the documents ``changed`` names; a change made any other way
    must call ``changed_all``.
    """

    fd: int
    signature: Signature
    tables: Tables
    kept: bool = False
    indexes: dict[tuple[str, str], KeyIndex] = field(default_factory=dict)
    pieces: dict[str, dict[str, bytes]] = field(default_factory=dict)
    dirty: dict[str, set[str]] = field(default_factory=dict)

    def index(self, table: str, key: str) -> KeyIndex:
        """The documents of ``table`` by their ``key`` field, built on first use."""
        found = self.indexes.get((table, key))
        if found is None:
            docs = self.tables.get(table, {})
            ids = {doc[key]: doc_id for doc_id, doc in docs.items() if _keyed(doc, key)}
            numbers = [int(doc_id) for doc_id in docs if doc_id.isdigit()]
            found = self.indexes[(table, key)] = KeyIndex(ids, max(numbers, default=0) + 1)
        return found

    def changed(self, table: str, doc_id: str) -> None:
        """Document ``doc_id`` of ``table`` was changed, added or removed in ``tables``.

        A table's documents are encoded one by one only once the tables have outlived a
        write (this process is the one writing the file): a file that another process keeps
        replacing is re-read before every change anyway, and encoded whole more cheaply."""
        if table not in self.pieces and self.kept:
            self.pieces[table] = {
                doc_id: _piece(doc_id, doc) for doc_id, doc in self.tables.get(table, {}).items()
            }
        self.dirty.setdefault(table, set()).add(doc_id)

    def changed_all(self) -> None:
        """Any document of any table may have changed, moved or gone."""
        self.indexes.clear()
        self.pieces.clear()
        self.dirty.clear()

    def encode(self) -> list[bytes]:
        """The JSON of ``tables`` in parts, together byte for byte what ``orjson.dumps``
        gives (parts, so that the megabytes of a large table are not copied again)."""
        if not self.pieces or not self.tables:
            self.changed_all() if not self.tables else self.dirty.clear()
            return [dump_tables(self.tables)]
        parts = [b"{"]
        for name, table in self.tables.items():
            parts.append(orjson.dumps(name) + b":")
            pieces = self.pieces.get(name)
            if pieces is None:
                parts.append(dump_tables(table))
            else:
                self._refresh(table, pieces, self.dirty.pop(name, set()))
                parts += (b"{", b",".join(pieces.values()), b"}")
            parts.append(b",")
        self.dirty.clear()
        parts[-1] = b"}"
        return parts

    @staticmethod
    def _refresh(table: dict[str, object], pieces: dict[str, bytes], dirty: set[str]) -> None:
        for doc_id in dirty:
            if doc_id in table:
                pieces[doc_id] = _piece(doc_id, table[doc_id])
            else:
                pieces.pop(doc_id, None)


def _piece(doc_id: str, doc: object) -> bytes:
    return orjson.dumps(doc_id) + b":" + orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS)


def _keyed(doc: object, key: str) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get(key), str | int)


_SNAPSHOTS: dict[str, Snapshot] = {}
_CLOSER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-close")


def _release(fd: int) -> None:
    """Close ``fd`` in the background: it may be the last hold on a replaced file, and
    freeing a file of megabytes takes milliseconds nobody needs to wait for."""
    if fd < 0:
        return
    try:
        _CLOSER.submit(os.close, fd)
    except RuntimeError:  # the interpreter is shutting down
        os.close(fd)


def _signature(info: os.stat_result) -> Signature:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def forget(path: Path) -> None:
    """Drop what is kept of ``path`` (its next change reads the file again)."""
    snapshot = _SNAPSHOTS.pop(str(path.resolve()), None)
    if snapshot is not None:
        _release(snapshot.fd)


def _current(path: Path, key: str) -> Snapshot:
    """The tables ``path`` holds now: the kept ones if the file is the one kept, else read.
    A missing file holds no tables. Call holding the lock."""
    kept = _SNAPSHOTS.get(key)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        forget(path)
        return Snapshot(-1, (0, 0, 0, 0), {})
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
    if kept is not None and kept.signature == _signature(info):
        return kept
    forget(path)
    return _read_snapshot(path)


def _read_snapshot(path: Path) -> Snapshot:
    try:
        fd = open_regular_fd(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        with os.fdopen(os.dup(fd), "rb") as file:
            raw = file.read()
        return Snapshot(fd, _signature(os.fstat(fd)), parse_tables(path, raw))
    except BaseException:
        os.close(fd)
        raise


def _keep(path: Path, key: str, snapshot: Snapshot) -> None:
    """Remember the tables just written, with the identity of the file now at ``path``."""
    old = snapshot.fd
    snapshot.fd = -1
    _release(old)
    with contextlib.suppress(OSError):
        snapshot.fd = os.open(path, os.O_RDONLY)
        snapshot.signature, snapshot.kept = _signature(os.fstat(snapshot.fd)), True
        _SNAPSHOTS[key] = snapshot


@contextlib.contextmanager
def updating(path: Path) -> Iterator[Snapshot]:
    """Change the tables of ``path`` in place, under its lock, on what the file holds now;
    written atomically when the block ends, and not at all if it raises.

    The tables yielded are kept for the next change, so one process changing a file again
    and again reads it once, not before every change. Failures raise ``StoreError``.
    """
    key = str(path.resolve())
    with holding(lock_for(path)):
        snapshot = _current(path, key)
        _SNAPSHOTS.pop(key, None)  # in use: kept again only once written
        try:
            yield snapshot
            remove_leftovers(path)
            write_or_explain(path, snapshot.encode())
        except BaseException:
            _release(snapshot.fd)  # changed in memory but not on disk: read again next time
            raise
        _keep(path, key, snapshot)
