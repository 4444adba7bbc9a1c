"""``W`` fetches the whole article for the one being read, in a worker, and draws it again;
the pane says when it shows a feed's excerpt only."""

from __future__ import annotations

import pytest
import support
from support.feed_server import FeedServer
from tui_support import body_text, header_text, wait_until

from store import Article

HARBOUR = (support.FIXTURES / "pages" / "harbour.html").read_bytes()
WIDE = (120, 30)


def _excerpt(url: str) -> Article:
    return Article(
        id="harbour",
        title="Harbour reopens",
        source="Wire",
        url=url,
        published="2025-03-03T10:00:00+00:00",
        body="Boats are back in the old port.",
    )


def _messages(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_w_fetches_the_page_and_shows_the_whole_article(
    make_app, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/harbour", HARBOUR, content_type="text/html")
    app = make_app([_excerpt(url)])
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "Feed excerpt only? W fetches the whole article" in header_text(app)
        await pilot.press("W")
        await wait_until(pilot, lambda: "42 million euros" in body_text(app), timeout=15)
        assert "Feed excerpt only" not in header_text(app)
        assert "Whole article fetched" in _messages(app)
        assert "Maria Camilleri" in header_text(app), "the page's byline fills the feed's gap"
        assert "Photo: Fishing boats return to the Grand Harbour" in header_text(app)


async def test_a_page_that_fails_says_why_and_keeps_the_text(
    make_app, feed_server: FeedServer
) -> None:
    feed_server.routes["/gone"] = lambda h, hit: h.send(404, b"gone")
    app = make_app([_excerpt(feed_server.url("/gone"))])
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("W")
        await wait_until(pilot, lambda: any("Page not read" in m for m in _messages(app)), 15)
        await wait_until(pilot, lambda: "could not be read" in header_text(app), timeout=5)
        assert "404" in header_text(app)
        assert "Boats are back in the old port." in body_text(app)


@pytest.mark.parametrize("url", ["", "file:///etc/passwd"], ids=["no-link", "not-web"])
async def test_w_without_a_web_link_fetches_nothing(make_app, url: str) -> None:
    app = make_app([_excerpt(url)])
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("W")
        await pilot.pause()
        await wait_until(pilot, lambda: bool(_messages(app)), timeout=10)
        assert "Boats are back in the old port." in body_text(app)
