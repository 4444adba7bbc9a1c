"""Keeping the index in step with the store, whoever changed it.

The index remembers the signature (size, modification time, inode) of each of the store's
part files (segments, or the one file of a single-file store) as of its last catch-up.
Catching up reads only the parts that differ (an import by a process whose index was busy,
an edit by hand, a restored backup) and compares a fingerprint of each of their documents
with the indexed one: new, changed, moved and removed articles are applied, nothing else is
read. It runs in two passes, so a reader sees the list before the slow part is done: first
the list rows, then the words, in batches, with progress.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from store.article import FEED, Article, InvalidDocument, article_from_document
from store.fold import fold
from store.index.names import entity_names
from store.index.schema import TIE_BITS, UNDATED, UNDATED_SPAN, time_key
from store.rejects import Reject
from store.storage import Backend, Part, Place, document_at, open_backend
from store.storage.base import encoded as encoded
from store.storage.base import fingerprint as fingerprint
from store.storage.base import fingerprint_of as fingerprint_of

Progress = Callable[[int, int], None]
"""Called with (done, total): words indexed of articles to index, or (rows stored, 0) while
the store is still being read."""
BATCH = 2_000
UNPLACED = -1
"""The part of a row whose document is still being written."""


@dataclass
class CatchUp:
    """What one catch-up changed."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    rejects: list[Reject] = field(default_factory=list)
    parts_read: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def signature(store_path: Path) -> str:
    """Changes whenever any file of the store's articles is replaced or rewritten."""
    return open_backend(store_path).signature()


def stored_signature(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM info WHERE key = 'signature'").fetchone()
    return None if row is None else str(row[0])


def stale_parts(conn: sqlite3.Connection, parts: list[Part]) -> list[Part]:
    """The parts whose files differ from what the index last read of them."""
    recorded = dict(conn.execute("SELECT number, signature FROM parts"))
    return [part for part in parts if recorded.get(part.number) != part.signature]


@dataclass
class _Scan:
    """One catch-up's bookkeeping: the indexed rows of the parts being read (id -> (row
    id, fingerprint)), the ids seen so far, and what is to be written."""

    known: dict[str, tuple[int, bytes]]
    seen: set[str] = field(default_factory=set)
    batch: list[tuple[Article, bytes, Place, Any]] = field(default_factory=list)
    rejects: list[tuple[int, Reject]] = field(default_factory=list)
    moved: list[tuple[int, str, int | None, int | None, int]] = field(default_factory=list)
    replaced: Mapping[str, Any] = field(default_factory=dict)


def catch_up(
    conn: sqlite3.Connection,
    store: Backend,
    source: str,
    progress: Progress | None = None,
    replaced: Mapping[str, Any] | None = None,
) -> CatchUp:
    """Make the index hold exactly the valid articles of the store, reading only the part
    files that changed since it last looked. ``replaced`` gives, by article id, documents
    the caller knows were replaced in the store since (an import whose index could not
    follow): their words are deleted with them.

    Documents are compared by a fingerprint of what the file holds, so only new and changed
    ones are read as articles, and they are written batch by batch: memory stays bounded by
    a part. Until the end the index carries no signature, so an interrupted catch-up is
    resumed when next opened."""
    report = CatchUp()
    parts = store.parts()
    stamp = store.signature(parts)
    stale = stale_parts(conn, parts)
    unchanged = sorted({part.number for part in parts} - {part.number for part in stale})
    scan = _Scan(_rows_outside(conn, unchanged), replaced=replaced or {})
    with conn:
        conn.execute("DELETE FROM info WHERE key = 'signature'")
    for part in stale:
        report.parts_read += 1
        for key, doc, offset, length in store.part_documents(part):
            _look_at(conn, scan, Place(part.number, key, offset, length), doc, source)
            if len(scan.batch) >= BATCH:
                _store_batch(conn, scan, report)
                if progress is not None:
                    progress(report.added + report.updated, 0)  # rows so far, words to come
    _store_batch(conn, scan, report)
    with conn:
        report.removed = len(scan.known)
        remove(conn, [rowid for rowid, _ in scan.known.values()])
    index_words(conn, store, progress)
    with conn:
        _record(conn, parts, unchanged, scan.rejects, stamp)
    report.rejects = stored_rejects(conn, source)
    return report


def _rows_outside(conn: sqlite3.Connection, unchanged: list[int]) -> dict[str, tuple[int, bytes]]:
    """The indexed rows that are not in one of the ``unchanged`` parts (id -> (row id,
    fingerprint)): those catching up reads again, or finds gone."""
    sql = (
        "SELECT id, rowid, fingerprint FROM meta WHERE part NOT IN (SELECT value FROM json_each(?))"
    )
    rows = conn.execute(sql, (orjson.dumps(unchanged).decode(),))
    return {row[0]: (row[1], row[2]) for row in rows}


def _record(
    conn: sqlite3.Connection,
    parts: list[Part],
    unchanged: list[int],
    rejects: list[tuple[int, Reject]],
    stamp: str,
) -> None:
    """Note the parts as read, the documents they left out, and the store's signature."""
    kept = orjson.dumps(unchanged).decode()
    conn.execute("DELETE FROM rejects WHERE part NOT IN (SELECT value FROM json_each(?))", (kept,))
    conn.executemany(
        "INSERT INTO rejects VALUES (?, ?, ?, ?)",
        ((part, reject.item, reject.kind, reject.reason) for part, reject in rejects),
    )
    conn.execute("DELETE FROM parts")
    conn.executemany(
        "INSERT INTO parts VALUES (?, ?)", ((part.number, part.signature) for part in parts)
    )
    conn.execute("INSERT OR REPLACE INTO info VALUES ('signature', ?)", (stamp,))


def record_in_step(conn: sqlite3.Connection, store: Backend) -> None:
    """After a write the index followed document by document: every part is as read."""
    parts = store.parts()
    conn.execute("DELETE FROM parts")
    conn.executemany(
        "INSERT INTO parts VALUES (?, ?)", ((part.number, part.signature) for part in parts)
    )
    conn.execute("INSERT OR REPLACE INTO info VALUES ('signature', ?)", (store.signature(parts),))


def stored_rejects(conn: sqlite3.Connection, source: str) -> list[Reject]:
    """The documents the last catch-up left out, in store order."""
    rows = conn.execute("SELECT item, kind, reason FROM rejects ORDER BY part, rowid")
    return [Reject(source, item, reason, kind) for item, kind, reason in rows]


def _look_at(conn: sqlite3.Connection, scan: _Scan, place: Place, doc: Any, source: str) -> None:
    """Take one stored document: an unchanged one is only moved to where it is now (it is
    dropped from ``known``); a new or changed one is batched; an invalid one, or a later
    copy of an id already seen or indexed in another part, is rejected (the first copy is
    the one indexed)."""
    print_ = fingerprint(doc)
    raw_id = doc.get("id") if isinstance(doc, dict) else None
    hit = scan.known.get(raw_id) if isinstance(raw_id, str) and raw_id not in scan.seen else None
    if hit is not None and hit[1] == print_:
        scan.seen.add(raw_id)  # type: ignore[arg-type]
        del scan.known[raw_id]  # type: ignore[arg-type]
        scan.moved.append((place.part, place.key, place.offset, place.length, hit[0]))
        return
    item = f"document {place.key}" if place.part <= 0 else f"document {place.part}/{place.key}"
    try:
        article = article_from_document(doc)
    except InvalidDocument as exc:
        scan.rejects.append((place.part, Reject(source, item, str(exc))))
        return
    if article.id in scan.seen or (article.id not in scan.known and _indexed(conn, article.id)):
        reason = f"duplicate id {article.id!r} (an earlier document has it)"
        scan.rejects.append((place.part, Reject(source, item, reason, "duplicate id")))
        return
    scan.seen.add(article.id)
    scan.batch.append((article, print_, place, None if place.offset is not None else doc))


def _indexed(conn: sqlite3.Connection, article_id: str) -> bool:
    return conn.execute("SELECT 1 FROM meta WHERE id = ?", (article_id,)).fetchone() is not None


def _store_batch(conn: sqlite3.Connection, scan: _Scan, report: CatchUp) -> None:
    """Write new and changed articles (replacing the old rows of changed ones) and the new
    places of unchanged ones, at once."""
    batch = scan.batch
    changed = [article.id for article, _, _, _ in batch if article.id in scan.known]
    old = {scan.known.pop(i)[0]: scan.replaced.get(i) for i in changed}
    report.updated += len(old)
    report.added += len(batch) - len(old)
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "UPDATE meta SET part = ?, key = ?, offset = ?, length = ? WHERE rowid = ?",
            scan.moved,
        )
        remove(conn, list(old), documents={r: doc for r, doc in old.items() if doc})
        add(conn, batch)
    batch.clear()
    scan.moved.clear()


def remove(
    conn: sqlite3.Connection,
    rowids: list[int],
    store: Backend | None = None,
    documents: Mapping[int, Any] | None = None,
) -> None:
    """Forget articles. Words already indexed are deleted with the values they were indexed
    from: the document given in ``documents``, else the one at the row's place in ``store``
    (when it is still the same); a row whose document is gone keeps its words, and its row
    id is set aside (``lingering``) so that no search finds it and no new row takes it."""
    for rowid in rowids:
        row = conn.execute(
            "SELECT indexed, fingerprint, part, key, offset, length FROM meta WHERE rowid = ?",
            (rowid,),
        ).fetchone()
        if row is not None and row[0]:
            doc = (documents or {}).get(rowid)
            if doc is None and store is not None:
                doc = document_at(store, Place(row[2], row[3], row[4], row[5]), row[1])
            if doc is None:
                conn.execute("INSERT OR IGNORE INTO lingering VALUES (?)", (rowid,))
            else:
                conn.execute(
                    "INSERT INTO fts(fts, rowid, title, source, author, body, tags) "
                    "VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                    (rowid, *_words_columns(doc)),
                )
        for table in ("meta", "pending", "tags", "names", "feed_of"):
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))


def add(conn: sqlite3.Connection, articles: Iterable[tuple[Article, bytes, Place, Any]]) -> None:
    """Add list rows, tags and entity names; words come later (``index_words``), read from
    the store, or from ``pending`` for a document whose offset is not known (given then)."""
    taken: dict[int, int] = {}
    tokens: set[str] = set()
    for article, print_, place, doc in articles:
        rowid = add_row(conn, article, print_, taken, place)
        if doc is not None:
            conn.execute("INSERT INTO pending VALUES (?, ?)", (rowid, orjson.dumps(doc)))
        add_names(conn, rowid, entity_names(article.entities or ()), tokens)
    file_tokens(conn, tokens)


def add_row(
    conn: sqlite3.Connection,
    article: Article,
    print_: bytes,
    taken: dict[int, int],
    place: Place,
    indexed: bool = False,
) -> int:
    """The article's list row and tags under a new row id (see ``_free_key``), returned."""
    rowid = _free_key(conn, time_key(article.published), taken)
    conn.execute(
        "INSERT INTO meta(rowid, id, fingerprint, published, source, title, sourcekey, indexed, "
        "part, key, offset, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            rowid,
            article.id,
            print_,
            article.published,
            article.source,
            article.title,
            fold(article.source),
            int(indexed),
            place.part,
            place.key,
            place.offset,
            place.length,
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO tags VALUES (?, ?)", ((fold(t), rowid) for t in article.tags)
    )
    feed = article.extra.get(FEED)
    if isinstance(feed, str) and feed:
        conn.execute("INSERT INTO feed_of VALUES (?, ?)", (rowid, feed))
    return rowid


def relocate(
    conn: sqlite3.Connection,
    part: int,
    offsets: Mapping[str, tuple[int, int]],
    tags: Mapping[str, str],
) -> None:
    """A part file was written: its new documents (key -> article id in ``tags``) are in
    it under their keys, and every document of it is at its new offset."""
    conn.executemany(
        "UPDATE meta SET part = ?, key = ? WHERE id = ?",
        ((part, key, article_id) for key, article_id in tags.items()),
    )
    conn.executemany(
        "UPDATE meta SET offset = ?, length = ? WHERE part = ? AND key = ?",
        ((offset, length, part, key) for key, (offset, length) in offsets.items()),
    )


def add_names(
    conn: sqlite3.Connection, rowid: int, names: str, tokens: set[str] | None = None
) -> None:
    """File the article at ``rowid`` under ``names`` (``store.index.names.entity_names``).
    Its tokens go into ``name_tokens`` now, or into ``tokens`` for ``file_tokens`` to
    write with those of other articles (a batch names the same people again and again)."""
    if names:
        conn.execute("INSERT INTO names(rowid, forms) VALUES (?, ?)", (rowid, names))
        if tokens is None:
            file_tokens(conn, set(names.split()))
        else:
            tokens.update(names.split())


def file_tokens(conn: sqlite3.Connection, tokens: set[str]) -> None:
    """Keep ``tokens`` in ``name_tokens`` (in order: the table's pages fill in turn), and
    empty the set."""
    conn.executemany("INSERT OR IGNORE INTO name_tokens VALUES (?)", ((t,) for t in sorted(tokens)))
    tokens.clear()


def learn_names(conn: sqlite3.Connection, rowid: int, article: Article) -> None:
    """File an indexed article under the names of entities found since (kept with any it
    was filed under already)."""
    row = conn.execute("SELECT forms FROM names WHERE rowid = ?", (rowid,)).fetchone()
    known = set(row[0].split()) if row else set()
    learnt = set(entity_names(article.entities or ()).split())
    if learnt - known:
        conn.execute("DELETE FROM names WHERE rowid = ?", (rowid,))
        add_names(conn, rowid, " ".join(sorted(known | learnt)))


def _free_key(conn: sqlite3.Connection, base: int, taken: dict[int, int]) -> int:
    """The next unused key of a publication second (``taken`` caches this batch's).

    Past 4,096 articles in one second (or any number without a date) keys run into the
    following seconds; they stay unique, only their order among neighbours blurs."""
    if base not in taken:
        span = UNDATED_SPAN if base == UNDATED else 1 << TIE_BITS
        row = conn.execute(
            "SELECT MAX(rowid) FROM meta WHERE rowid >= ? AND rowid < ?", (base, base + span)
        ).fetchone()
        taken[base] = base - 1 if row[0] is None else row[0]
    key = taken[base] + 1
    while _taken(conn, key):
        key += 1
    taken[base] = key
    return key


def _taken(conn: sqlite3.Connection, rowid: int) -> bool:
    sql = "SELECT 1 FROM meta WHERE rowid = ?1 UNION ALL SELECT 1 FROM lingering WHERE rowid = ?1"
    return conn.execute(sql, (rowid,)).fetchone() is not None


def _words_columns(doc: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    """The indexed text of a stored document (written by ``Article.to_document``)."""
    return (
        doc.get("title", ""),
        doc.get("source", ""),
        doc.get("author", ""),
        doc.get("body", ""),
        " ".join(doc.get("tags", ())),
    )


def add_words(conn: sqlite3.Connection, rowid: int, doc: Mapping[str, Any]) -> None:
    """Index the words of a stored document (``Article.to_document``) under ``rowid``."""
    conn.execute(
        "INSERT INTO fts(rowid, title, source, author, body, tags) VALUES (?, ?, ?, ?, ?, ?)",
        (rowid, *_words_columns(doc)),
    )


def index_words(conn: sqlite3.Connection, store: Backend, progress: Progress | None = None) -> None:
    """Index the words of every article not yet indexed, committing batch by batch, in row
    id order (FTS5 builds fastest so); each document is read from its place in the store,
    or from ``pending``. One no longer there (the store changed meanwhile) is left for the
    next catch-up. Memory holds one batch, whatever the number of articles."""
    total = conn.execute("SELECT COUNT(*) FROM meta WHERE indexed = 0").fetchone()[0]
    sql = (
        "SELECT rowid, fingerprint, part, key, offset, length FROM meta "
        "WHERE indexed = 0 AND rowid > ? ORDER BY rowid LIMIT ?"
    )
    after, done_so_far = -(2**63), 0
    while batch := conn.execute(sql, (after, BATCH)).fetchall():
        after = batch[-1][0]
        done = []
        with conn:
            for rowid, print_, *place in batch:
                doc = _pending_document(conn, rowid) or document_at(store, Place(*place), print_)
                if doc is not None:
                    add_words(conn, rowid, doc)
                    done.append((rowid,))
            conn.executemany("UPDATE meta SET indexed = 1 WHERE rowid = ?", done)
            conn.executemany("DELETE FROM pending WHERE rowid = ?", done)
        done_so_far += len(batch)
        if progress is not None:
            progress(min(done_so_far, total), total)


def _pending_document(conn: sqlite3.Connection, rowid: int) -> Any:
    row = conn.execute("SELECT doc FROM pending WHERE rowid = ?", (rowid,)).fetchone()
    return None if row is None else orjson.loads(row[0])
