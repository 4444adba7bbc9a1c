"""``newsdesk fetch --every DURATION``: fetch the feeds that are due, round after round,
until interrupted, one summary line (or JSON object) per round.

Each feed has its own next due time (``store.ingest.schedule``): its interval or the global
one, its ``<ttl>``, a server's ``Retry-After``, and a backoff that doubles while it fails.
The next round starts when the first feed is due again, at most DURATION later.
"""

from __future__ import annotations

import argparse
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from store import StoreError, resolve_store
from tui.commands.output import EXIT_OK, EXIT_UNUSABLE, fail, print_json, say, warn

if TYPE_CHECKING:
    from store.ingest.refresh import RefreshReport


def run_fetch_every(args: argparse.Namespace) -> int:
    from store.ingest.schedule import parse_duration

    try:
        every = parse_duration(args.every)
        path = resolve_store(args.db)
    except (ValueError, StoreError) as exc:
        return fail(str(exc))
    from tui.commands.rules import arrival_rules

    args.rules = arrival_rules()
    rounds = 0
    signal.signal(signal.SIGTERM, _interrupted)  # a service manager's stop: as Ctrl-C
    try:
        while True:
            pause = _round(path, every, args, first=rounds == 0)
            if pause is None:
                return EXIT_UNUSABLE
            rounds += 1
            time.sleep(pause)
    except KeyboardInterrupt:
        say(f"stopped after {rounds} round(s)")
        return EXIT_OK


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _round(path: Path, every: float, args: argparse.Namespace, first: bool) -> float | None:
    """One round; the seconds until the next (``None``: the first round could not run)."""
    from store import refresh_feeds

    try:
        report = refresh_feeds(
            path, workers=args.workers, timeout=args.timeout, every=every, rules=args.rules
        )
    except StoreError as exc:
        if first:
            fail(str(exc))
            return None
        warn(f"round skipped: {exc}")  # another writer holding the store, say: next round
        return every
    if first and not report.outcomes and not report.waiting:
        fail("no subscriptions: add one with 'newsdesk feeds add URL'")
        return None
    if args.json:
        print_json(_round_dict(report))
    else:
        say(_round_line(report))
    return report.pause(every)


def _round_line(report: RefreshReport) -> str:
    return f"{datetime.now().strftime('%H:%M:%S')}  {report.round_line()}"


def _round_dict(report: RefreshReport) -> dict[str, object]:
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        **report.summary.to_dict(),
        "fetched": len(report.outcomes),
        "failed": [{"url": o.url, "error": o.error} for o in report.failed],
        "waiting": report.waiting,
        "next_due": report.next_due.isoformat(timespec="seconds") if report.next_due else None,
    }
