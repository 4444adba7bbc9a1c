"""Date values in queries: ``2025``, ``2025-02``, ``2025-02-23``, ``today``, ``yesterday``
and ``7d`` / ``2w`` / ``3m`` / ``1y`` ago. Each names a span of time in UTC, the time zone
dates are stored and shown in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from store.query.nodes import excerpt

_ABSOLUTE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
_RELATIVE = re.compile(r"(\d{1,5})([dwmy])")
FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, today, yesterday, or Nd/Nw/Nm/Ny ago"

Span = tuple[datetime, datetime]


def parse_when(value: str, now: datetime | None = None) -> Span:
    """The span ``value`` names, as ``[start, end)``; ``ValueError`` with a reason if none."""
    today = _midnight(now or datetime.now(UTC))
    value = value.strip().lower()
    if value in ("today", "yesterday"):
        start = today - timedelta(days=value == "yesterday")
        return start, start + timedelta(days=1)
    if match := _RELATIVE.fullmatch(value):
        start = _ago(today, int(match[1]), match[2])
        return start, start + timedelta(days=1)
    if match := _ABSOLUTE.fullmatch(value):
        try:
            return _calendar_span(int(match[1]), match[2], match[3])
        except OverflowError:
            raise ValueError(f"{excerpt(value)!r} is too far in the future") from None
    raise ValueError(f"{excerpt(value)!r} is not a date ({FORMS})")


def _midnight(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _ago(today: datetime, count: int, unit: str) -> datetime:
    if unit in "dw":
        return today - timedelta(days=count * (7 if unit == "w" else 1))
    months = count * (12 if unit == "y" else 1)
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    if year < 1:
        raise ValueError(f"{count}{unit} ago is before the year 1")
    day = min(today.day, _month_length(year, month + 1))
    return today.replace(year=year, month=month + 1, day=day)


def _month_length(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return (following - timedelta(days=1)).day


def _calendar_span(year: int, month: str | None, day: str | None) -> Span:
    try:
        if month is None:
            return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        start = datetime(year, int(month), int(day or 1), tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"not a real date ({exc})") from None
    if day is not None:
        return start, start + timedelta(days=1)
    return start, start + timedelta(days=_month_length(year, int(month)))
