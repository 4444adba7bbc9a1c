"""Whole articles as a reader gets them: pages served with a feed on 127.0.0.1, read through
``newsdesk feeds add --full-text`` and ``newsdesk fetch`` (the installed console script),
then the stored bodies scored against the pages' known text.

Used by ``extraction.py --through-fetch``; the pages come from its generator or dataset.
"""

from __future__ import annotations

import html
import json
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from common import newsdesk_command

Sample = tuple[str, str, str]


def fetched_bodies(samples: Iterable[Sample]) -> tuple[list[tuple[str, str]], float]:
    """(known text, stored body) for each page, and the seconds ``fetch`` took."""
    pages = {f"/page/{n}": sample for n, sample in enumerate(samples)}
    server = _serve(pages)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with tempfile.TemporaryDirectory() as folder:
            bodies, took = _fetch(base, Path(folder))
    finally:
        server.shutdown()
        server.server_close()
    return [(known, bodies.get(f"{base}{path}", "")) for path, (_, _, known) in pages.items()], took


def _serve(pages: dict[str, Sample]) -> ThreadingHTTPServer:
    items = "".join(
        f"<item><title>Page {path}</title><link>{{base}}{path}</link><guid>{path}</guid>"
        "<description>One sentence from the feed.</description></item>"
        for path in pages
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                body = f'<rss version="2.0"><channel><title>Pages</title>{items}</channel></rss>'
                self._send(
                    body.replace("{base}", html.escape(base)).encode(), "application/rss+xml"
                )
            elif self.path in pages:
                self._send(pages[self.path][0].encode(), "text/html; charset=utf-8")
            else:
                self.send_error(404)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _fetch(base: str, folder: Path) -> tuple[dict[str, str], float]:
    from store.ingest.importer import import_into
    from store.ingest.result import ReadResult
    from store.storage.library import open_store

    store = folder / "articles"
    import_into(store, ReadResult())
    newsdesk = newsdesk_command()
    add = [newsdesk, "feeds", "add", f"{base}/feed.xml", "--full-text", "--db", str(store)]
    subprocess.run(add, check=True, capture_output=True)
    started = time.monotonic()
    done = subprocess.run(
        [newsdesk, "fetch", "--json", "--db", str(store)], capture_output=True, text=True
    )
    took = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"newsdesk fetch failed: {done.stderr.strip()}")
    json.loads(done.stdout)  # a whole answer, or the benchmark stops here
    return {a.url: a.body for a in open_store(store).articles}, took
