"""fetch_feed and fetch_all against a real HTTP server on 127.0.0.1, one behaviour per path."""

from __future__ import annotations

import gzip
import socket
import threading
import urllib.request
import zlib

import brotli
import pytest
from support.feed_server import AtOnce, Handler, Route, not_found
from support.feed_server import FeedServer as Server

from store.ingest import fetch
from store.ingest.fetch import FeedRequest, FetchOutcome, fetch_all, fetch_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>http://example.test/</link>
<item><title>Harbour works begin in Oslo</title><link>http://example.test/1</link>
<guid>one</guid><description>The harbour works began on Monday.</description>
<pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate></item>
<item><title>Tram line reopens in Zurich</title><link>http://example.test/2</link>
<guid>two</guid><description>The tram line reopened after repairs.</description>
<pubDate>Tue, 07 Jan 2025 10:00:00 GMT</pubDate></item>
</channel></rss>"""
MALFORMED = RSS.replace(b"</item>\n<item>", b"</item>\n<item><title>Broken & <b>").replace(
    b"</channel></rss>", b""
)
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 06 Jan 2025 10:00:00 GMT"
QUICK = {"timeout": 2.0, "retries": 2, "backoff": 0.01}


def _feed(h: Handler, hit: int) -> None:
    h.send(200, RSS, ETag=ETAG, Last_Modified=LAST_MODIFIED, Content_Type="application/rss+xml")


def _conditional(h: Handler, hit: int) -> None:
    if h.headers.get("If-None-Match") == ETAG:
        h.send(304)
    else:
        _feed(h, hit)


def _since(h: Handler, hit: int) -> None:
    if h.headers.get("If-Modified-Since") == LAST_MODIFIED:
        h.send(304, ETag='"v2"')
    else:
        _feed(h, hit)


def _redirect(code: int, target: str) -> Route:
    return lambda h, hit: h.send(code, Location=target)


def _flaky(h: Handler, hit: int) -> None:
    h.send(500, b"oops") if hit == 1 else _feed(h, hit)


def _busy(h: Handler, hit: int) -> None:
    h.send(429, Retry_After="0") if hit == 1 else _feed(h, hit)


def _slow(h: Handler, hit: int) -> None:
    h.server.stop.wait(3.0)
    _feed(h, hit)


def _trickle(h: Handler, hit: int) -> None:
    """Headers at once, then a byte every 50 ms: no single read ever times out."""
    h.send_response(200)
    h.send_header("Content-Length", str(len(RSS)))
    h.end_headers()
    for byte in RSS:
        if h.server.stop.wait(0.05):
            return
        h.wfile.write(bytes([byte]))
        h.wfile.flush()


def _encoded(body: bytes, encoding: str) -> Route:
    return lambda h, hit: h.send(200, body, Content_Encoding=encoding)


def _unsized(body: bytes) -> Route:
    """A body without Content-Length (HTTP/1.0: it ends when the connection closes)."""

    def route(h: Handler, hit: int) -> None:
        h.send_response(200)
        h.end_headers()
        h.wfile.write(body)

    return route


def _raw_deflate(data: bytes) -> bytes:
    engine = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return engine.compress(data) + engine.flush()


ROUTES: dict[str, Route] = {
    "/feed": _feed,
    "/über/feed": _feed,
    "/missing": not_found,
    "/conditional": _conditional,
    "/since": _since,
    "/moved301": _redirect(301, "/feed"),
    "/moved308": _redirect(308, "/feed"),
    "/temp302": _redirect(302, "/feed"),
    "/temp307": _redirect(307, "/feed"),
    "/chain": _redirect(301, "/temp302"),
    "/moved-then-304": _redirect(301, "/conditional"),
    "/to-file": _redirect(301, "file:///etc/passwd"),
    "/loop": _redirect(302, "/loop"),
    "/broken": lambda h, hit: h.send(500, b"oops"),
    "/flaky": _flaky,
    "/busy": _busy,
    "/busy-long": lambda h, hit: h.send(503, Retry_After="3600"),
    "/slow": _slow,
    "/trickle": _trickle,
    "/gzip": _encoded(gzip.compress(RSS), "gzip"),
    "/deflate": _encoded(zlib.compress(RSS), "deflate"),
    "/raw-deflate": _encoded(_raw_deflate(RSS), "deflate"),
    "/corrupt-gzip": _encoded(b"\x1f\x8b\x08\x00garbage, not gzip at all", "gzip"),
    "/truncated-gzip": _encoded(gzip.compress(RSS)[:-40], "gzip"),
    "/brotli": _encoded(brotli.compress(RSS), "br"),
    "/corrupt-brotli": _encoded(b"not brotli at all", "br"),
    "/zstd": _encoded(RSS, "zstd"),
    "/bomb": _encoded(gzip.compress(b" " * 1_000_000), "gzip"),
    "/malformed": lambda h, hit: h.send(200, MALFORMED),
    "/garbage": lambda h, hit: h.send(200, b"<rss><<<&&&"),
    "/html": lambda h, hit: h.send(200, b"<!doctype html><html><body>Hi</body></html>"),
    "/big": lambda h, hit: h.send(200, RSS * 20),
    "/big-unsized": _unsized(RSS * 20),
}


@pytest.fixture
def server(feed_server: Server) -> Server:
    feed_server.routes.update(ROUTES)
    return feed_server


def _fetch(request: FeedRequest, **options: float) -> FetchOutcome:
    """fetch_feed with a tiny backoff, so retries cost milliseconds."""
    return fetch_feed(request, **{**QUICK, **options})  # type: ignore[arg-type]


def _get(server: Server, path: str, **options: float) -> FetchOutcome:
    return _fetch(FeedRequest(server.url(path)), **options)


# Success, validators and conditional requests -----------------------------------------------


def test_200_parses_articles_and_returns_validators(server: Server) -> None:
    outcome = _get(server, "/feed")
    assert outcome.status == "ok", outcome.error
    assert outcome.http_status == 200
    assert [a.title for a in outcome.result.articles] == [
        "Harbour works begin in Oslo",
        "Tram line reopens in Zurich",
    ]
    assert (outcome.etag, outcome.modified) == (ETAG, LAST_MODIFIED)
    assert outcome.attempts == 1
    assert not outcome.permanent_url and not outcome.error


def test_request_headers_name_us_and_ask_for_feeds_compressed(server: Server) -> None:
    _get(server, "/feed")
    [headers] = server.headers_for("/feed")
    assert headers["User-Agent"] == fetch.USER_AGENT
    assert headers["User-Agent"].startswith("newsdesk/")
    assert headers["Accept-Encoding"] == "gzip, deflate, br"
    assert "application/rss+xml" in headers["Accept"]
    assert headers["If-None-Match"] is None and headers["If-Modified-Since"] is None


def test_304_when_the_etag_matches_keeps_the_validators(server: Server) -> None:
    request = FeedRequest(server.url("/conditional"), etag=ETAG, modified=LAST_MODIFIED)
    outcome = _fetch(request)
    assert outcome.status == "not-modified", outcome.error
    assert outcome.http_status == 304
    assert (outcome.etag, outcome.modified) == (ETAG, LAST_MODIFIED)
    assert outcome.result.articles == [] and outcome.result.rejects == []
    [headers] = server.headers_for("/conditional")
    assert headers["If-None-Match"] == ETAG


def test_stale_etag_gets_the_feed_again(server: Server) -> None:
    request = FeedRequest(server.url("/conditional"), etag='"old"')
    outcome = _fetch(request)
    assert outcome.status == "ok" and outcome.etag == ETAG
    assert len(outcome.result.articles) == 2


def test_if_modified_since_is_sent_and_a_new_etag_on_304_is_kept(server: Server) -> None:
    request = FeedRequest(server.url("/since"), modified=LAST_MODIFIED)
    outcome = _fetch(request)
    [headers] = server.headers_for("/since")
    assert headers["If-Modified-Since"] == LAST_MODIFIED
    assert outcome.status == "not-modified"
    assert (outcome.etag, outcome.modified) == ('"v2"', LAST_MODIFIED)


# Redirects -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/moved301", "/moved308"])
def test_permanent_redirect_sets_permanent_url_and_still_parses(server: Server, path: str) -> None:
    outcome = _get(server, path)
    assert outcome.status == "ok", outcome.error
    assert outcome.url == server.url(path)
    assert outcome.permanent_url == server.url("/feed")
    assert len(outcome.result.articles) == 2
    assert "moved permanently to" in outcome.line()


@pytest.mark.parametrize("path", ["/temp302", "/temp307"])
def test_temporary_redirect_leaves_permanent_url_empty(server: Server, path: str) -> None:
    outcome = _get(server, path)
    assert outcome.status == "ok", outcome.error
    assert outcome.permanent_url == ""
    assert len(outcome.result.articles) == 2


def test_permanent_hop_before_a_temporary_one_is_the_new_home(server: Server) -> None:
    outcome = _get(server, "/chain")
    assert outcome.status == "ok", outcome.error
    assert outcome.permanent_url == server.url("/temp302")


def test_redirected_conditional_request_keeps_its_validators(server: Server) -> None:
    request = FeedRequest(server.url("/moved-then-304"), etag=ETAG)
    outcome = _fetch(request)
    assert outcome.status == "not-modified"
    assert outcome.permanent_url == server.url("/conditional")


def test_redirect_to_a_file_url_is_refused(server: Server) -> None:
    outcome = _get(server, "/to-file")
    assert outcome.status == "failed"
    assert "non-web address" in outcome.error
    assert outcome.attempts == 1 and not outcome.permanent_url


def test_redirect_loop_fails_without_retrying(server: Server) -> None:
    outcome = _get(server, "/loop")
    assert outcome.status == "failed"
    assert outcome.error == "too many redirects (HTTP 302)"
    assert outcome.attempts == 1


# HTTP errors and retries ---------------------------------------------------------------------


def test_404_fails_after_one_attempt(server: Server) -> None:
    outcome = _get(server, "/missing")
    assert outcome.status == "failed"
    assert outcome.http_status == 404 and outcome.attempts == 1
    assert outcome.error == "HTTP 404 Not Found"
    assert server.hits["/missing"] == 1


def test_500_is_retried_then_fails(server: Server) -> None:
    outcome = _get(server, "/broken", retries=2)
    assert outcome.status == "failed"
    assert outcome.attempts == 3 and server.hits["/broken"] == 3
    assert outcome.error == "HTTP 500 Internal Server Error after 3 attempts"
    assert outcome.result.articles == []


def test_500_then_200_succeeds_on_the_second_attempt(server: Server) -> None:
    outcome = _get(server, "/flaky")
    assert outcome.status == "ok", outcome.error
    assert outcome.attempts == 2 and len(outcome.result.articles) == 2


def test_429_with_a_small_retry_after_is_retried(server: Server) -> None:
    outcome = _get(server, "/busy")
    assert outcome.status == "ok", outcome.error
    assert outcome.attempts == 2


def test_a_long_retry_after_is_not_waited_for(server: Server) -> None:
    outcome = _get(server, "/busy-long")
    assert outcome.status == "failed" and outcome.attempts == 1
    assert "3600 s" in outcome.error


def test_slow_response_times_out_and_is_retried(server: Server) -> None:
    outcome = _get(server, "/slow", timeout=0.3, retries=1)
    assert outcome.status == "failed"
    assert outcome.error == "timed out after 2 attempts"
    assert outcome.attempts == 2 and server.hits["/slow"] == 2


def test_trickling_body_cannot_outlast_the_timeout(server: Server) -> None:
    outcome = _get(server, "/trickle", timeout=0.3, retries=0)
    assert outcome.status == "failed"
    assert outcome.error == "timed out"


def test_connection_refused_is_retried_then_fails() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = _fetch(FeedRequest(f"http://127.0.0.1:{port}/feed"))
    assert outcome.status == "failed"
    assert outcome.error.startswith("cannot connect")
    assert outcome.attempts == 3


# Bodies: encodings, sizes, bad content ----------------------------------------------------


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate", "/brotli"])
def test_compressed_bodies_are_decompressed_and_parsed(server: Server, path: str) -> None:
    outcome = _get(server, path)
    assert outcome.status == "ok", outcome.error
    assert len(outcome.result.articles) == 2


@pytest.mark.parametrize("path", ["/corrupt-gzip", "/truncated-gzip"])
def test_corrupt_gzip_fails_clearly(server: Server, path: str) -> None:
    outcome = _get(server, path)
    assert outcome.status == "failed"
    assert outcome.error.startswith("corrupt gzip body")
    assert outcome.attempts == 1


def test_unknown_content_encoding_fails(server: Server) -> None:
    outcome = _get(server, "/zstd")
    assert outcome.status == "failed" and "'zstd'" in outcome.error


def test_corrupt_brotli_fails_clearly(server: Server) -> None:
    outcome = _get(server, "/corrupt-brotli")
    assert outcome.status == "failed" and outcome.error.startswith("corrupt br body")


def test_malformed_xml_keeps_what_parsed_and_reports_it(server: Server) -> None:
    outcome = _get(server, "/malformed")
    assert outcome.status == "ok"
    assert outcome.result.articles, "the well-formed first item survives"
    assert any("malformed XML" in reject.reason for reject in outcome.result.rejects)


def test_unrecoverable_body_is_ok_with_a_reject(server: Server) -> None:
    for path in ("/garbage", "/html"):
        outcome = _get(server, path)
        assert outcome.status == "ok", outcome.error
        assert outcome.result.articles == [] and outcome.result.rejects
        assert "rejected" in outcome.line()


@pytest.mark.parametrize("path", ["/big", "/big-unsized", "/bomb"])
def test_body_over_max_bytes_fails(server: Server, path: str) -> None:
    outcome = _get(server, path, max_bytes=4096)
    assert outcome.status == "failed"
    assert outcome.error == "response larger than 4 KB"
    assert outcome.attempts == 1


def test_non_ascii_path_is_percent_encoded(server: Server) -> None:
    outcome = _get(server, "/über/feed")
    assert outcome.status == "ok", outcome.error


# Refused addresses and the last line of defence ------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://example.test/feed.xml",
        "data:text/xml,<rss/>",
        "example.test/feed",
        "http:///no-host",
    ],
)
def test_non_web_addresses_fail_without_a_request(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    def no_requests(*args: object, **kwargs: object) -> None:
        raise AssertionError("a request was made")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_requests)
    outcome = fetch_feed(FeedRequest(url))
    assert outcome.status == "failed"
    assert outcome.attempts == 0
    assert "http://" in outcome.error or "host" in outcome.error


def test_a_bug_while_parsing_becomes_a_failed_outcome(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser fell over\nwith a second line")

    monkeypatch.setattr(fetch, "read_bytes", explode)
    outcome = _get(server, "/feed")
    assert outcome.status == "failed"
    assert outcome.error == "unexpected error: RuntimeError: parser fell over with a second line"


# fetch_all and line() ----------------------------------------------------------------------


def test_fetch_all_keeps_request_order_and_reports_each_feed_once(server: Server) -> None:
    paths = ["/slow", "/feed", "/missing", "/gzip", "/broken", "/moved301", "/conditional"]
    requests = [FeedRequest(server.url(path)) for path in paths]
    requests.append(FeedRequest("javascript:alert(1)"))
    reported: list[str] = []
    lock = threading.Lock()

    def on_outcome(outcome: FetchOutcome) -> None:
        with lock:
            reported.append(outcome.url)

    outcomes = fetch_all(
        requests, workers=3, timeout=0.3, retries=1, backoff=0.01, on_outcome=on_outcome
    )
    assert [o.url for o in outcomes] == [r.url for r in requests]
    statuses = [o.status for o in outcomes]
    assert statuses == ["failed", "ok", "failed", "ok", "failed", "ok", "ok", "failed"]
    assert all(len(o.result.articles) == 2 for o in outcomes if o.status == "ok")
    assert sorted(reported) == sorted(r.url for r in requests)


def test_fetch_all_survives_a_callback_that_raises(server: Server) -> None:
    def on_outcome(outcome: FetchOutcome) -> None:
        raise OSError("stdout went away")

    requests = [FeedRequest(server.url("/feed")), FeedRequest(server.url("/gzip"))]
    outcomes = fetch_all(requests, workers=2, backoff=0.01, on_outcome=on_outcome)
    assert [o.status for o in outcomes] == ["ok", "ok"]


def test_fetch_all_of_nothing_is_nothing() -> None:
    assert fetch_all([]) == []


def test_line_is_one_line_for_every_status(server: Server) -> None:
    ok = _get(server, "/feed")
    assert ok.line().startswith(f"ok  {server.url('/feed')}  2 articles (200, ")
    cached = _fetch(FeedRequest(server.url("/conditional"), etag=ETAG))
    assert cached.line() == f"not modified  {server.url('/conditional')}"
    failed = _get(server, "/slow", timeout=0.3, retries=0)
    assert failed.line() == f"failed  {server.url('/slow')}  timed out"
    hostile = FetchOutcome("http://x/\n\x1b[2Jfeed", "failed", error="bad\nthing\r")
    for outcome in (ok, cached, failed, hostile):
        assert "\n" not in outcome.line() and "\r" not in outcome.line()
        assert "\x1b" not in outcome.line()


def test_fetch_all_sends_no_more_than_two_requests_at_once_to_one_host(server: Server) -> None:
    at_once = AtOnce()
    for n in range(8):
        server.routes[f"/host/{n}"] = at_once.slowly(_feed, 0.1)
    requests = [FeedRequest(server.url(f"/host/{n}")) for n in range(8)]
    outcomes = fetch_all(requests, workers=8, **QUICK)  # type: ignore[arg-type]
    assert [outcome.status for outcome in outcomes] == ["ok"] * 8
    assert at_once.most == 2
