"""Reading state (read, starred, tags, last opened) in a small TinyDB file of its own.

State changes on every keystroke, so it never lives in the article file: marking an article
read rewrites a small file, not the whole store. Each change is made under the file's lock on
what the file holds then (re-read only if another process has written it since), so two
processes on one store never lose each other's updates.
"""

from __future__ import annotations

from collections import Counter
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
from store.undo import Edit, tag_key, tags_in

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

    def opened(self, article_id: str) -> str | None:
        """When the article was last opened (ISO 8601, UTC), or ``None``."""
        value = self._flags.get(article_id, {}).get("opened")
        return value if isinstance(value, str) else None

    def mark_opened(self, article_id: str) -> None:
        """Record an opening that leaves the read flag alone (auto-mark-read off)."""
        self._update(article_id, {"opened": _now()})

    def tags_of(self, article_id: str) -> tuple[str, ...]:
        """The reader's own tags of an article, in the order they were added."""
        return tuple(tags_in(self._flags.get(article_id, {})))

    def known_tags(self) -> list[tuple[str, int]]:
        """Every tag in use with the number of articles carrying it, most used first."""
        counts: Counter[str] = Counter()
        shown: dict[str, str] = {}
        for doc in self._flags.values():
            for tag in tags_in(doc):
                counts[tag_key(tag)] += 1
                shown.setdefault(tag_key(tag), tag)
        return [
            (shown[key], n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def reader_tags(self) -> list[tuple[str, tuple[str, ...]]]:
        """(article id, tags) of every article with a state, for ``tag:`` searches."""
        return [(article_id, tuple(tags_in(doc))) for article_id, doc in self._flags.items()]

    def apply(self, edits: Mapping[str, Edit]) -> dict[str, Edit]:
        """Apply an edit per article in ONE write of the state file (a bulk change of
        10,000 articles is one rewrite, not 10,000); returns the edits that undo it, for
        the articles it changed."""
        undo: dict[str, Edit] = {}
        alike: dict[tuple[object, ...], Edit] = {}
        for article_id, edit in edits.items():
            doc = self._flags.setdefault(article_id, {"id": article_id})
            before = (id(edit), *edit.touched(doc))
            inverse = alike.get(before)
            if inverse is None:  # a bulk change has few distinct (edit, state before) pairs
                inverse = alike[before] = edit.inverse(doc)
            if edit.apply(doc):
                undo[article_id] = inverse
        if undo and self.writable:
            changed = {article_id: edits[article_id] for article_id in undo}
            try:
                write_table(
                    self.path, STATE_TABLE, lambda table: self._apply_on_disk(table, changed)
                )
            except (StoreError, OSError) as exc:
                self.error = f"reading state not saved: {exc}"
        return undo

    def _apply_on_disk(self, table: Table, edits: Mapping[str, Edit]) -> None:
        """Apply ``edits`` to the documents the file holds now (another process may have
        changed them since they were read), keeping what it wrote."""

        def update(docs: dict[int, Any]) -> None:
            by_id = {doc.get("id"): doc for doc in docs.values() if isinstance(doc, dict)}
            next_id = max(docs, default=0) + 1
            for article_id, edit in edits.items():
                doc = by_id.get(article_id)
                if doc is None:
                    doc = docs[next_id] = {"id": article_id}
                    next_id += 1
                edit.apply(doc)
                self._flags[article_id] = dict(doc)

        # One read and one write of the file; Table's public methods take one per document.
        table._update_table(update)

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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
