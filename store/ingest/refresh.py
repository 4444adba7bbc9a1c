"""Fetch every subscribed feed and merge what arrived into the store in one write; for
full-text feeds, each new or changed item's page first (``store.ingest.fulltext``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from store.ingest.fetch import FeedRequest, FetchOutcome, fetch_all
from store.ingest.fulltext import PageOutcome, with_whole_text
from store.ingest.importer import ImportSummary, import_into
from store.ingest.result import ReadResult
from store.ingest.subscriptions import list_feeds


@dataclass
class RefreshReport:
    outcomes: list[FetchOutcome]
    summary: ImportSummary
    pages: list[PageOutcome] = field(default_factory=list)
    """The article pages fetched for full-text feeds."""

    @property
    def failed(self) -> list[FetchOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def pages_failed(self) -> list[PageOutcome]:
        return [page for page in self.pages if page.page is None]


def refresh_feeds(
    path: Path,
    *,
    workers: int = 8,
    timeout: float = 15.0,
    on_outcome: Callable[[FetchOutcome], None] | None = None,
    on_page: Callable[[PageOutcome], None] | None = None,
) -> RefreshReport:
    """Fetch all subscriptions of the store at ``path`` concurrently, then merge once."""
    feeds = list_feeds(path)
    requests = [FeedRequest(f.url, f.etag, f.modified) for f in feeds]
    outcomes = fetch_all(requests, workers=workers, timeout=timeout, on_outcome=on_outcome)
    pages = _whole_texts(path, outcomes, {f.url for f in feeds if f.full_text}, timeout, on_page)
    result = ReadResult()
    for outcome in outcomes:
        result.extend(outcome.result)
    updates = {outcome.url: _feed_update(outcome) for outcome in outcomes}
    return RefreshReport(outcomes, import_into(path, result, feed_updates=updates), pages)


def _whole_texts(
    path: Path,
    outcomes: list[FetchOutcome],
    full_text: set[str],
    timeout: float,
    on_page: Callable[[PageOutcome], None] | None,
) -> list[PageOutcome]:
    """Put the whole text in the articles of full-text feeds (all their pages fetched
    together, so the per-host limit holds across feeds); the pages fetched."""
    chosen = [o for o in outcomes if o.url in full_text and o.result.articles]
    if not chosen:
        return []
    articles = [article for outcome in chosen for article in outcome.result.articles]
    whole, pages = with_whole_text(path, articles, timeout=timeout, on_page=on_page)
    by_id = {article.id: article for article in whole}
    for outcome in chosen:
        outcome.result.articles = [by_id[a.id] for a in outcome.result.articles]
    return pages


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
