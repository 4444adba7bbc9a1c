"""A web server on 127.0.0.1 for feeds and pages, started and stopped by the test.

Each path has a route: a function of the request handler and how many times the path was
asked for (``hit``, from 1), so a route can answer differently the second time. Every
request is recorded (``seen``, ``hits``); ``stop`` releases handlers that stall on purpose.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

Route = Callable[["Handler", int], None]

ONE_ITEM_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>
<item><guid>https://wire.test/1</guid><title>Harbour reopens in Valletta</title>
<link>https://wire.test/1</link><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate>
<description>Ships returned to the harbour on Monday.</description></item>
</channel></rss>"""
"""A feed with one item, for the tests that only need something to fetch."""


class FeedServer(ThreadingHTTPServer):
    """Routes by path; a path without a route is a 404."""

    daemon_threads = True

    def __init__(self, routes: Mapping[str, Route] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = dict(routes or {})
        self.lock = threading.Lock()
        self.seen: list[tuple[str, Message]] = []
        self.hits: Counter[str] = Counter()
        self.stop = threading.Event()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def serve(
        self, path: str, body: bytes, content_type: str = "application/rss+xml", **headers: str
    ) -> str:
        """Answer ``path`` with ``body`` every time; its URL."""
        self.routes[path] = lambda h, hit: h.send(200, body, Content_Type=content_type, **headers)
        return self.url(path)

    def headers_for(self, path: str) -> list[Message]:
        with self.lock:
            return [headers for seen, headers in self.seen if seen == path]

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that time out leave broken pipes behind; they are expected here."""


class Handler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        with self.server.lock:
            self.server.seen.append((path, self.headers))
            self.server.hits[path] += 1
            hit = self.server.hits[path]
        self.server.routes.get(path, not_found)(self, hit)

    def send(self, status: int, body: bytes = b"", **headers: str) -> None:
        """Answer with ``status`` and ``body``; ``Content_Type="..."`` is ``Content-Type``."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest output is for failures."""


class AtOnce:
    """Counts how many requests its routes answer at the same time: ``most`` is the
    largest number seen (the bound a polite client keeps to one host)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy = 0
        self.most = 0

    def slowly(self, route: Route, seconds: float) -> Route:
        """``route``, after holding the request ``seconds`` (so requests overlap)."""

        def counted(h: Handler, hit: int) -> None:
            with self._lock:
                self._busy += 1
                self.most = max(self.most, self._busy)
            time.sleep(seconds)
            with self._lock:
                self._busy -= 1
            route(h, hit)

        return counted


def not_found(h: Handler, hit: int) -> None:
    h.send(404, b"no such feed")


@contextmanager
def running(routes: Mapping[str, Route] | None = None) -> Iterator[FeedServer]:
    """A server answering in a thread of its own for the ``with`` block."""
    server = FeedServer(routes)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
