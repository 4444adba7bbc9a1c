"""Keeping the index in step with the store file, whoever changed it.

The index remembers the store file's signature (size, modification time, inode) as of its
last catch-up. When the file differs (an import, another reader's process, an edit by
hand), catching up compares a fingerprint of every stored document with the indexed one and
applies only the difference: new, changed and removed articles. It runs in two passes, so a
reader sees the list before the slow part is done: first the list rows and documents, then
the words, in batches, with progress.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from store.article import Article, InvalidDocument, article_from_document
from store.fold import fold
from store.index.names import entity_names
from store.index.schema import TIE_BITS, UNDATED, UNDATED_SPAN, time_key
from store.ingest.result import Reject

Progress = Callable[[int, int], None]
"""Called with (done, total): words indexed of articles to index, or (rows stored, 0) while
the store is still being read."""
BATCH = 2_000


@dataclass
class CatchUp:
    """What one catch-up changed."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    rejects: list[Reject] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def signature(store_path: Path) -> str:
    """Changes whenever the store file is replaced or rewritten."""
    info = store_path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def stored_signature(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM info WHERE key = 'signature'").fetchone()
    return None if row is None else str(row[0])


def encoded(doc: Mapping[str, Any]) -> bytes:
    """A stored document as its fingerprint is taken of it: JSON with sorted keys."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def fingerprint(doc: Mapping[str, Any]) -> bytes:
    return fingerprint_of(encoded(doc))


def fingerprint_of(document: bytes) -> bytes:
    """The fingerprint of a document already ``encoded``."""
    return hashlib.blake2b(document, digest_size=16).digest()


Documents = Iterable[tuple[str, Any]]
"""(document id, document) pairs of a store's ``articles`` table, as read or streamed."""


def catch_up(
    conn: sqlite3.Connection,
    documents: Documents,
    new_signature: str,
    source: str,
    progress: Progress | None = None,
) -> CatchUp:
    """Make the index hold exactly the valid articles among ``documents`` (the store's).

    Documents are compared by a fingerprint of what the file holds, so only new and changed
    ones are read as articles, and they are written batch by batch as they stream in: memory
    stays bounded, and catching up after a small change costs little. Until the end the index
    carries no signature, so an interrupted catch-up is resumed when next opened."""
    report = CatchUp()
    known = {
        row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, rowid, fingerprint FROM meta")
    }
    with conn:
        conn.execute("DELETE FROM info WHERE key = 'signature'")
    seen: set[str] = set()
    batch: list[tuple[Article, bytes]] = []
    for doc_id, doc in documents:
        item = _changed(doc_id, doc, known, seen, source)
        if isinstance(item, Reject):
            report.rejects.append(item)
        elif item is not None:
            batch.append(item)
            if len(batch) == BATCH:
                _store_batch(conn, batch, known, report)
                if progress is not None:
                    progress(report.added + report.updated, 0)  # rows so far, words to come
    _store_batch(conn, batch, known, report)
    with conn:
        remove(conn, [rowid for rowid, _ in known.values()])
    report.removed = len(known)
    index_words(conn, progress)
    with conn:
        conn.execute("DELETE FROM rejects")
        conn.executemany(
            "INSERT INTO rejects VALUES (?, ?, ?)",
            ((reject.item, reject.kind, reject.reason) for reject in report.rejects),
        )
        conn.execute("INSERT OR REPLACE INTO info VALUES ('signature', ?)", (new_signature,))
    return report


def stored_rejects(conn: sqlite3.Connection, source: str) -> list[Reject]:
    """The documents the last catch-up left out, in store order."""
    rows = conn.execute("SELECT item, kind, reason FROM rejects ORDER BY rowid")
    return [Reject(source, item, reason, kind) for item, kind, reason in rows]


def _changed(
    doc_id: str,
    doc: Any,
    known: dict[str, tuple[int, bytes]],
    seen: set[str],
    source: str,
) -> tuple[Article, bytes] | Reject | None:
    """A new or changed article with its fingerprint, ``None`` for an unchanged one
    (dropped from ``known``), or a reject: invalid, or a later copy of an id already seen
    (the first copy is the one indexed)."""
    print_ = fingerprint(doc)
    raw_id = doc.get("id") if isinstance(doc, dict) else None
    if isinstance(raw_id, str) and raw_id not in seen and known.get(raw_id, (0, b""))[1] == print_:
        seen.add(raw_id)
        del known[raw_id]
        return None
    try:
        article = article_from_document(doc)
    except InvalidDocument as exc:
        return Reject(source, f"document {doc_id}", str(exc))
    if article.id in seen:
        reason = f"duplicate id {article.id!r} (an earlier document has it)"
        return Reject(source, f"document {doc_id}", reason, "duplicate id")
    seen.add(article.id)
    return article, print_


def _store_batch(
    conn: sqlite3.Connection,
    batch: list[tuple[Article, bytes]],
    known: dict[str, tuple[int, bytes]],
    report: CatchUp,
) -> None:
    """Write new and changed articles (replacing the old rows of changed ones) at once."""
    if not batch:
        return
    old = [known.pop(article.id)[0] for article, _ in batch if article.id in known]
    report.updated += len(old)
    report.added += len(batch) - len(old)
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        remove(conn, old)
        add(conn, batch)
    batch.clear()


def remove(conn: sqlite3.Connection, rowids: list[int]) -> None:
    """Forget articles; words already indexed are deleted with the values they had."""
    for rowid in rowids:
        row = conn.execute(
            "SELECT d.doc, m.indexed FROM docs d JOIN meta m USING (rowid) WHERE rowid = ?",
            (rowid,),
        ).fetchone()
        if row is not None and row[1]:
            conn.execute(
                "INSERT INTO fts(fts, rowid, title, source, author, body, tags) "
                "VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                (rowid, *_words_columns(orjson.loads(row[0]))),
            )
        for table in ("meta", "docs", "tags", "names"):
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))


def add(conn: sqlite3.Connection, articles: list[tuple[Article, bytes]]) -> None:
    """Add list rows, documents, tags and entity names; words come later (``index_words``)."""
    taken: dict[int, int] = {}
    for article, print_ in articles:
        rowid = add_row(conn, article, print_, taken)
        conn.execute("INSERT INTO docs VALUES (?, ?)", (rowid, orjson.dumps(article.to_document())))
        add_names(conn, rowid, entity_names(article.entities or ()))


def add_row(
    conn: sqlite3.Connection,
    article: Article,
    print_: bytes,
    taken: dict[int, int],
    indexed: bool = False,
) -> int:
    """The article's list row and tags under a new row id (see ``_free_key``), returned."""
    rowid = _free_key(conn, time_key(article.published), taken)
    conn.execute(
        "INSERT INTO meta(rowid, id, fingerprint, published, source, title, sourcekey, indexed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            rowid,
            article.id,
            print_,
            article.published,
            article.source,
            article.title,
            fold(article.source),
            int(indexed),
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO tags VALUES (?, ?)", ((fold(t), rowid) for t in article.tags)
    )
    return rowid


def add_names(conn: sqlite3.Connection, rowid: int, names: str) -> None:
    """File the article at ``rowid`` under ``names`` (``store.index.names.entity_names``)."""
    if names:
        conn.execute("INSERT INTO names(rowid, forms) VALUES (?, ?)", (rowid, names))


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
    while conn.execute("SELECT 1 FROM meta WHERE rowid = ?", (key,)).fetchone() is not None:
        key += 1
    taken[base] = key
    return key


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


def index_words(conn: sqlite3.Connection, progress: Progress | None = None) -> None:
    """Index the words of every article not yet indexed, committing batch by batch."""
    pending = [row[0] for row in conn.execute("SELECT rowid FROM meta WHERE indexed = 0")]
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        with conn:
            for rowid in batch:
                (doc,) = conn.execute("SELECT doc FROM docs WHERE rowid = ?", (rowid,)).fetchone()
                add_words(conn, rowid, orjson.loads(doc))
            conn.executemany("UPDATE meta SET indexed = 1 WHERE rowid = ?", ((r,) for r in batch))
        if progress is not None:
            progress(min(start + BATCH, len(pending)), len(pending))
