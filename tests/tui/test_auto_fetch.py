"""``auto_fetch`` in the config: the app fetches on a schedule without a key, new articles
join the list in place and the cursor stays on its article."""

from __future__ import annotations

from support.feed_server import FeedServer, Handler
from tui_support import article_list, shown_ids, wait_until

from store import Article, Config
from store.ingest.result import Subscription
from store.ingest.subscriptions import add_feeds

WIDE = (120, 30)
OLD = Article(
    id="old",
    title="Yesterday's story",
    source="Desk",
    published="2024-01-01T08:00:00+00:00",
    body="Written before the feed had anything new.",
)


def _fresh(h: Handler, hit: int) -> None:
    rss = (
        '<rss version="2.0"><channel><title>Wire</title><item><title>Fresh story</title>'
        "<guid>fresh</guid><link>https://wire.test/fresh</link>"
        "<pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate>"
        "<description>Just in.</description></item></channel></rss>"
    )
    h.send(200, rss.encode(), Content_Type="application/rss+xml")


def _messages(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_new_articles_arrive_without_a_key_and_the_cursor_keeps_its_article(
    make_app, store_path, feed_server: FeedServer
) -> None:
    feed_server.routes["/wire.xml"] = _fresh
    app = make_app([OLD])
    add_feeds(store_path, [Subscription(feed_server.url("/wire.xml"))])
    app.session.config = Config(auto_fetch="1s")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert article_list(app).current_id == "old"
        await wait_until(pilot, lambda: len(shown_ids(app)) == 2, timeout=20)
        assert shown_ids(app)[0] != "old", "the new article is the newest, at the top"
        assert article_list(app).current_id == "old", "the cursor stayed on its article"
        assert "1 new article(s)" in _messages(app)
        await pilot.pause(1.5)
        assert feed_server.hits["/wire.xml"] >= 1


async def test_without_auto_fetch_nothing_is_fetched(
    make_app, store_path, feed_server: FeedServer
) -> None:
    feed_server.routes["/wire.xml"] = _fresh
    app = make_app([OLD])
    add_feeds(store_path, [Subscription(feed_server.url("/wire.xml"))])
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(3)
        assert feed_server.hits["/wire.xml"] == 0
        assert shown_ids(app) == ["old"]
