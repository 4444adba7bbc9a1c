"""Full-text feeds: ``fetch`` downloads each new or changed item's page, stores its main text
as the body and the feed's text as the summary, and never fetches a kept page again."""

from __future__ import annotations

from pathlib import Path

import pytest
import support
from support.feed_server import FeedServer

from store.article import FULL_TEXT
from store.ingest.importer import import_into
from store.ingest.refresh import refresh_feeds
from store.ingest.result import ReadResult, Subscription
from store.ingest.subscriptions import add_feeds, list_feeds, set_feed
from store.storage.library import open_store

HARBOUR = (support.FIXTURES / "pages" / "harbour.html").read_bytes()


def _rss(base: str, description: str = "Boats are back in the old port.") -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<description>{description}</description>{extra}</item>"
        for title, path, extra in (
            ("Harbour reopens", "/harbour", "<pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate>"),
            ("Undated story", "/undated", ""),
            ("Gone story", "/gone", "<pubDate>Mon, 03 Mar 2025 11:00:00 GMT</pubDate>"),
        )
    )
    channel = f"<channel><title>Wire</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


@pytest.fixture
def store(tmp_path: Path, feed_server: FeedServer) -> Path:
    path = tmp_path / "articles"
    import_into(path, ReadResult())
    feed_server.serve("/feed.xml", _rss(feed_server.url()))
    feed_server.serve("/harbour", HARBOUR, content_type="text/html")
    feed_server.serve("/undated", HARBOUR, content_type="text/html; charset=utf-8")
    feed_server.routes["/gone"] = lambda h, hit: h.send(404, b"gone")
    add_feeds(path, [Subscription(feed_server.url("/feed.xml"), full_text=True)])
    return path


def _stored(path: Path) -> dict[str, dict]:
    return {a.title: a.to_document() for a in open_store(path).articles}


def test_the_page_text_is_the_body_and_the_feed_text_the_summary(
    store: Path, feed_server: FeedServer
) -> None:
    report = refresh_feeds(store)
    assert report.summary.added == 3
    docs = _stored(store)
    harbour = docs["Harbour reopens"]
    assert "42 million euros" in harbour["body"]
    assert harbour["summary"] == "Boats are back in the old port."
    assert harbour[FULL_TEXT] == "ok"
    assert harbour["caption"] == "Fishing boats return to the Grand Harbour on Monday morning."
    assert not harbour["body"].startswith("Fishing boats"), "the body is the article's text"
    assert harbour["author"] == "Maria Camilleri", "the page fills what the feed lacked"
    assert harbour["published"].startswith("2025-03-03T10:00"), "the feed's own date stands"
    assert docs["Undated story"]["published"].startswith("2025-03-03T08:30")


def test_entities_come_from_the_whole_text(store: Path) -> None:
    refresh_feeds(store)
    article = next(a for a in open_store(store).articles if a.title == "Harbour reopens")
    names = {article.body[e.start : e.end] for e in article.entities or ()}
    assert "Joseph Vella" in names, names  # named on the page only


def test_a_page_that_fails_keeps_the_feed_text_and_says_why(store: Path) -> None:
    report = refresh_feeds(store)
    [failed] = report.pages_failed
    assert failed.url.endswith("/gone") and "404" in failed.error
    gone = _stored(store)["Gone story"]
    assert gone["body"] == "Boats are back in the old port."
    assert gone[FULL_TEXT].startswith("failed: ") and "404" in gone[FULL_TEXT]


def test_a_kept_page_is_not_fetched_again_unless_the_item_changed(
    store: Path, feed_server: FeedServer
) -> None:
    refresh_feeds(store)
    second = refresh_feeds(store)
    assert feed_server.hits["/harbour"] == 1
    assert second.summary.added == 0
    assert _stored(store)["Harbour reopens"][FULL_TEXT] == "ok"
    feed_server.serve("/feed.xml", _rss(feed_server.url(), "Boats are back, and a market."))
    refresh_feeds(store)
    assert feed_server.hits["/harbour"] == 2
    assert _stored(store)["Harbour reopens"]["summary"] == "Boats are back, and a market."


def test_a_feed_without_full_text_fetches_no_page(store: Path, feed_server: FeedServer) -> None:
    feed = list_feeds(store)[0]
    assert feed.full_text
    assert not set_feed(store, "1", {"full-text": "off"}).full_text
    report = refresh_feeds(store)
    assert report.pages == [] and feed_server.hits["/harbour"] == 0
    assert FULL_TEXT not in _stored(store)["Harbour reopens"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"colour": "red"}, "not a feed setting"), ({"full-text": "maybe"}, "on or off")],
)
def test_a_setting_that_is_not_one_is_refused(store: Path, settings, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        set_feed(store, "1", settings)


def test_a_title_the_reader_sets_stays(store: Path) -> None:
    set_feed(store, "1", {"title": "My wire"})
    refresh_feeds(store)
    assert list_feeds(store)[0].title == "My wire"
