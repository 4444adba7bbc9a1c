"""Reading state (read, starred, last opened) in a small TinyDB file of its own.

State changes on every keystroke, so it never lives in the article file: marking an article
read rewrites a small file, not the whole store. Each change is made under the file's lock on
what the file holds then (re-read only if another process has written it since), so two
processes on one store never lose each other's updates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage
from tinydb.table import Table

from store.errors import StoreError
from store.snapshot import updating
from store.storage import Tables, describe, read_tables

STATE_TABLE = "state"


class ReadingState:
    """Per-article flags, cached in memory and written through to disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error: str | None = None
        self._flags: dict[str, dict[str, Any]] = {}
        self._load()

    @property
    def writable(self) -> bool:
        return self.error is None

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            table = read_tables(self.path).get(STATE_TABLE, {})
        except StoreError as exc:
            self.error = f"reading state not saved: {exc}"
            return
        if not all(isinstance(doc, dict) for doc in table.values()):
            self.error = f"reading state not saved: {self.path}: not a reading state file"
            return
        self._flags = {doc["id"]: doc for doc in table.values() if isinstance(doc.get("id"), str)}

    def flags(self) -> list[tuple[str, bool, bool]]:
        """(article id, read, starred) of every article with a state."""
        return [
            (article_id, bool(doc.get("read")), bool(doc.get("starred")))
            for article_id, doc in self._flags.items()
        ]

    def is_read(self, article_id: str) -> bool:
        return bool(self._flags.get(article_id, {}).get("read"))

    def is_starred(self, article_id: str) -> bool:
        return bool(self._flags.get(article_id, {}).get("starred"))

    def set_read(self, article_id: str, read: bool = True) -> None:
        changes: dict[str, Any] = {"read": read}
        if read:
            changes["opened"] = datetime.now(UTC).isoformat(timespec="seconds")
        self._update(article_id, changes)

    def toggle_read(self, article_id: str) -> bool:
        read = not self.is_read(article_id)
        self._update(article_id, {"read": read})
        return read

    def toggle_star(self, article_id: str) -> bool:
        starred = not self.is_starred(article_id)
        self._update(article_id, {"starred": starred})
        return starred

    def _update(self, article_id: str, changes: dict[str, Any]) -> None:
        """Apply ``changes`` in memory, then durably; failures keep the app going read-only."""
        self._flags.setdefault(article_id, {"id": article_id}).update(changes)
        if not self.writable:
            return
        try:
            self._write(article_id, changes)
        except (StoreError, OSError) as exc:
            self.error = f"reading state not saved: {exc}"

    def _write(self, article_id: str, changes: dict[str, Any]) -> None:
        upsert_documents(self.path, STATE_TABLE, [dict(changes, id=article_id)])


def write_table(path: Path, name: str, change: Callable[[Table], object]) -> None:
    """Apply ``change`` to table ``name`` of the state file at ``path``, under its lock, on
    what the file holds now (another process may have written it since it was read)."""
    _make_folder(path)
    with updating(path) as snapshot:
        snapshot.tables.setdefault(name, {})
        # A fresh Table per write: TinyDB caches the next document id per Table, which
        # would collide with ids another process has since used.
        change(Table(_InMemory(snapshot.tables), name, cache_size=0))
        snapshot.changed_all()  # the change may have moved any document


def upsert_documents(
    path: Path, name: str, docs: Iterable[Mapping[str, Any]], key: str = "id"
) -> None:
    """Merge each of ``docs`` into the document of table ``name`` with the same ``key``
    field (a new document if none has it), in one write, as TinyDB's ``upsert`` would.

    What ``write_table`` does with a query, without scanning the table for each document:
    marking an article read costs the same with 100 or 100,000 articles in the file.
    """
    # A copy through JSON: the kept tables share no list with the caller, and a value that
    # cannot be stored fails here, before anything is changed.
    copies: list[dict[str, Any]] = orjson.loads(orjson.dumps(list(docs)))
    _make_folder(path)
    with updating(path) as snapshot:
        table = snapshot.tables.setdefault(name, {})
        index = snapshot.index(name, key)
        for doc in copies:
            doc_id = index.ids.get(doc[key])
            if doc_id is None or not isinstance(table.get(doc_id), dict):
                doc_id, index.next_id = str(index.next_id), index.next_id + 1
                index.ids[doc[key]] = doc_id
                table[doc_id] = {}
            table[doc_id].update(doc)
            snapshot.changed(name, doc_id)


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot create the folder: {describe(exc)}") from None


class _InMemory(Storage):
    """A TinyDB storage over tables already in memory: the Table changes them there, and
    ``updating`` writes them to the file once, however many reads and writes TinyDB does."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def read(self) -> Tables:
        return self.tables

    def write(self, data: Tables) -> None:
        if data is not self.tables:
            self.tables.clear()
            self.tables.update(data)
