"""Dates in any format a feed or file uses, normalised to ISO 8601 in UTC."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
TWELVE_HOUR = re.compile(r"\b(\d{1,2})(:\d{2}(?::\d{2})?)\s*([AaPp])\.?[Mm]\.?(?=\s|$)")
FUTURE_SLACK = timedelta(days=2)


def parse_date(value: Any, now: datetime | None = None) -> datetime | None:
    """A timezone-aware datetime, or ``None`` for a missing, unreadable or absurd date.

    Accepts ISO 8601, RFC 822 (RSS), ``time.struct_time`` (feedparser) and Unix seconds.
    A date before 1900 or more than two days in the future is absurd.
    """
    moment = _parse(value)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    return moment if EARLIEST <= moment <= latest else None


def _parse(value: Any) -> datetime | None:
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_timestamp(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = TWELVE_HOUR.sub(_to_24_hours, value.strip())
    for parse in (_iso, _rfc822):
        moment = parse(text)
        if moment is not None:
            return moment
    return None


def _to_24_hours(match: re.Match[str]) -> str:
    """ "02:02:33 PM" -> "14:02:33", "12:30 AM" -> "00:30"."""
    hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
    return f"{hour:02d}{match.group(2)}"


def _from_timestamp(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", "+00:00"))
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
