"""The reading state's journal: each change appended as one line, not the file rewritten.

Marking an article read used to rewrite the whole state file (9 MB at 100,000 articles).
Now a change appends the changed state documents, whole, one JSON object a line, to
``<state>.journal`` beside the state file, and fsyncs it; the state file itself (a TinyDB
file, readable on its own) is a snapshot that the journal is folded into once it has grown
to half the snapshot's size, so a mark costs the same with 10 or 100,000 articles in it.

Every line holds an article's whole state document, so replaying a line twice changes
nothing: folding writes the snapshot first and then replaces the journal with an empty
file, and a writer killed between the two leaves a journal whose lines the snapshot already
holds. A line a killed writer left half-written has no newline; it was never acknowledged,
so it is ignored and cut off by the next writer. Writers hold the state file's lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from store.errors import StoreError
from store.storage.atomic import describe, write_or_explain

FOLD_AT_LEAST_BYTES = 256 * 1024
"""A journal is folded into its snapshot once it is larger than this and than half the
snapshot: small enough to replay in milliseconds, large enough that folds are rare."""

Doc = dict[str, Any]


def journal_path(state_path: Path) -> Path:
    """``articles.state.json`` -> ``articles.state.journal``."""
    return state_path.with_suffix(".journal")


@dataclass
class Position:
    """How far this process has read a journal: the file (inode) and the byte offset."""

    inode: int = 0
    offset: int = 0


def inode_of(path: Path) -> int:
    """The journal's inode, 0 when there is none."""
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({describe(exc)})") from None


def read_from(path: Path, position: Position) -> tuple[list[Doc], Position] | None:
    """The documents of the whole lines past ``position``, and the position after them;
    ``None`` when the journal is no longer the file ``position`` was in (folded since)."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return None if position.inode else ([], Position())
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({describe(exc)})") from None
    with file:
        inode = os.fstat(file.fileno()).st_ino
        if position.inode not in (0, inode) or (position.inode == 0 and position.offset):
            return None
        file.seek(position.offset)
        raw = file.read()
    end = raw.rfind(b"\n") + 1
    return list(_documents(raw[:end])), Position(inode, position.offset + end)


def _documents(raw: bytes) -> Iterator[Doc]:
    """The state documents of complete lines; a line that is not one (edited by hand) is
    passed over."""
    for line in raw.splitlines():
        with contextlib.suppress(orjson.JSONDecodeError):
            doc = orjson.loads(line)
            if isinstance(doc, dict) and isinstance(doc.get("id"), str):
                yield doc


def append(path: Path, position: Position, docs: Iterable[Mapping[str, Any]]) -> Position:
    """Append ``docs`` durably after ``position`` (where this process has read to: anything
    after it is a half line a killed writer left, and is cut off first). Call holding the
    state file's lock, after reading up to the end."""
    payload = b"".join(orjson.dumps(doc) + b"\n" for doc in docs)
    try:
        fd = open_for_writing(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write: {describe(exc)}") from None
    try:
        inode = os.fstat(fd).st_ino
        offset = position.offset if position.inode == inode else 0
        os.ftruncate(fd, offset)
        try:
            os.pwrite(fd, payload, offset)
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):  # not acknowledged: not kept either
                os.ftruncate(fd, offset)
            raise
    except OSError as exc:
        raise StoreError(f"{path}: cannot write: {describe(exc)}") from None
    finally:
        os.close(fd)
    return Position(inode, offset + len(payload))


def open_for_writing(path: Path) -> int:
    """A descriptor to write the journal through, creating it."""
    return os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)


def needs_folding(journal: Path, snapshot: Path) -> bool:
    try:
        size = journal.stat().st_size
    except OSError:
        return False
    try:
        snapshot_size = snapshot.stat().st_size
    except OSError:
        snapshot_size = 0
    return size > max(FOLD_AT_LEAST_BYTES, snapshot_size // 2)


def empty(path: Path) -> Position:
    """Replace the journal with an empty file (after its lines were folded); its position."""
    write_or_explain(path, b"")
    return Position(inode_of(path), 0)
