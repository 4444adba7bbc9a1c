"""A result list that fetches its rows as they are looked at.

A list pane over 100,000 results draws a screenful; only those rows (and a window around
them, for smooth scrolling) are read from the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from store.index.searcher import Row, SearchIndex

WINDOW = 200
GONE = Row("", "", "", "(removed)")


class ResultRows(Sequence[Row]):
    """The rows of a result, in result order, read from ``index`` on demand."""

    def __init__(self, index: SearchIndex, rowids: list[int], complete: bool = True) -> None:
        self.source = index
        self.rowids = rowids
        self.complete = complete
        """False when these are only the first rows of the result (a search while typing)."""
        self._cache: dict[int, Row] = {}

    def __len__(self) -> int:
        return len(self.rowids)

    @overload
    def __getitem__(self, position: int) -> Row: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[Row]: ...

    def __getitem__(self, position: int | slice) -> Row | Sequence[Row]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        rowid = self.rowids[position]
        if rowid not in self._cache:
            self._fetch_around(position % len(self.rowids))
        return self._cache.get(rowid, GONE)

    def _fetch_around(self, position: int) -> None:
        start = max(0, position - WINDOW // 4)
        wanted = [r for r in self.rowids[start : start + WINDOW] if r not in self._cache]
        self._cache.update(self.source.rows(wanted))
        if len(self._cache) > 20 * WINDOW:
            self._cache = {r: self._cache[r] for r in wanted if r in self._cache}

    def position_of(self, article_id: str | None) -> int | None:
        """Where an article is in the result, or ``None``."""
        if article_id is None:
            return None
        rowid = self.source.rowid_of(article_id)
        if rowid is None:
            return None
        try:
            return self.rowids.index(rowid)
        except ValueError:
            return None
