"""``newsdesk extract PATH|URL [--json]``, run as the installed console script would be."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import support
from support.feed_server import FeedServer

PAGES = support.FIXTURES / "pages"


def _extract(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tui", "extract", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_a_file_prints_the_article_and_its_metadata(subprocess_env: dict[str, str]) -> None:
    done = _extract(str(PAGES / "harbour.html"), env=subprocess_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Title: Harbour works reopen the old port of Valletta\n")
    assert "By: Maria Camilleri" in done.stdout
    assert "42 million euros" in done.stdout
    assert "We use cookies" not in done.stdout


def test_json_has_the_fields_scripts_rely_on(subprocess_env: dict[str, str]) -> None:
    done = _extract(str(PAGES / "harbour.html"), "--json", env=subprocess_env)
    assert done.returncode == 0, done.stderr
    page = json.loads(done.stdout)
    assert set(page) == {"title", "author", "published", "caption", "text"}
    assert page["published"].startswith("2025-03-03T08:30:00")


def test_a_url_is_fetched(feed_server: FeedServer, subprocess_env: dict[str, str]) -> None:
    html = (PAGES / "harbour.html").read_bytes()
    url = feed_server.serve("/harbour", html, content_type="text/html; charset=utf-8")
    done = _extract(url, "--json", env=subprocess_env)
    assert done.returncode == 0, done.stderr
    assert "42 million euros" in json.loads(done.stdout)["text"]


def test_what_is_not_an_article_is_one_line_and_exit_2(
    feed_server: FeedServer, subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    feed_server.routes["/gone"] = lambda h, hit: h.send(404, b"gone")
    for source in (
        str(PAGES / "home.html"),
        str(tmp_path / "missing.html"),
        feed_server.url("/gone"),
        "ftp://example.com/page",
    ):
        done = _extract(source, env=subprocess_env)
        assert done.returncode == 2, source
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("newsdesk: "), done.stderr
        assert "Traceback" not in done.stderr
