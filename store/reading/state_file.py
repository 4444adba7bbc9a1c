"""The state file's shared writes: one table changed under the file's lock, documents
merged by id, and the journal folded into the file. Reading state and saved searches both
live in the state file and write it through these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage
from tinydb.table import Table

from store.errors import StoreError
from store.reading.journal import Position, empty, journal_path, read_from
from store.reading.snapshot import updating
from store.storage.atomic import Tables, describe, holding, lock_for

STATE_TABLE = "state"


def fold_journal(path: Path) -> None:
    """Fold the journal of the state file at ``path`` into the file, and empty it: the file
    alone then holds the whole reading state (as TinyDB or another program reads it)."""
    journal = journal_path(path)
    with holding(lock_for(path)):
        read = read_from(journal, Position())
        if read is None or not journal.exists():
            return
        if read[0]:
            upsert_documents(path, STATE_TABLE, read[0])
        empty(journal)


def write_table(path: Path, name: str, change: Callable[[Table], object]) -> None:
    """Apply ``change`` to table ``name`` of the state file at ``path``, under its lock, on
    what the file holds now (another process may have written it since it was read), its
    journal folded in first."""
    make_folder(path)
    with holding(lock_for(path)):
        fold_journal(path)
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
    make_folder(path)
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


def make_folder(path: Path) -> None:
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
