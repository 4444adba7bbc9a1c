"""Scheduled fetching: durations, when a feed is next due, and rounds that fetch only the
feeds that are due, a failing one backing off without slowing the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.feed_server import ONE_ITEM_RSS, FeedServer

from store.ingest.importer import import_into
from store.ingest.refresh import refresh_feeds
from store.ingest.result import ReadResult, Subscription
from store.ingest.schedule import MAX_BACKOFF_S, next_fetch, parse_duration
from store.ingest.subscriptions import add_feeds, list_feeds, set_feed

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("2d", 172800), (" 90S ", 90)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10", "5x", "0s", "1h-5m", "m15"])
def test_a_duration_that_is_not_one_is_one_line(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    assert "\n" not in str(caught.value)


def _due(update: dict) -> timedelta:
    return datetime.fromisoformat(update["next_fetch"]) - NOW


def test_next_fetch_after_success_failures_ttl_and_retry_after() -> None:
    assert _due(next_fetch(600, failed=False, failures=3, now=NOW)) == timedelta(minutes=10)
    assert next_fetch(600, failed=False, failures=3, now=NOW)["failures"] == 0
    assert _due(next_fetch(600, failed=False, failures=0, ttl_s=3600, now=NOW)) == timedelta(
        hours=1
    )
    waits = [_due(next_fetch(600, failed=True, failures=n, now=NOW)) for n in range(3)]
    assert waits == [timedelta(minutes=10), timedelta(minutes=20), timedelta(minutes=40)]
    capped = next_fetch(600, failed=True, failures=40, now=NOW)
    assert _due(capped) == timedelta(seconds=MAX_BACKOFF_S)
    asked = next_fetch(60, failed=True, failures=0, retry_after_s=3600, now=NOW)
    assert _due(asked) == timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path, feed_server: FeedServer) -> Path:
    path = tmp_path / "articles"
    import_into(path, ReadResult())
    feed_server.serve("/good.xml", ONE_ITEM_RSS)
    feed_server.routes["/bad.xml"] = lambda h, hit: h.send(500, b"down")
    feed_server.routes["/busy.xml"] = lambda h, hit: h.send(503, Retry_After="3600")
    ttl = ONE_ITEM_RSS.replace(b"<title>Local Wire</title>", b"<title>T</title><ttl>120</ttl>")
    feed_server.serve("/ttl.xml", ttl.replace(b"wire.test/1", b"wire.test/ttl"))
    names = ("good", "bad", "busy", "ttl")
    add_feeds(path, [Subscription(feed_server.url(f"/{name}.xml")) for name in names])
    return path


def _next(store: Path) -> dict[str, timedelta]:
    return {
        feed.url.rsplit("/", 1)[1]: datetime.fromisoformat(feed.next_fetch) - NOW
        for feed in list_feeds(store)
    }


def test_a_round_fetches_what_is_due_and_schedules_each_feed(
    store: Path, feed_server: FeedServer
) -> None:
    first = refresh_feeds(store, every=60, now=NOW, timeout=2.0)
    assert len(first.outcomes) == 4 and first.waiting == 0
    assert _next(store) == {
        "good.xml": timedelta(minutes=1),
        "bad.xml": timedelta(minutes=1),
        "busy.xml": timedelta(hours=1),  # Retry-After
        "ttl.xml": timedelta(hours=2),  # <ttl>120</ttl>
    }
    assert first.next_due == NOW + timedelta(minutes=1)
    again = refresh_feeds(store, every=60, now=NOW + timedelta(seconds=30))
    assert again.outcomes == [] and again.waiting == 4
    third = refresh_feeds(store, every=60, now=NOW + timedelta(minutes=1), timeout=2.0)
    assert sorted(o.url.rsplit("/", 1)[1] for o in third.outcomes) == ["bad.xml", "good.xml"]
    assert _next(store)["bad.xml"] == timedelta(minutes=3), "1 + 2 minutes: backing off"
    assert _next(store)["good.xml"] == timedelta(minutes=2), "the others keep their pace"


def test_a_feed_s_own_interval_wins(store: Path) -> None:
    set_feed(store, feed_url_of(store, "good.xml"), {"interval": "10m"})
    refresh_feeds(store, every=60, now=NOW, timeout=2.0)
    assert _next(store)["good.xml"] == timedelta(minutes=10)
    with pytest.raises(ValueError, match="not a duration"):
        set_feed(store, "1", {"interval": "soonish"})


def feed_url_of(store: Path, name: str) -> str:
    return next(feed.url for feed in list_feeds(store) if feed.url.endswith(name))
