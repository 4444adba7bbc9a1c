"""Fetch every subscribed feed and merge what arrived into the store in one write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from store.ingest.fetch import FeedRequest, FetchOutcome, fetch_all
from store.ingest.importer import ImportSummary, import_into
from store.ingest.result import ReadResult
from store.ingest.subscriptions import list_feeds


@dataclass
class RefreshReport:
    outcomes: list[FetchOutcome]
    summary: ImportSummary

    @property
    def failed(self) -> list[FetchOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


def refresh_feeds(
    path: Path,
    *,
    workers: int = 8,
    timeout: float = 15.0,
    on_outcome: Callable[[FetchOutcome], None] | None = None,
) -> RefreshReport:
    """Fetch all subscriptions of the store at ``path`` concurrently, then merge once."""
    requests = [FeedRequest(f.url, f.etag, f.modified) for f in list_feeds(path)]
    outcomes = fetch_all(requests, workers=workers, timeout=timeout, on_outcome=on_outcome)
    result = ReadResult()
    for outcome in outcomes:
        result.extend(outcome.result)
    updates = {outcome.url: _feed_update(outcome) for outcome in outcomes}
    return RefreshReport(outcomes, import_into(path, result, feed_updates=updates))


def _feed_update(outcome: FetchOutcome) -> dict[str, str]:
    update = {
        "last_fetched": datetime.now(UTC).isoformat(timespec="seconds"),
        "last_status": outcome.status,
        "last_error": outcome.error,
    }
    if outcome.status != "failed":
        update.update(etag=outcome.etag, modified=outcome.modified)
    if outcome.result.feed_title:
        update["title"] = outcome.result.feed_title
    if outcome.permanent_url:
        update["url"] = outcome.permanent_url
    return update
