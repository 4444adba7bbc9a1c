"""An import's changes written straight into an index that was in step with the store.

Catching up compares every stored document with the index; an import knows what it
changes, so when the index matched the store before the import, the importer hands it just
the new and changed documents, and their words are indexed while their entities are still
being extracted in other processes. Everything goes into one transaction, committed with
the store's new signature once the store is written: a failed import leaves the index as it
was (in step with the unchanged store), and a crash between the two writes leaves an old
signature, so the next open catches up.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any

from store.article import Article
from store.index import sync
from store.index.schema import connect, index_path_for, remove_index_files, time_key
from store.storage import Backend, Place

PLACEHOLDER = b""
"""The fingerprint of a row whose document is still to come: it matches no document."""
TOKENS_AT_ONCE = 50_000
"""Entity-name tokens gathered before they are filed (a few MB)."""


class ImportDelta:
    """New and changed documents of one import, added to the index in three steps: ``add``
    (list row and words, before the entities are known), ``complete`` (the fingerprint of
    the stored document and its entity names), then ``placed`` (where the store wrote it)."""

    def __init__(self, conn: sqlite3.Connection, store: Backend) -> None:
        self.conn = conn
        self.store = store
        self.failed = False
        """Set when the index could not take a change (a full disk, say): the rest is
        skipped and the index is left to catch up."""
        self._taken: dict[int, int] = {}
        self._pending: dict[str, int] = {}
        self._tokens: set[str] = set()
        """Entity-name tokens of completed articles still to be filed (``sync.file_tokens``)."""

    def forget(self, old: Mapping[int, Mapping[str, Any]]) -> None:
        """Forget the indexed versions of articles about to be stored again (changed ones):
        row id -> the document indexed under it."""
        if self.failed:
            return
        with self._guard():
            sync.remove(self.conn, sorted(old), self.store, old)

    def add(self, articles: list[tuple[Mapping[str, Any], Article]]) -> None:
        """List rows and words of (document, article) pairs: each document as the importer
        writes it (``Article.to_document``, entities still to come), with its article.

        FTS5 writes its pending words out whenever a row id comes in lower than the last
        one, so documents are best given oldest first (see ``by_time``): in random order,
        indexing the words takes three times as long."""
        if self.failed:
            return
        unplaced = Place(sync.UNPLACED, "")
        with self._guard():
            for doc, article in articles:
                rowid = sync.add_row(
                    self.conn, article, PLACEHOLDER, self._taken, unplaced, indexed=True
                )
                sync.add_words(self.conn, rowid, doc)
                self._pending[article.id] = rowid

    def complete(self, article_id: str, print_: bytes, names: str) -> None:
        """The fingerprint of the stored document of an article given to ``add``, now with
        its entities, and the names the entities file it under
        (``store.index.names.entity_names``)."""
        if self.failed:
            return
        with self._guard():
            rowid = self._pending.pop(article_id)
            sync.add_names(self.conn, rowid, names, self._tokens)
            if len(self._tokens) >= TOKENS_AT_ONCE:
                sync.file_tokens(self.conn, self._tokens)
            self.conn.execute("UPDATE meta SET fingerprint = ? WHERE rowid = ?", (print_, rowid))

    def discard(self, article_id: str, doc: Mapping[str, Any]) -> None:
        """Forget an article given to ``add`` that is not to be stored after all (``doc``:
        the document its words were indexed from)."""
        if self.failed:
            return
        with self._guard():
            rowid = self._pending.pop(article_id)
            sync.remove(self.conn, [rowid], self.store, {rowid: doc})

    def placed(
        self, part: int, offsets: Mapping[str, tuple[int, int]], tags: Mapping[str, str]
    ) -> None:
        """The store wrote part file ``part`` (see ``store.storage.Placed``)."""
        if self.failed:
            return
        with self._guard():
            sync.relocate(self.conn, part, offsets, tags)

    def commit(self) -> bool:
        """Record the store's new signature with the changes, all at once; False when the
        index could not take them (it catches up instead)."""
        if self.failed:
            return False
        with self._guard():
            if self._pending:
                raise RuntimeError(f"{len(self._pending)} documents added but not completed")
            unplaced = self.conn.execute("SELECT 1 FROM meta WHERE part = ?", (sync.UNPLACED,))
            if unplaced.fetchone() is not None:
                raise RuntimeError("documents added that the store did not place")
            sync.file_tokens(self.conn, self._tokens)
            sync.record_in_step(self.conn, self.store)
            self.conn.commit()
        return not self.failed

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error:
            self.failed = True


def by_time(doc: Mapping[str, Any]) -> int:
    """Sort key of a stored document: the time key its row id will start from."""
    published = doc.get("published")
    return time_key(published if isinstance(published, str) else "")


@contextlib.contextmanager
def import_delta(store: Backend, new_store: bool) -> Iterator[ImportDelta | None]:
    """An ``ImportDelta`` on the index of ``store``, or ``None`` when the index is not in
    step with the store (or cannot be written): the importer then catches it up after
    writing the store. Changes not committed are rolled back on leaving."""
    conn = _in_step(store, new_store)
    delta = None if conn is None else _begun(conn, store)
    try:
        yield delta
    finally:
        if conn is not None:
            if conn.in_transaction:
                conn.rollback()
            with contextlib.suppress(sqlite3.Error):  # as readers expect it (see _written_once)
                conn.execute("PRAGMA journal_mode = WAL")
            conn.close()


def _written_once(conn: sqlite3.Connection) -> None:
    """Fill a new index through a rollback journal rather than the write-ahead log: with the
    log, every page is written twice (to the log, then into the file when it is checkpointed:
    4-5 s more for 100,000 articles); the journal of a new file holds next to nothing. No
    reader can be waiting on the index of a store that does not exist yet; the log is turned
    back on when the import is done, so that readers never need to change the file."""
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA journal_mode = DELETE")


def _begun(conn: sqlite3.Connection, store: Backend) -> ImportDelta | None:
    """A delta holding the index's write lock, or ``None`` when another process kept it
    (past ``BUSY_MS``) or the index cannot be written."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM info WHERE key = 'signature'")
        return ImportDelta(conn, store)
    except sqlite3.Error:
        return None


def _in_step(store: Backend, new_store: bool) -> sqlite3.Connection | None:
    """A connection to the index when it reflects the store as it is (an index of a store
    that does not exist yet belongs to no store and is started afresh)."""
    path = index_path_for(store.path)
    try:
        if new_store:
            remove_index_files(path)
        conn = connect(path)
        if new_store:
            _written_once(conn)
            return conn
    except (sqlite3.Error, OSError):
        return None
    try:
        if sync.stored_signature(conn) == store.signature():
            return conn
    except (sqlite3.Error, OSError):
        pass
    conn.close()
    return None
