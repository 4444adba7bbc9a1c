"""``newsdesk feeds add --full-text``, ``feeds set`` and what ``fetch`` says of the pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import support
from support.feed_server import FeedServer

from store.ingest.importer import import_into
from store.ingest.result import ReadResult

HARBOUR = (support.FIXTURES / "pages" / "harbour.html").read_bytes()


@pytest.fixture
def newsdesk(env: dict[str, str], tmp_path: Path, feed_server: FeedServer):
    db = tmp_path / "store" / "articles"

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "tui", *map(str, args), "--db", str(db)]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    import_into(db, ReadResult())
    return run


@pytest.fixture
def feed(feed_server: FeedServer) -> str:
    base = feed_server.url()
    items = "".join(
        f"<item><title>{name}</title><link>{base}/{name}</link><guid>{name}</guid>"
        "<description>One sentence from the feed.</description></item>"
        for name in ("harbour", "gone")
    )
    rss = f'<rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
    feed_server.serve("/harbour", HARBOUR, content_type="text/html")
    feed_server.routes["/gone"] = lambda h, hit: h.send(404, b"gone")
    return feed_server.serve("/feed.xml", rss.encode())


def test_add_full_text_then_fetch_says_what_came_whole(newsdesk, feed: str) -> None:
    added = newsdesk("feeds", "add", feed, "--full-text")
    assert added.returncode == 0, added.stderr
    [listed] = json.loads(newsdesk("feeds", "list", "--json").stdout)
    assert listed["full_text"] is True
    fetched = newsdesk("fetch")
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert "1 whole article(s) fetched; 1 page(s) kept the feed's text" in fetched.stdout
    assert "page failed" in fetched.stdout and "404" in fetched.stdout
    found = newsdesk("search", "cruise terminal", "--json")
    assert "Harbour" in found.stdout or "harbour" in found.stdout, found.stdout + found.stderr


def test_fetch_json_lists_the_pages(newsdesk, feed: str) -> None:
    newsdesk("feeds", "add", feed, "--full-text")
    done = newsdesk("fetch", "--json")
    pages = {page["url"].rsplit("/", 1)[1]: page for page in json.loads(done.stdout)["pages"]}
    assert pages["harbour"]["status"] == "ok"
    assert pages["gone"]["status"] == "failed" and "404" in pages["gone"]["error"]


def test_set_switches_full_text_and_renames(newsdesk, feed: str) -> None:
    newsdesk("feeds", "add", feed)
    done = newsdesk("feeds", "set", "1", "full-text=on", "title=My wire")
    assert done.returncode == 0, done.stderr
    assert "[full text on]" in done.stdout and "My wire" in done.stdout
    assert "full text" in newsdesk("feeds", "list").stdout


@pytest.mark.parametrize(
    "args",
    [("9", "full-text=on"), ("1", "colour=red"), ("1", "full-text=maybe"), ("1", "full-text")],
    ids=["no-such-feed", "unknown-setting", "bad-value", "no-value"],
)
def test_a_bad_setting_is_one_line_and_changes_nothing(newsdesk, feed: str, args) -> None:
    newsdesk("feeds", "add", feed)
    before = newsdesk("feeds", "list", "--json").stdout
    done = newsdesk("feeds", "set", *args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert newsdesk("feeds", "list", "--json").stdout == before
