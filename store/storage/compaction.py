"""``newsdesk store compact``: merging a folder store's small segments, writing documents of
schema 1 in the compact form, and dropping the words of removed articles the index could not
delete (``lingering``, see ``store.index.schema``).

A segment gets small when its articles are changed (each changed article moves to the open
segment); merging costs one write of the merged articles, committed like any other write, so
a kill leaves the store as before or as after. The index is told where each document went
and its new fingerprint as each segment is written, and ends in step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.article import compacted
from store.errors import StoreError
from store.index import SearchIndex, sync
from store.storage import Change, FolderBackend, encoded, fingerprint_of, open_backend
from store.storage.atomic import dump_tables, holding
from store.storage.segments import SEGMENT_ARTICLES, Segment, read_segment

SMALL = SEGMENT_ARTICLES // 2
"""A segment holding fewer articles than this (not the open one) is merged."""


@dataclass
class Compaction:
    segments_before: int = 0
    segments_after: int = 0
    merged: int = 0
    """Segments rewritten."""
    documents: int = 0
    """Documents written again."""
    words_rebuilt: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def compact(path: Path) -> Compaction:
    """Compact the folder store at ``path`` (``StoreError`` for a single-file store)."""
    store = open_backend(path)
    if not isinstance(store, FolderBackend):
        raise StoreError(f"{path}: a single-file store has no segments to compact")
    with holding(store.lock):
        store.check()
        index = SearchIndex.open(path)
        try:
            index.catch_up(path)
            return _compact(store, index)
        finally:
            index.close()


def _compact(store: FolderBackend, index: SearchIndex) -> Compaction:
    segments = store.manifest().segments
    report = Compaction(segments_before=len(segments))
    old = {s.number for s in segments if _has_old_documents(store.path, s)}
    small = {s.number for s in segments[:-1] if s.count < SMALL}
    chosen = [s for s in segments if s.number in old | small]
    if len(chosen) > 1 or old:
        _rewrite(store, index.conn, chosen, report)
    if index.conn.execute("SELECT 1 FROM lingering").fetchone() is not None:
        rebuild_words(index.conn, store)
        report.words_rebuilt = True
    report.segments_after = len(store.manifest().segments)
    return report


def _has_old_documents(folder: Path, segment: Segment) -> bool:
    """Whether a segment holds a document of schema 1 (entities as objects)."""
    return any(compacted(doc) is not doc for doc in read_segment(folder, segment).values())


def _rewrite(
    store: FolderBackend, conn: sqlite3.Connection, chosen: list[Segment], report: Compaction
) -> None:
    prints: dict[str, bytes] = {}

    def documents() -> Iterator[tuple[str, bytes]]:
        for segment in chosen:
            for doc in read_segment(store.path, segment).values():
                document = encoded(compacted(doc)) if isinstance(doc, dict) else dump_tables(doc)
                tag = doc.get("id") if isinstance(doc, dict) else None
                if isinstance(tag, str):
                    prints[tag] = fingerprint_of(document)
                report.documents += 1
                yield tag if isinstance(tag, str) else "", document

    def placed(part: int, offsets: Mapping[str, tuple[int, int]], tags: Mapping[str, str]) -> None:
        sync.relocate(conn, part, offsets, tags)
        conn.executemany(
            "UPDATE meta SET fingerprint = ? WHERE id = ?",
            ((prints.pop(tag), tag) for tag in tags.values() if tag in prints),
        )

    removed = {s.number: set(read_segment(store.path, s)) for s in chosen}
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        store.write(Change(removed=removed, added=documents()), placed)
        sync.record_in_step(conn, store)
    report.merged = len(chosen)


def rebuild_words(conn: sqlite3.Connection, store: Any) -> None:
    """Index every article's words afresh, reading each from the store: the only way to
    drop words that could not be deleted one by one."""
    with conn:
        conn.execute("DROP TABLE fts")
        conn.execute("DELETE FROM lingering")
        conn.execute("UPDATE meta SET indexed = 0")
    conn.executescript(_fts_ddl())
    sync.index_words(conn, store)


def _fts_ddl() -> str:
    from store.index.schema import DDL

    start = DDL.index("CREATE VIRTUAL TABLE IF NOT EXISTS fts")
    return DDL[start : DDL.index(";", start) + 1]
