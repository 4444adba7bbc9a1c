"""When each feed is next due: the reader's interval (global or the feed's own), the feed's
``<ttl>``, a server's ``Retry-After``, and a backoff that doubles while a feed keeps failing,
so one broken feed never slows the others.

A feed's schedule is kept in its subscription (``next_fetch``, ``failures``), so it holds
across runs of ``newsdesk fetch --every`` and the app alike.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_BACKOFF_S = 24 * 3600.0
"""A feed that keeps failing is still tried once a day."""
MIN_INTERVAL_S = 1.0
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d)", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds in ``30s``, ``15m``, ``1h``, ``1h30m`` or ``2d``; raises ``ValueError`` with
    one line for anything else."""
    spec = text.strip().lower().replace(" ", "")
    parts = _PART.findall(spec)
    if not spec or "".join(n + u for n, u in parts) != spec:
        raise ValueError(f"{text!r} is not a duration: say 30s, 15m, 1h or 1h30m")
    seconds = sum(float(number) * _UNIT_S[unit] for number, unit in parts)
    if seconds < MIN_INTERVAL_S:
        raise ValueError(f"{text!r} is too short: at least 1s")
    return seconds


def is_due(next_fetch: str, now: datetime) -> bool:
    """Whether a subscription's next fetch has come (a feed never fetched always has)."""
    due = moment_of(next_fetch)
    return due is None or due <= now


def next_fetch(
    interval_s: float,
    *,
    failed: bool,
    failures: int,
    retry_after_s: float = 0.0,
    ttl_s: float = 0.0,
    now: datetime,
) -> dict[str, Any]:
    """The schedule fields of a subscription after a fetch: when it is next due, and how
    many times in a row it has failed."""
    if failed:
        failures += 1
        wait = min(interval_s * 2 ** (failures - 1), MAX_BACKOFF_S)
    else:
        failures = 0
        wait = max(interval_s, ttl_s)
    wait = max(wait, retry_after_s)
    return {"failures": failures, "next_fetch": _iso(now + timedelta(seconds=wait))}


def feed_interval(own: str, default_s: float) -> float:
    """The feed's own interval (``feeds set N interval=1h``), else ``default_s``."""
    if own:
        try:
            return parse_duration(own)
        except ValueError:
            return default_s
    return default_s


def moment_of(text: str) -> datetime | None:
    """An ISO 8601 moment (UTC when it names no zone), or ``None``."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
