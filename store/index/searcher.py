"""Querying the index: result ids in order, list rows, and whole articles.

A connection belongs to one thread: the app's UI thread searches through one, a worker
catching up writes through another (SQLite's WAL mode lets both run at once).
"""

from __future__ import annotations

import bisect
import functools
import operator
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import orjson

from store.article import Article, article_from_document
from store.errors import IndexBusy, IndexDamaged, StoreError
from store.fold import fold
from store.index import sync
from store.index.compile import LAST_CHAR, plan
from store.index.schema import connect, damaged, identity, index_path_for, remove_index_files
from store.query.nodes import Everything, Query, has_free_text
from store.rejects import Reject
from store.storage import Backend, Place, document_at, open_backend

RANK_WINDOW = 5_000
"""Relevance ranks the newest this many matches (then the rest by date): ranking every
match of a word found in nearly every article would cost more than a keystroke allows, and
news readers want recent articles first among equals."""
RANK_WHILE_TYPING = 50_000
"""While typing, free text is ranked only when about this many articles match it or fewer:
FTS5's ranking first counts every match of each of its words in the whole index, which for a
word found in most articles of a 1,000,000-article store takes a quarter of a second or more.
A keystroke then shows the newest matches first; the result as a whole, once typing pauses,
is ranked."""
EXPAND_AT_MOST = 100
"""A prefix of an entity name is searched as the names it begins when there are no more than
this many (at 1,000,000 articles, 100 names take 5 ms, a prefix query 0.1 to 0.5 s); past
that, as a prefix."""
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


P = ParamSpec("P")
T = TypeVar("T")
Method = Callable[Concatenate["SearchIndex", P], T]


def _guarded(what: str = "search index") -> Callable[[Method[P, T]], Method[P, T]]:
    """No SQLite error leaves the index as such: a damaged file is started afresh (see
    ``SearchIndex.damage_found``); anything else is a one-line ``StoreError`` saying
    ``what`` failed."""

    def guard(method: Method[P, T]) -> Method[P, T]:
        @functools.wraps(method)
        def guarded(index: SearchIndex, /, *args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return method(index, *args, **kwargs)
            except sqlite3.Error as exc:
                index.damage_found(exc, what)  # raises unless someone is told of the fresh index
            try:  # answered by the fresh index, which holds nothing yet
                return method(index, *args, **kwargs)
            except sqlite3.Error as exc:
                raise _store_error(exc, what) from None

        return guarded

    return guard


class SearchIndex:
    """The index of one store (see ``store.index.schema``).

    A file found damaged on any call is started afresh at once (``damage_found``); the
    index then holds nothing until it is caught up with the store."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path | None,
        note: str = "",
        store: Backend | None = None,
    ) -> None:
        self.conn = conn
        self.store = store
        """Where the documents are read from (``None``: an index of no store, which holds
        list rows only)."""
        self.path = path
        self.note = note
        """Why the index is kept in memory only (a folder that cannot be written), or ""."""
        self.on_damaged: Callable[[], None] | None = None
        """Told when the file was found damaged and started afresh; the call that found it
        is then answered by the fresh index. Without it, that call raises ``IndexDamaged``."""
        self._file = None if path is None else identity(path)
        self._everything: list[int] | None = None
        self._by_source_order: list[int] | None = None
        self._read_rows: set[int] | None = None
        self._version = self._data_version()
        """The index as the cached lists were made of it (``PRAGMA data_version``)."""

    @classmethod
    def open(cls, store_path: Path) -> SearchIndex:
        """The index beside ``store_path``: rebuilt when damaged, in memory when the folder
        cannot hold one."""
        return cls(*_connect_or_memory(index_path_for(store_path)), open_backend(store_path))

    def close(self) -> None:
        self.conn.close()

    def damage_found(self, exc: sqlite3.Error, what: str = "search index") -> None:
        """After a SQLite error: start a damaged file afresh and tell ``on_damaged`` (or
        raise ``IndexDamaged``); any other error is raised as a ``StoreError``."""
        if not damaged(exc, self.conn):
            raise _store_error(exc, what) from None
        self._start_afresh()
        if self.on_damaged is None:
            raise IndexDamaged(f"search index {self.path} was damaged; started afresh")
        self.on_damaged()

    def _start_afresh(self) -> None:
        """A new, empty index file in place of the damaged one (unless another connection
        has replaced it already: then that one is read)."""
        if self.path is not None and not self.replaced():
            self.conn.close()
            remove_index_files(self.path)
        self._reconnect()

    def replaced(self) -> bool:
        """Whether the file at the index's path is no longer the one this connection reads
        (another connection started a damaged index afresh, or it was deleted)."""
        return self.path is not None and identity(self.path) != self._file

    def follow(self) -> bool:
        """Read the index file now at the path if it was replaced; whether it was (then
        ``set_flags`` and ``set_reader_tags`` are to be given the reading state again)."""
        if not self.replaced():
            return False
        self._reconnect()
        return True

    def _reconnect(self) -> None:
        self.conn.close()
        if self.path is None:
            self.conn = connect(None)
        else:
            self.conn, self.path, note = _connect_or_memory(self.path)
            self.note = note or self.note
        self._file = None if self.path is None else identity(self.path)
        self._read_rows = None
        self.forget_cache()

    @_guarded()
    def in_step(self, store_path: Path) -> bool:
        """Whether the index reflects the store as it is now (and is the file now at its
        path)."""
        if self.replaced():
            return False
        try:
            return sync.stored_signature(self.conn) == open_backend(store_path).signature()
        except (OSError, StoreError):
            return False

    @_guarded()
    def stale_bytes(self, store_path: Path) -> int:
        """How much of the store catching up would read (the part files that changed)."""
        return sum(p.size for p in sync.stale_parts(self.conn, open_backend(store_path).parts()))

    def catch_up(
        self,
        store_path: Path,
        progress: sync.Progress | None = None,
        replaced: Mapping[str, Any] | None = None,
    ) -> sync.CatchUp:
        """Bring the index in step with the store, reading the part files that changed
        (``replaced``: see ``sync.catch_up``). An index found damaged meanwhile is started
        afresh and built again from the store."""
        try:
            return self._catch_up(store_path, progress, replaced)
        except IndexDamaged:
            return self._catch_up(store_path, progress, None)

    def _catch_up(
        self,
        store_path: Path,
        progress: sync.Progress | None,
        replaced: Mapping[str, Any] | None,
    ) -> sync.CatchUp:
        if self.in_step(store_path):  # another process caught it up already
            return sync.CatchUp(rejects=self.rejects(str(store_path)))
        self.forget_cache()
        store = open_backend(store_path)
        self.store = store
        try:
            return sync.catch_up(self.conn, store, str(store_path), progress, replaced)
        except sqlite3.Error as exc:
            if not damaged(exc, self.conn):
                raise _store_error(exc, "search index") from None
            self._start_afresh()
            raise IndexDamaged(f"search index {self.path} was damaged; started afresh") from None

    @_guarded()
    def rejects(self, source: str) -> list[Reject]:
        """The store's documents the index left out at its last catch-up (``source``: the
        store, as the rejects name it)."""
        return sync.stored_rejects(self.conn, source)

    @_guarded()
    def source_runs(self) -> list[tuple[str, int]]:
        """(source, number of articles) of each source, in source order."""
        sql = "SELECT source, COUNT(*) FROM meta GROUP BY sourcekey ORDER BY sourcekey"
        return [(str(source), int(count)) for source, count in self.conn.execute(sql)]

    @_guarded("search failed")
    def search(self, query: Query, limit: int | None = None) -> list[int]:
        """Row ids of the matching articles, in the order the query asks for (newest first
        unless it ranks free text or asks for ``sort:source``); ``StoreError`` in one line
        when SQLite cannot run it.

        With ``limit``, only the newest ``limit`` matches are looked at: for ``limit`` >=
        ``RANK_WINDOW`` their order is the order of the first ``limit`` rows of the whole
        result, so a list can show them while the rest is still to be counted."""
        return self._search(query, limit, quick=False)[0]

    @_guarded("search failed")
    def search_first(self, query: Query, limit: int) -> tuple[list[int], bool]:
        """The newest ``limit`` matches of ``query`` for a keystroke, and whether they are in
        the order of the whole result: free text that matches more than about
        ``RANK_WHILE_TYPING`` articles comes newest first instead of ranked."""
        return self._search(query, limit, quick=True)

    def _search(self, query: Query, limit: int | None, quick: bool) -> tuple[list[int], bool]:
        if isinstance(query.root, Everything):
            everything = self.everything()
            return (self._by_source(everything) if query.order == "source" else everything), True
        order = query.order
        compiled = plan(query.root, self._name_tokens)
        if limit is not None and order != "source":
            hits = self._ids(f"{compiled.sql} LIMIT ?", (*compiled.params, limit))
        else:
            hits = self._ids(compiled.sql, compiled.params)
        ranked = order == "relevance" and has_free_text(query.root)
        if ranked and compiled.match is not None and len(hits) > 1:
            if quick and self._matches_about(hits) > RANK_WHILE_TYPING:
                return hits, False
            return self._ranked(compiled.match, compiled.where, compiled.where_params, hits), True
        if order == "source" and hits:
            return self._by_source(hits), True
        return hits, True

    def _name_tokens(self, start: str) -> list[str] | None:
        """The entity-name tokens that begin with ``start``; ``None`` past ``EXPAND_AT_MOST``
        (``store.index.names.names_match``)."""
        rows = self.conn.execute(
            "SELECT token FROM name_tokens WHERE token >= ? AND token < ? LIMIT ?",
            (start, start + LAST_CHAR, EXPAND_AT_MOST + 1),
        ).fetchall()
        return None if len(rows) > EXPAND_AT_MOST else [token for (token,) in rows]

    def _matches_about(self, hits: list[int]) -> float:
        """How many articles a query matches, judged by how few of the newest articles its
        newest ``RANK_WINDOW`` matches (``hits``, newest first) are spread over."""
        if len(hits) < RANK_WINDOW:
            return len(hits)
        everything = self.everything()
        oldest = hits[RANK_WINDOW - 1]
        spread = bisect.bisect_right(everything, -oldest, key=operator.neg)
        return RANK_WINDOW * len(everything) / max(spread, 1)

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
        self._version = self._data_version()

    @_guarded()
    def changed_elsewhere(self) -> bool:
        """Whether another connection committed to the index since the cached lists were
        made: an import or a fetch in another process (which catches the index up itself,
        so the store and the index still agree), or a catch-up in a worker thread."""
        return self._data_version() != self._version

    def _data_version(self) -> int:
        """Changes whenever another connection commits (never for this one's writes)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @_guarded()
    def everything(self) -> list[int]:
        """Every article, newest first (cached until the index changes, by any process)."""
        if self.changed_elsewhere():
            self.forget_cache()
        if self._everything is None:
            self._everything = self._ids("SELECT rowid FROM meta ORDER BY rowid DESC", ())
        return self._everything

    def _by_source(self, hits: list[int]) -> list[int]:
        if self.changed_elsewhere():
            self.forget_cache()
        if self._by_source_order is None:
            sql = "SELECT rowid FROM meta ORDER BY sourcekey, rowid DESC"
            self._by_source_order = self._ids(sql, ())
        if len(hits) == len(self._by_source_order):
            return self._by_source_order
        wanted = set(hits)
        return [rowid for rowid in self._by_source_order if rowid in wanted]

    @_guarded()
    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM meta").fetchone()[0])

    @_guarded()
    def lingering(self) -> int:
        """Removed articles whose words are still in the index (see ``store.index.schema``)."""
        return int(self.conn.execute("SELECT COUNT(*) FROM lingering").fetchone()[0])

    @_guarded()
    def pending(self) -> int:
        """Articles whose words are not indexed yet."""
        return int(self.conn.execute("SELECT COUNT(*) FROM meta WHERE indexed = 0").fetchone()[0])

    @_guarded()
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

    @_guarded()
    def documents(self, rowids: Sequence[int]) -> list[dict[str, Any]]:
        """The stored documents of ``rowids`` (as the store holds them), in that order; a row
        id no longer indexed, or whose document is no longer in the store, is left out."""
        found: dict[int, dict[str, Any]] = {}
        for rowid, print_, *place in self._placed("rowid", rowids):
            doc = self._document(Place(*place), print_)
            if doc is not None:
                found[rowid] = doc
        return [found[rowid] for rowid in rowids if rowid in found]

    def _document(self, place: Place, print_: bytes) -> dict[str, Any] | None:
        if self.store is None:
            return None
        return document_at(self.store, place, print_)

    @_guarded()
    def article(self, rowid: int) -> Article | None:
        docs = self.documents([rowid])
        return article_from_document(docs[0]) if docs else None

    @_guarded()
    def places(self, article_ids: Sequence[str]) -> dict[str, tuple[int, bytes, Place]]:
        """Where the store holds the articles of ``article_ids`` that are indexed: id ->
        (row id, fingerprint, place)."""
        rows = self._placed("id, rowid", article_ids)
        return {
            article_id: (rowid, print_, Place(*place)) for article_id, rowid, print_, *place in rows
        }

    def _placed(self, by: str, keys: Sequence[int] | Sequence[str]) -> list[tuple[Any, ...]]:
        """(``by`` columns, fingerprint, part, key, offset, length) of the rows whose
        ``by``'s first column is one of ``keys``, 500 at a time."""
        rows: list[tuple[Any, ...]] = []
        column = by.split(",")[0]
        for start in range(0, len(keys), 500):
            chunk = tuple(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            query = (
                f"SELECT {by}, fingerprint, part, key, offset, length FROM meta "
                f"WHERE {column} IN ({marks})"
            )
            rows += self.conn.execute(query, chunk).fetchall()
        return rows

    @_guarded()
    def rowid_of(self, article_id: str) -> int | None:
        row = self.conn.execute("SELECT rowid FROM meta WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else int(row[0])

    @_guarded()
    def learn_entities(self, article: Article) -> None:
        """Record entities extracted after indexing (first display), for entity searches."""
        rowid = self.rowid_of(article.id)
        if rowid is not None:
            with self.conn:
                sync.learn_names(self.conn, rowid, article)

    @_guarded()
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

    @_guarded()
    def unread_among(self, rowids: Sequence[int]) -> int:
        """How many of ``rowids`` are unread (a set lookup each: cheap on every keystroke)."""
        if self._read_rows is None:
            sql = "SELECT rowid FROM temp.flags WHERE read"
            self._read_rows = set(self._ids(sql, ()))
        return len(rowids) - len(self._read_rows.intersection(rowids))

    @_guarded()
    def article_ids(self, rowids: Sequence[int]) -> list[str]:
        """The article ids of ``rowids``, in their order (a bulk change takes ids)."""
        found: dict[int, str] = {}
        for start in range(0, len(rowids), 500):
            chunk = tuple(rowids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            query = f"SELECT rowid, id FROM meta WHERE rowid IN ({marks})"
            found.update(self.conn.execute(query, chunk))
        return [found[rowid] for rowid in rowids if rowid in found]

    @_guarded()
    def tags_in_use(self) -> list[tuple[str, str | None, int]]:
        """Every tag ``tag:`` finds, the articles' own and the reader's, most used first:
        (its folded key, its spelling in an article that has it, or ``None`` when only the
        reader gives it, and how many articles have it)."""
        rows = self.conn.execute(
            "SELECT tag, MAX(own), COUNT(DISTINCT rowid) FROM ("
            " SELECT tag, rowid, rowid AS own FROM tags"
            " UNION ALL SELECT tag, rowid, NULL FROM temp.reader_tags"
            ") GROUP BY tag ORDER BY 3 DESC, tag"
        ).fetchall()
        spelled: dict[str, str] = {}
        for doc in self.documents([own for _, own, _ in rows if own is not None]):
            for name in doc.get("tags", ()):
                spelled.setdefault(fold(name), name)
        return [(tag, spelled.get(tag), count) for tag, _, count in rows]

    @_guarded()
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


def _store_error(exc: sqlite3.Error, what: str) -> StoreError:
    """``exc`` as a one-line ``StoreError``; ``IndexBusy`` when another process holds the
    index."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # extended codes share the low byte
    busy = code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return (IndexBusy if busy else StoreError)(f"{what}: {exc}")


def _connect_or_memory(path: Path) -> tuple[sqlite3.Connection, Path | None, str]:
    """(connection, path, note) of the index file at ``path``, or of one in memory (path
    ``None``, the note saying why) when the folder cannot hold it."""
    try:
        return _connect_rebuilding(path), path, ""
    except (sqlite3.Error, OSError) as exc:
        return connect(None), None, f"search index kept in memory ({path}: {exc})"


def _connect_rebuilding(path: Path) -> sqlite3.Connection:
    """Open the index file; a damaged one, or one of another version, is started afresh."""
    try:
        return connect(path)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and not damaged(exc, None):
            raise
    remove_index_files(path)
    return connect(path)
