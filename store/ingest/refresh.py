"""Fetch every subscribed feed and merge what arrived into the store in one write; for
full-text feeds, each new or changed item's page first (``store.ingest.fulltext``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from store.article import FEED, Article
from store.ingest.fetch import FeedRequest, FetchOutcome, fetch_all
from store.ingest.fulltext import PageOutcome, with_whole_text
from store.ingest.importer import ImportSummary, import_into
from store.ingest.result import ReadResult
from store.ingest.rules import Rules
from store.ingest.schedule import feed_interval, is_due, moment_of, next_fetch
from store.ingest.subscriptions import Feed, list_feeds

MIN_PAUSE_S = 1.0
"""Scheduled rounds are at least this far apart, however soon a feed is due."""


@dataclass
class RefreshReport:
    outcomes: list[FetchOutcome]
    summary: ImportSummary
    pages: list[PageOutcome] = field(default_factory=list)
    """The article pages fetched for full-text feeds."""
    waiting: int = 0
    """Subscriptions a scheduled fetch left for later (not yet due, or backing off)."""
    next_due: datetime | None = None
    """When the next subscription is due, for a scheduled fetch."""

    @property
    def failed(self) -> list[FetchOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def pages_failed(self) -> list[PageOutcome]:
        return [page for page in self.pages if page.page is None]

    def pause(self, every: float) -> float:
        """Seconds until the next scheduled round: when the first feed is due again, at
        least ``MIN_PAUSE_S`` and at most ``every``."""
        if self.next_due is None:
            return every
        left = (self.next_due - datetime.now(UTC)).total_seconds()
        return min(max(left, MIN_PAUSE_S), every)

    def round_line(self) -> str:
        """A scheduled round in one line: what came, what failed, what waits."""
        summary, failed = self.summary, self.failed
        ignored = f", {summary.ignored} ignored" if summary.ignored else ""
        line = (
            f"{summary.added} new, {summary.updated} updated{ignored}; {len(self.outcomes)} "
            f"feed(s) fetched, {len(failed)} failed, {self.waiting} waiting"
        )
        if failed:
            line += f" (first: {failed[0].url}: {failed[0].error})"
        return line


def refresh_feeds(
    path: Path,
    *,
    workers: int = 8,
    timeout: float = 15.0,
    on_outcome: Callable[[FetchOutcome], None] | None = None,
    on_page: Callable[[PageOutcome], None] | None = None,
    every: float | None = None,
    now: datetime | None = None,
    rules: Rules | None = None,
) -> RefreshReport:
    """Fetch the subscriptions of the store at ``path`` concurrently, then merge once.

    With ``every`` (seconds), a scheduled round: only the feeds that are due are fetched,
    and each is given its next due time (its own interval or ``every``, its ``<ttl>``, a
    ``Retry-After``, a doubling backoff while it fails). ``rules`` judge the new articles,
    each knowing the feed it came from."""
    moment = now or datetime.now(UTC)
    every_feed = list_feeds(path)
    feeds = every_feed if every is None else [f for f in every_feed if is_due(f.next_fetch, moment)]
    requests = [FeedRequest(f.url, f.etag, f.modified) for f in feeds]
    outcomes = fetch_all(requests, workers=workers, timeout=timeout, on_outcome=on_outcome)
    for outcome in outcomes:
        outcome.result.articles = [_from_feed(a, outcome.url) for a in outcome.result.articles]
    pages = _whole_texts(path, outcomes, {f.url for f in feeds if f.full_text}, timeout, on_page)
    result = ReadResult()
    for outcome in outcomes:
        result.extend(outcome.result)
    by_url = {feed.url: feed for feed in feeds}
    updates = {outcome.url: _feed_update(outcome) for outcome in outcomes}
    if every is not None:
        fetched_at = now or datetime.now(UTC)  # a slow round must not leave everything due
        for outcome in outcomes:
            updates[outcome.url] |= _scheduled(by_url[outcome.url], outcome, every, fetched_at)
    summary = import_into(path, result, feed_updates=updates, rules=rules)
    report = RefreshReport(outcomes, summary, pages, len(every_feed) - len(feeds))
    if every is not None:
        report.next_due = _next_due(every_feed, updates)
    return report


def _from_feed(article: Article, url: str) -> Article:
    """The article marked with the subscription it came from (``feed:`` searches, the
    feeds view's counts, rules kept to one feed)."""
    return dataclasses.replace(article, extra={**article.extra, FEED: url})


def _scheduled(feed: Feed, outcome: FetchOutcome, every: float, now: datetime) -> dict[str, object]:
    return next_fetch(
        feed_interval(feed.interval, every),
        failed=outcome.status == "failed",
        failures=feed.failures,
        retry_after_s=outcome.retry_after,
        ttl_s=outcome.result.feed_ttl_s,
        now=now,
    )


def _next_due(feeds: list[Feed], updates: dict[str, dict[str, object]]) -> datetime | None:
    times = [str(updates.get(f.url, {}).get("next_fetch") or f.next_fetch) for f in feeds]
    moments = [m for m in map(moment_of, times) if m is not None]
    return min(moments, default=None)


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


def _feed_update(outcome: FetchOutcome) -> dict[str, object]:
    update: dict[str, object] = {
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
