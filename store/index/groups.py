"""Group headers among a result's rows: by day (local time) or by source.

A grouped list of 100,000 rows must cost no more than a flat one, so nothing here reads
rows or formats them. Day groups come from the row ids alone (they are publication times:
``store.index.schema``), one binary search per day; source groups from the store's
source order, counted once per index change, one binary search per source.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from store.index.rows import ResultRows
from store.index.schema import TIE_BITS, UNDATED, UNDATED_SPAN
from store.index.searcher import SearchIndex
from store.query.nodes import Everything, Query

UNDATED_LABEL = "Undated"
NO_SOURCE_LABEL = "(no source)"
_LAST_UNDATED = UNDATED + UNDATED_SPAN
"""Keys below this are articles without a date (after every dated one in date order)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Group:
    """``count`` rows from position ``start`` of the result; ``more``: the result is not
    complete yet and this group may hold more rows than counted."""

    start: int
    count: int
    label: str
    more: bool = False


class Lines:
    """The lines of a list: each group's header line, then its rows.

    Positions count rows only (what the cursor moves over); lines count headers too (what
    is drawn). Without groups the two are the same.
    """

    def __init__(self, rows: int, groups: Sequence[Group] = ()) -> None:
        self.rows = rows
        self.groups = tuple(groups)
        self._starts = [group.start for group in self.groups]
        self._header_lines = [group.start + i for i, group in enumerate(self.groups)]

    def __len__(self) -> int:
        return self.rows + len(self.groups)

    def at(self, line: int) -> Group | int:
        """The header drawn on ``line``, or the position of the row drawn there."""
        before = bisect_right(self._header_lines, line)
        if before and self._header_lines[before - 1] == line:
            return self.groups[before - 1]
        return line - before

    def line_of(self, position: int) -> int:
        """The line the row at ``position`` is drawn on."""
        return position + bisect_right(self._starts, position)

    def starts_group(self, position: int) -> bool:
        """Whether a header line sits just above the row at ``position``."""
        found = bisect_left(self._starts, position)
        return found < len(self._starts) and self._starts[found] == position

    def position_at(self, line: int) -> int:
        """The row on ``line``, or the first row after the header there (clamped)."""
        line = max(0, min(line, len(self) - 1))
        item = self.at(line)
        position = item.start if isinstance(item, Group) else item
        return max(0, min(position, self.rows - 1))


def day_groups(rowids: Sequence[int], complete: bool = True) -> list[Group]:
    """Groups of ``rowids`` (newest first, as in date order) by local publication day;
    undated articles, last, form one group."""
    groups: list[Group] = []
    at = 0
    while at < len(rowids):
        first = rowids[at]
        if first < _LAST_UNDATED:
            label, end = UNDATED_LABEL, len(rowids)
        else:
            day = local_day(first >> TIE_BITS)
            floor = max(_day_start(day) << TIE_BITS, _LAST_UNDATED)
            label = day_label(day)
            end = _first_below(rowids, floor, at)
        groups.append(Group(at, end - at, label))
        at = end
    return _mark_last(groups, complete)


def _first_below(rowids: Sequence[int], floor: int, at: int) -> int:
    """The first position after ``at`` whose row id is below ``floor`` (``rowids`` newest
    first): galloping from ``at``, so a day of 90 rows costs about 14 steps, not a search
    of the whole result (``bisect`` with a ``key`` costs ten times more per step)."""
    low, high, step = at, at + 1, 1
    while high < len(rowids) and rowids[high] >= floor:
        low, step = high, step * 2
        high = low + step
    high = min(high, len(rowids))
    while high - low > 1:
        middle = (low + high) // 2
        if rowids[middle] >= floor:
            low = middle
        else:
            high = middle
    return high


def local_day(second: int) -> date:
    """The reader's local calendar day of a Unix time (UTC where the platform's clock
    functions give up, far from now)."""
    try:
        return datetime.fromtimestamp(second).date()
    except (OverflowError, OSError, ValueError):
        pass
    try:
        return (_EPOCH + timedelta(seconds=second)).date()
    except OverflowError:
        return date.min if second < 0 else date.max


def _day_start(day: date) -> int:
    """The Unix time of local midnight starting ``day`` (DST-aware, through mktime)."""
    try:
        return int(datetime(day.year, day.month, day.day).timestamp())
    except (OverflowError, OSError, ValueError):
        return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
"""Names looked up, not formatted by ``strftime`` (ten times slower, and a thousand days
are labelled per result)."""


def day_label(day: date) -> str:
    """``Tuesday 1 December 2026``."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month]} {day.year}"


def local_date_text(published: str) -> str:
    """``YYYY-MM-DD`` of a stored (UTC) date in the reader's zone, as the day headers
    count it; empty for an undated article."""
    if not published:
        return ""
    try:
        return datetime.fromisoformat(published).astimezone().date().isoformat()
    except (ValueError, OverflowError, OSError):
        return published[:10]


def _mark_last(groups: list[Group], complete: bool) -> list[Group]:
    if groups and not complete:
        last = groups[-1]
        groups[-1] = Group(last.start, last.count, last.label, more=True)
    return groups


class Grouper:
    """Groups of one index's results. Remembers the store's source runs (each source's
    name and article count, in source order) until the index changes."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._order: Sequence[int] | None = None
        self._counts: list[int] = []
        self._labels: list[str] = []
        self._run_of: dict[int, int] | None = None
        self._last: tuple[list[int], str, bool, list[Group]] | None = None

    def groups(self, rows: ResultRows, by: str) -> list[Group]:
        """``rows`` grouped ``by`` day (rows in date order), source (rows in source order)
        or not at all (``none``). The index hands out the same list for every search of
        the whole store (the empty query), so its groups are kept for the next time."""
        last = self._last
        if last is not None and last[0] is rows.rowids and last[1:3] == (by, rows.complete):
            return last[3]
        if by == "day":
            groups = day_groups(rows.rowids, rows.complete)
        elif by == "source":
            groups = _mark_last(self._source_groups(rows.rowids), rows.complete)
        else:
            return []
        self._last = (rows.rowids, by, rows.complete, groups)
        return groups

    def _source_groups(self, rowids: Sequence[int]) -> list[Group]:
        """Groups of ``rowids``, a subsequence of the store's source order."""
        order = self.index.search(Query(Everything(), "source"))  # cached by the index
        if order is not self._order:
            self._read_runs(order)
        if sum(self._counts) != len(order):
            return []  # another connection changed the index: regrouped once caught up
        if len(rowids) == len(order):
            return self._whole_store()
        run_of = self._runs_by_rowid()
        groups: list[Group] = []
        at = 0
        while at < len(rowids):
            run = run_of[rowids[at]]
            end = _first_past(rowids, run_of, run, at)
            groups.append(Group(at, end - at, self._labels[run]))
            at = end
        return groups

    def _whole_store(self) -> list[Group]:
        groups, at = [], 0
        for label, count in zip(self._labels, self._counts, strict=True):
            groups.append(Group(at, count, label))
            at += count
        return groups

    def _read_runs(self, order: Sequence[int]) -> None:
        runs = self.index.source_runs()
        self._labels = [source.strip() or NO_SOURCE_LABEL for source, _ in runs]
        self._counts = [count for _, count in runs]
        self._order = order
        self._run_of = None

    def _runs_by_rowid(self) -> dict[int, int]:
        """Each article's run (its source's place in source order), built on the first
        filtered result after the index changed."""
        if self._run_of is None:
            runs = (run for run, count in enumerate(self._counts) for _ in range(count))
            self._run_of = dict(zip(self._order or (), runs, strict=True))
        return self._run_of


def _first_past(rowids: Sequence[int], run_of: dict[int, int], run: int, at: int) -> int:
    """The first position after ``at`` whose row is of a later run than ``run`` (runs never
    decrease along ``rowids``): galloping, a few dictionary lookups per source."""
    low, high, step = at, at + 1, 1
    while high < len(rowids) and run_of[rowids[high]] == run:
        low, step = high, step * 2
        high = low + step
    high = min(high, len(rowids))
    while high - low > 1:
        middle = (low + high) // 2
        if run_of[rowids[middle]] == run:
            low = middle
        else:
            high = middle
    return high
