"""Notifications of a background fetch, checked on the bytes the installed app writes to its
terminal (a pseudo-terminal): the terminal's own sequence when a ``notify`` rule matched a
new article, none when nothing matched, and ``notify_command`` run with the count and the
titles as arguments, as data."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.feed_server import FeedServer, Handler
from support.pty_app import PtyApp
from support.terminal import Reader, newsdesk_script

pytestmark = pytest.mark.e2e

SIZE = (100, 30)
HOSTILE = "Quake; $(touch pwned) `id` hits the coast"


def _wire(h: Handler, hit: int) -> None:
    items = [("calm", "Markets calm")] + ([("quake", HOSTILE)] if hit > 1 else [])
    entries = "".join(
        f"<item><title>{t.replace('&', '&amp;')}</title><guid>{g}</guid>"
        f"<description>{t}.</description></item>"
        for g, t in items
    )
    rss = f'<rss version="2.0"><channel><title>Wire</title>{entries}</channel></rss>'
    h.send(200, rss.encode(), Content_Type="application/rss+xml")


def _config(tmp_path: Path, query: str, record: Path) -> Path:
    script = (
        "import json, sys, pathlib; pathlib.Path(sys.argv[1]).write_text(json.dumps(sys.argv[2:]))"
    )
    command = json.dumps([sys.executable, "-c", script, str(record)])
    config = tmp_path / "config.toml"
    config.write_text(
        f'auto_fetch = "1s"\nnotify_command = {command}\n'
        f"[[rules]]\nquery = '{query}'\naction = \"notify\"\n"
    )
    return config


def _run(reader: Reader, feed_server: FeedServer, tmp_path: Path, query: str, term: str):
    feed_server.routes["/wire.xml"] = _wire
    record = tmp_path / "argv.json"
    env = {**reader.env, "NEWSDESK_CONFIG": str(_config(tmp_path, query, record)), "TERM": term}
    store = tmp_path / "articles"
    for args in (
        ["import", str(tmp_path / "none.json")],
        ["feeds", "add", feed_server.url("/wire.xml")],
    ):
        if args[0] == "import":
            (tmp_path / "none.json").write_text("[]")
        subprocess.run(
            [newsdesk_script(), *args, "--db", str(store)],
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
    subprocess.run(
        [newsdesk_script(), "fetch", "--db", str(store)],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )  # the first item, before the app opens
    app = PtyApp([newsdesk_script(), "--db", str(store)], env, SIZE)
    try:
        app.wait_for("Markets calm")
        deadline = time.monotonic() + 40
        while feed_server.hits["/wire.xml"] < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        app.wait_for("Quake; $(touch")  # the round that brought the second item is done
        app.settle(quiet=1.5)
        app.key(b"q")
        app.proc.wait(timeout=10)
        return app.output, record
    finally:
        app.close()


def test_a_matching_article_notifies_through_the_terminal_and_the_command(
    reader: Reader, feed_server: FeedServer, tmp_path: Path
) -> None:
    output, record = _run(reader, feed_server, tmp_path, "quake", "xterm-256color")
    text = output.decode("utf-8", errors="replace")
    assert "\x1b]9;newsdesk: 1 article matching your rules: Quake" in text
    # The title's ";" cannot end the sequence early; it reaches the command as one argument.
    assert json.loads(record.read_text()) == ["1", HOSTILE]
    assert not (tmp_path / "pwned").exists()


def test_kitty_gets_its_own_sequence(
    reader: Reader, feed_server: FeedServer, tmp_path: Path
) -> None:
    output, _ = _run(reader, feed_server, tmp_path, "quake", "xterm-kitty")
    assert b"\x1b]99;i=1:d=0;newsdesk\x1b\\" in output
    assert b"\x1b]9;newsdesk" not in output


def test_nothing_matched_nothing_is_sent(
    reader: Reader, feed_server: FeedServer, tmp_path: Path
) -> None:
    output, record = _run(reader, feed_server, tmp_path, "title:volcano", "xterm-256color")
    assert b"\x1b]9;" not in output and b"\x1b]99;" not in output and b"]777;" not in output
    assert not record.exists()
