"""Querying the index: result ids in order, list rows, and whole articles.

A connection belongs to one thread: the app's UI thread searches through one, a worker
catching up writes through another (SQLite's WAL mode lets both run at once).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from store.article import Article, article_from_document
from store.errors import IndexBusy, StoreError
from store.fold import fold
from store.index import sync
from store.index.compile import plan
from store.index.schema import connect, index_path_for, remove_index_files
from store.query.nodes import Everything, Query

RANK_WINDOW = 5_000
"""Relevance ranks the newest this many matches (then the rest by date): ranking every
match of a word found in nearly every article would cost more than a keystroke allows, and
news readers want recent articles first among equals."""
STREAM_ABOVE_BYTES = 16 * 1024 * 1024
"""Store files larger than this are streamed when catching up, not read whole."""
BM25_WEIGHTS = (5.0, 2.0, 2.0, 1.0, 3.0)
"""title, source, author, body, tags: a word in the title counts most."""


@dataclass(frozen=True, slots=True)
class Row:
    """What one list row shows."""

    id: str
    published: str
    source: str
    title: str

    @property
    def date(self) -> str:
        return self.published[:10]


class SearchIndex:
    """The index of one store (see ``store.index.schema``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, note: str = "") -> None:
        self.conn = conn
        self.path = path
        self.note = note
        """Why the index is kept in memory only (a folder that cannot be written), or ""."""
        self._everything: list[int] | None = None
        self._by_source_order: list[int] | None = None
        self._read_rows: set[int] | None = None

    @classmethod
    def open(cls, store_path: Path) -> SearchIndex:
        """The index beside ``store_path``: rebuilt when damaged, in memory when the folder
        cannot hold one."""
        path = index_path_for(store_path)
        try:
            return cls(_connect_rebuilding(path), path)
        except (sqlite3.Error, OSError) as exc:
            note = f"search index kept in memory ({path}: {exc})"
            return cls(connect(None), None, note)

    def close(self) -> None:
        self.conn.close()

    def in_step(self, store_path: Path) -> bool:
        """Whether the index reflects the store file as it is now."""
        try:
            return sync.stored_signature(self.conn) == sync.signature(store_path)
        except OSError:
            return False

    def catch_up(self, store_path: Path, progress: sync.Progress | None = None) -> sync.CatchUp:
        """Read the store file and bring the index in step with it. A large file is
        streamed (it was checked to be a JSON object when the store was opened)."""
        from store.library import read_articles_table, stream_articles

        if self.in_step(store_path):  # another process caught it up already
            return sync.CatchUp()
        stamp = sync.signature(store_path)
        if store_path.stat().st_size > STREAM_ABOVE_BYTES:
            documents: sync.Documents = stream_articles(store_path)
        else:
            documents = read_articles_table(store_path).items()
        return self.catch_up_documents(documents, stamp, str(store_path), progress)

    def catch_up_documents(
        self,
        documents: sync.Documents,
        stamp: str,
        source: str,
        progress: sync.Progress | None = None,
    ) -> sync.CatchUp:
        self.forget_cache()
        try:
            return sync.catch_up(self.conn, documents, stamp, source, progress)
        except sqlite3.Error as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # extended codes share the low byte
            busy = code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            raise (IndexBusy if busy else StoreError)(f"search index: {exc}") from None

    def search(self, query: Query, limit: int | None = None) -> list[int]:
        """Row ids of the matching articles, in the order the query asks for.

        With ``limit``, only the newest ``limit`` matches are looked at: for ``limit`` >=
        ``RANK_WINDOW`` their order is the order of the first ``limit`` rows of the whole
        result, so a list can show them while the rest is still to be counted."""
        if isinstance(query.root, Everything):
            return (
                self._by_source(self.everything()) if query.order == "source" else self.everything()
            )
        order = query.order
        compiled = plan(query.root)
        if limit is not None and order != "source":
            hits = self._ids(f"{compiled.sql} LIMIT ?", (*compiled.params, limit))
        else:
            hits = self._ids(compiled.sql, compiled.params)
        if order == "relevance" and compiled.match is not None and len(hits) > 1:
            return self._ranked(compiled.match, compiled.where, compiled.where_params, hits)
        if order == "source" and hits:
            return self._by_source(hits)
        return hits

    def _ranked(
        self, match: str, where: str, params: tuple[object, ...], hits: list[int]
    ) -> list[int]:
        window = min(len(hits), RANK_WINDOW)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        ranked = self._ids(
            f"SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= ? AND ({where}) "
            f"ORDER BY bm25(fts, {weights}), rowid DESC",
            (match, hits[window - 1], *params),
        )
        return ranked + hits[window:]

    def _ids(self, sql: str, params: tuple[object, ...]) -> list[int]:
        """The row ids ``sql`` selects, in its order (as one JSON array: twice as fast as
        fetching 100,000 rows one tuple at a time)."""
        row = self.conn.execute(f"SELECT json_group_array(rowid) FROM ({sql})", params).fetchone()
        ids: list[int] = orjson.loads(row[0])
        return ids

    def forget_cache(self) -> None:
        """Another connection changed the index (a catch-up in a worker)."""
        self._everything = None
        self._by_source_order = None

    def everything(self) -> list[int]:
        """Every article, newest first (cached until the index changes)."""
        if self._everything is None:
            self._everything = self._ids("SELECT rowid FROM meta ORDER BY rowid DESC", ())
        return self._everything

    def _by_source(self, hits: list[int]) -> list[int]:
        if self._by_source_order is None:
            sql = "SELECT rowid FROM meta ORDER BY sourcekey, rowid DESC"
            self._by_source_order = self._ids(sql, ())
        if len(hits) == len(self._by_source_order):
            return self._by_source_order
        wanted = set(hits)
        return [rowid for rowid in self._by_source_order if rowid in wanted]

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM meta").fetchone()[0])

    def pending(self) -> int:
        """Articles whose words are not indexed yet."""
        return int(self.conn.execute("SELECT COUNT(*) FROM meta WHERE indexed = 0").fetchone()[0])

    def rows(self, rowids: Sequence[int]) -> dict[int, Row]:
        found: dict[int, Row] = {}
        for start in range(0, len(rowids), 500):
            chunk = rowids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for rowid, *fields in self.conn.execute(
                f"SELECT rowid, id, published, source, title FROM meta WHERE rowid IN ({marks})",
                tuple(chunk),
            ):
                found[rowid] = Row(*fields)
        return found

    def documents(self, rowids: Sequence[int]) -> list[dict[str, Any]]:
        """The stored documents of ``rowids`` (as the store holds them), in that order; a row
        id no longer indexed is left out."""
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(rowids), 500):
            chunk = tuple(rowids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            query = f"SELECT rowid, doc FROM docs WHERE rowid IN ({marks})"
            found.update(
                (rowid, orjson.loads(doc)) for rowid, doc in self.conn.execute(query, chunk)
            )
        return [found[rowid] for rowid in rowids if rowid in found]

    def article(self, rowid: int) -> Article | None:
        row = self.conn.execute("SELECT doc FROM docs WHERE rowid = ?", (rowid,)).fetchone()
        return None if row is None else article_from_document(orjson.loads(row[0]))

    def rowid_of(self, article_id: str) -> int | None:
        row = self.conn.execute("SELECT rowid FROM meta WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else int(row[0])

    def learn_entities(self, article: Article) -> None:
        """Record entities extracted after indexing (first display), for entity searches."""
        rowid = self.rowid_of(article.id)
        if rowid is not None:
            with self.conn:
                sync.learn_names(self.conn, rowid, article)

    def set_flags(self, flags: Iterable[tuple[str, bool, bool]], replace: bool = False) -> None:
        """Reading state for ``is:`` terms: (article id, read, starred)."""
        self._read_rows = None
        with self.conn:
            if replace:
                self.conn.execute("DELETE FROM temp.flags")
            self.conn.executemany(
                "INSERT OR REPLACE INTO temp.flags SELECT rowid, ?, ? FROM meta WHERE id = ?",
                ((read, starred, article_id) for article_id, read, starred in flags),
            )

    def unread_among(self, rowids: Sequence[int]) -> int:
        """How many of ``rowids`` are unread (a set lookup each: cheap on every keystroke)."""
        if self._read_rows is None:
            sql = "SELECT rowid FROM temp.flags WHERE read"
            self._read_rows = set(self._ids(sql, ()))
        return len(rowids) - len(self._read_rows.intersection(rowids))

    def article_ids(self, rowids: Sequence[int]) -> list[str]:
        """The article ids of ``rowids``, in their order (a bulk change takes ids)."""
        found: dict[int, str] = {}
        for start in range(0, len(rowids), 500):
            chunk = tuple(rowids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            query = f"SELECT rowid, id FROM meta WHERE rowid IN ({marks})"
            found.update(self.conn.execute(query, chunk))
        return [found[rowid] for rowid in rowids if rowid in found]

    def set_reader_tags(
        self, tags: Iterable[tuple[str, Sequence[str]]], replace: bool = False
    ) -> None:
        """The reader's own tags for ``tag:`` terms: (article id, tags), folded here.

        One statement per distinct tag, its articles' ids passed as one JSON array: a bulk
        change gives 100,000 articles the same few tags."""
        tags = list(tags)
        by_tag: dict[str, list[str]] = {}
        for article_id, names in tags:
            for name in names:
                by_tag.setdefault(fold(name), []).append(article_id)
        with self.conn:
            if replace:
                self.conn.execute("DELETE FROM temp.reader_tags")
            else:
                ids = orjson.dumps([article_id for article_id, _ in tags]).decode()
                self.conn.execute(
                    f"DELETE FROM temp.reader_tags WHERE rowid IN ({_ROWIDS_OF_JSON_IDS})", (ids,)
                )
            insert = "INSERT OR IGNORE INTO temp.reader_tags SELECT ?, rowid FROM"
            self.conn.executemany(
                f"{insert} ({_ROWIDS_OF_JSON_IDS})",
                ((tag, orjson.dumps(ids).decode()) for tag, ids in by_tag.items()),
            )


_ROWIDS_OF_JSON_IDS = "SELECT meta.rowid FROM json_each(?) AS ids JOIN meta ON meta.id = ids.value"
"""The row ids of the article ids in a JSON array (one parameter however many ids)."""


def _connect_rebuilding(path: Path) -> sqlite3.Connection:
    """Open the index file; a damaged one, or one of another version, is started afresh."""
    try:
        return connect(path)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError):
            raise
    remove_index_files(path)
    return connect(path)
