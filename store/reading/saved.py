"""Saved searches: named queries kept in the reader's state file, opened like feeds.

A saved search is a virtual feed (newsboat's "query feed"): its articles are whatever the
query matches now, so new articles appear in it as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tinydb import Query as Where
from tinydb.table import Table

from store.errors import StoreError
from store.query import QueryError, parse_query
from store.reading.state_file import write_table
from store.storage.atomic import read_tables

SEARCHES_TABLE = "searches"
MAX_NAME = 60


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str


class SavedSearches:
    """The saved searches of one state file, in the order they were saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error: str | None = None
        self._searches: list[SavedSearch] = []
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            table = read_tables(self.path).get(SEARCHES_TABLE, {})
        except StoreError as exc:
            self.error = f"saved searches not saved: {exc}"
            return
        docs = sorted(table.items(), key=lambda item: int(item[0]) if item[0].isdigit() else 0)
        self._searches = [
            SavedSearch(doc["name"], doc["query"])
            for _, doc in docs
            if isinstance(doc, dict)
            and isinstance(doc.get("name"), str)
            and isinstance(doc.get("query"), str)
        ]

    def all(self) -> list[SavedSearch]:
        return list(self._searches)

    def save(self, name: str, query: str) -> SavedSearch:
        """Save (or replace) ``name``; raises ``ValueError`` with a reason for a bad one."""
        saved = SavedSearch(_checked_name(name), _checked_query(query))
        self._searches = [s for s in self._searches if s.name != saved.name] + [saved]
        doc = {"name": saved.name, "query": saved.query, "saved": _now()}

        def replace(table: Table) -> None:
            table.remove(Where().name == saved.name)
            table.insert(doc)

        self._write(replace)
        return saved

    def delete(self, name: str) -> None:
        self._searches = [s for s in self._searches if s.name != name]
        self._write(lambda table: table.remove(Where().name == name))

    def _write(self, change: Callable[[Table], object]) -> None:
        if self.error is not None:
            return
        try:
            write_table(self.path, SEARCHES_TABLE, change)
        except (StoreError, OSError) as exc:
            self.error = f"saved searches not saved: {exc}"


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValueError("a saved search needs a name")
    if len(name) > MAX_NAME:
        raise ValueError(f"names are at most {MAX_NAME} characters")
    return name


def _checked_query(query: str) -> str:
    query = query.strip()
    if not query:
        raise ValueError("nothing to save: type a query first")
    try:
        parse_query(query)
    except QueryError as exc:
        raise ValueError(f"not saved: {exc}") from None
    return query


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
