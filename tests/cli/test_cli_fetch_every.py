"""``newsdesk fetch --every DURATION``, run as the console script, against a local server
whose feed gains an item between requests."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.feed_server import FeedServer, Handler

from store.ingest.importer import import_into
from store.ingest.result import ReadResult, Subscription
from store.ingest.subscriptions import add_feeds
from store.storage.library import open_store


def _growing(h: Handler, hit: int) -> None:
    """Request n carries items 1..n: each round brings one new item."""
    items = "".join(
        f"<item><title>Item {n}</title><guid>item-{n}</guid><link>https://g.example/{n}</link>"
        f"<description>Item number {n}.</description></item>"
        for n in range(1, hit + 1)
    )
    body = f'<rss version="2.0"><channel><title>Growing</title>{items}</channel></rss>'
    h.send(200, body.encode(), Content_Type="application/rss+xml")


@pytest.fixture
def store(tmp_path: Path, feed_server: FeedServer) -> Path:
    path = tmp_path / "articles"
    import_into(path, ReadResult())
    feed_server.routes["/growing.xml"] = _growing
    feed_server.routes["/down.xml"] = lambda h, hit: h.send(500, b"down")
    urls = [feed_server.url("/growing.xml"), feed_server.url("/down.xml")]
    add_feeds(path, [Subscription(url) for url in urls])
    return path


def _rounds(store: Path, env: dict[str, str], count: int, *extra: str) -> tuple[list[str], str]:
    command = [sys.executable, "-m", "tui", "fetch", "--every", "1s", "--db", str(store), *extra]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while len(lines) < count and time.monotonic() < deadline:
            lines.append(child.stdout.readline().rstrip("\n"))
        child.send_signal(signal.SIGINT)
        rest, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, rest
    return lines, rest


def test_three_rounds_add_each_new_item_once_and_a_failing_feed_backs_off(
    store: Path, subprocess_env: dict[str, str], feed_server: FeedServer
) -> None:
    lines, rest = _rounds(store, subprocess_env, 3)
    assert len(lines) == 3, lines
    assert [line.split(" ", 1)[1].split(";")[0] for line in lines] == [
        "1 new, 0 updated",
        "1 new, 0 updated",
        "1 new, 0 updated",
    ]
    assert "1 failed" in lines[0] and "down.xml" in lines[0]
    assert "stopped after" in rest
    titles = sorted(a.title for a in open_store(store).articles)
    assert titles == ["Item 1", "Item 2", "Item 3"]
    assert feed_server.hits["/down.xml"] < feed_server.hits["/growing.xml"] * 3, "backed off"


def test_json_rounds_carry_the_schedule(store: Path, subprocess_env: dict[str, str]) -> None:
    lines, _ = _rounds(store, subprocess_env, 2, "--json")
    first = json.loads(lines[0])
    assert first["added"] == 1 and first["fetched"] == 2 and first["next_due"]
    assert [f["url"].rsplit("/", 1)[1] for f in first["failed"]] == ["down.xml"]


@pytest.mark.parametrize("every", ["soon", "0s", "10"])
def test_a_bad_duration_is_one_line_and_exit_2(
    store: Path, subprocess_env: dict[str, str], every: str
) -> None:
    command = [sys.executable, "-m", "tui", "fetch", "--every", every, "--db", str(store)]
    done = subprocess.run(command, env=subprocess_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert (done.stderr.count("\n") == 1 and "duration" in done.stderr) or "short" in done.stderr
