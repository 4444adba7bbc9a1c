"""``R`` fetches subscribed feeds in a background worker; new articles appear without a restart."""

from __future__ import annotations

import pytest
from support.feed_server import ONE_ITEM_RSS as RSS
from support.feed_server import FeedServer
from tui_support import count_text, shown_ids, wait_until

from store.ingest.result import Subscription
from store.ingest.subscriptions import add_feeds, list_feeds


@pytest.fixture
def feed_base(feed_server: FeedServer) -> str:
    feed_server.serve("/feed.xml", RSS)
    return feed_server.url()


async def test_r_fetches_in_the_background_and_shows_new_articles(
    make_app, store_path, feed_base, monkeypatch
) -> None:
    app = make_app()
    add_feeds(
        store_path, [Subscription(f"{feed_base}/feed.xml"), Subscription(f"{feed_base}/gone")]
    )
    async with app.run_test(size=(120, 30)) as pilot:
        before = len(shown_ids(app))
        await pilot.press("R")
        await wait_until(pilot, lambda: len(shown_ids(app)) == before + 1, timeout=10)
        await pilot.pause()
        assert count_text(app) == f"{before + 1} of {before + 1}"
        assert "1 new article(s) from 2 feed(s); 1 feed(s) failed" in [
            str(n.message) for n in app._notifications
        ]
        assert not app.screen.query_one("#status").display
    statuses = {feed.url.rsplit("/", 1)[1]: feed.last_status for feed in list_feeds(store_path)}
    assert statuses == {"feed.xml": "ok", "gone": "failed"}


async def test_r_without_subscriptions_says_how_to_add_one(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: bool(app._notifications), timeout=5)
        messages = [str(n.message) for n in app._notifications]
        assert any("newsdesk feeds add URL" in message for message in messages)
