"""Fetch feeds over HTTP(S): conditional, compressed, redirect-aware, retried and bounded.

Every failure becomes a ``FetchOutcome`` with a one-line reason, so one bad feed never stops
a refresh of many. Only the standard library is used; parsing is left to ``read_bytes``.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import ssl
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from functools import partial
from typing import IO
from urllib.parse import quote, urlsplit, urlunsplit

from store.ingest.reader import read_bytes
from store.ingest.result import ReadResult
from store.sanitize import clean_line

USER_AGENT = "newsdesk/0.1 (+terminal news reader)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/json;q=0.8, application/xml;q=0.8, "
    "text/xml;q=0.8, */*;q=0.5"
)
WEB_SCHEMES = ("http", "https")
MAX_RETRY_AFTER = 5.0  # seconds; a server asking for a longer pause is not retried
MAX_ERROR_CHARS = 200
_CHUNK = 64 * 1024
_PERMANENT = (301, 308)
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"
_REFUSED_REDIRECT = "Redirection to url"
_REDIRECT_LOOP = urllib.request.HTTPRedirectHandler.inf_msg.splitlines()[0]


@dataclass(frozen=True)
class FeedRequest:
    """One feed to fetch, with the validators stored after its last successful fetch."""

    url: str
    etag: str = ""
    modified: str = ""  # the Last-Modified header value from last time


@dataclass
class FetchOutcome:
    """What happened to one feed; ``status`` is "ok", "not-modified" or "failed"."""

    url: str  # the URL as requested
    status: str
    http_status: int | None = None
    result: ReadResult = field(default_factory=ReadResult)
    etag: str = ""
    modified: str = ""
    permanent_url: str = ""
    error: str = ""
    attempts: int = 1
    seconds: float = 0.0

    def line(self) -> str:
        """One line for the CLI; the URL and error are cleaned of control characters."""
        label = self.status.replace("-", " ")
        parts = [label, clean_line(self.url), self._detail()]
        if self.permanent_url:
            parts.append(f"moved permanently to {clean_line(self.permanent_url)}")
        return "  ".join(part for part in parts if part)

    def _detail(self) -> str:
        if self.status == "failed":
            return clean_line(self.error)
        if self.status != "ok":
            return ""
        count = len(self.result.articles)
        text = f"{count} article{'' if count == 1 else 's'}"
        if self.result.rejects:
            text += f", {len(self.result.rejects)} rejected"
        return f"{text} ({self.http_status}, {self.seconds:.2f} s)"


@dataclass(frozen=True)
class _Limits:
    timeout: float
    retries: int
    backoff: float
    max_bytes: int


class _Failure(Exception):
    """One attempt's failure, and whether another attempt might go better."""

    def __init__(
        self, message: str, *, retry: bool, wait: float = 0.0, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.wait = wait
        self.http_status = http_status


class _TooLarge(_Failure):
    """A body, or what it decompresses to, over the size limit."""


def fetch_all(
    requests: Sequence[FeedRequest],
    *,
    workers: int = 8,
    timeout: float = 15.0,
    retries: int = 2,
    backoff: float = 0.5,
    on_outcome: Callable[[FetchOutcome], None] | None = None,
) -> list[FetchOutcome]:
    """Fetch feeds concurrently; outcomes come back in the order of ``requests``.

    ``on_outcome`` is called from worker threads as each feed finishes. Nothing raises: a
    feed that fails, or a callback that fails, leaves the other feeds' outcomes intact.
    """
    if not requests:
        return []
    task = partial(
        _fetch_and_report, timeout=timeout, retries=retries, backoff=backoff, report=on_outcome
    )
    pool = ThreadPoolExecutor(max(1, min(workers, len(requests))), "newsdesk-fetch")
    try:
        futures = [pool.submit(task, request) for request in requests]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # on Ctrl-C, start no more fetches


def _fetch_and_report(
    request: FeedRequest,
    *,
    timeout: float,
    retries: int,
    backoff: float,
    report: Callable[[FetchOutcome], None] | None,
) -> FetchOutcome:
    outcome = fetch_feed(request, timeout=timeout, retries=retries, backoff=backoff)
    if report is not None:
        with contextlib.suppress(Exception):  # a broken progress line must not lose the data
            report(outcome)
    return outcome


def fetch_feed(
    request: FeedRequest,
    *,
    timeout: float = 15.0,
    retries: int = 2,
    backoff: float = 0.5,
    max_bytes: int = 32 * 1024 * 1024,
) -> FetchOutcome:
    """Fetch and parse one feed; never raises.

    ``timeout`` bounds each attempt as a whole (connect, headers and body), so a server that
    trickles bytes cannot hold a worker for longer than that.
    """
    started = time.monotonic()
    limits = _Limits(timeout, max(0, retries), backoff, max_bytes)
    try:
        outcome = _fetch_with_retries(request, limits)
    except Exception as exc:  # the last line of defence: a bug must cost one feed, not all
        detail = f"unexpected error: {type(exc).__name__}: {exc}"
        outcome = FetchOutcome(request.url, "failed", error=_one_line(detail))
    outcome.seconds = time.monotonic() - started
    return outcome


def _fetch_with_retries(request: FeedRequest, limits: _Limits) -> FetchOutcome:
    refusal = _refusal(request.url)
    if refusal:
        return FetchOutcome(request.url, "failed", error=refusal, attempts=0)
    for attempt in range(limits.retries + 1):
        try:
            return _attempt(request, limits, attempt + 1)
        except _Failure as failure:
            if not failure.retry or attempt == limits.retries:
                return _failed(request, failure, attempt + 1)
            time.sleep(max(limits.backoff * 2**attempt, failure.wait))
    raise AssertionError("unreachable: the last attempt always returns")


def _failed(request: FeedRequest, failure: _Failure, attempts: int) -> FetchOutcome:
    message = failure.message if attempts == 1 else f"{failure.message} after {attempts} attempts"
    return FetchOutcome(
        request.url,
        "failed",
        http_status=failure.http_status,
        error=_one_line(message),
        attempts=attempts,
    )


def _refusal(url: str) -> str:
    """Why ``url`` must not be fetched at all (only web addresses are), or ""."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as exc:
        return _one_line(f"invalid address: {exc}")
    if parts.scheme.lower() not in WEB_SCHEMES:
        shown = f"a {parts.scheme}: address" if parts.scheme else "an address without http://"
        return f"only http:// and https:// addresses can be fetched, not {shown}"
    return "" if host else "the address has no host name"


# One attempt ----------------------------------------------------------------------------


def _attempt(request: FeedRequest, limits: _Limits, number: int) -> FetchOutcome:
    redirects = _RedirectHandler(time.monotonic() + limits.timeout)
    response = _download(request, limits, redirects)
    outcome = FetchOutcome(
        request.url,
        "ok",
        http_status=response.status,
        etag=response.headers.get("ETag", "").strip(),
        modified=response.headers.get("Last-Modified", "").strip(),
        permanent_url=_moved(request, redirects),
        attempts=number,
    )
    if response.status == 304:
        return _not_modified(outcome, request)
    encodings = response.headers.get("Content-Encoding", "")
    outcome.result = read_bytes(_decode(response.body, encodings, limits.max_bytes), request.url)
    return outcome


def _not_modified(outcome: FetchOutcome, request: FeedRequest) -> FetchOutcome:
    """The old validators stay valid unless the 304 brought new ones."""
    outcome.status = "not-modified"
    outcome.etag = outcome.etag or request.etag
    outcome.modified = outcome.modified or request.modified
    return outcome


def _moved(request: FeedRequest, redirects: _RedirectHandler) -> str:
    return "" if redirects.permanent == request.url.strip() else redirects.permanent


@dataclass(frozen=True)
class _Response:
    status: int
    headers: Message
    body: bytes


def _download(request: FeedRequest, limits: _Limits, redirects: _RedirectHandler) -> _Response:
    """One request and its body; every network problem comes out as a ``_Failure``."""
    try:
        with _opener(redirects).open(_http_request(request), timeout=limits.timeout) as response:
            body = _read_body(response, limits.max_bytes, redirects.deadline)
            return _Response(response.status, response.headers, body)
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            if exc.code == 304:
                return _Response(304, exc.headers, b"")
            raise _http_failure(exc) from None
    except _Failure:
        raise
    except Exception as exc:
        raise _classify(exc) from exc


def _http_request(request: FeedRequest) -> urllib.request.Request:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
    if request.etag:
        headers["If-None-Match"] = _header_value(request.etag)
    if request.modified:
        headers["If-Modified-Since"] = _header_value(request.modified)
    return urllib.request.Request(_ascii_url(request.url.strip()), headers=headers)


def _header_value(value: str) -> str:
    """A stored validator as one header line (a corrupt one must not split the request)."""
    return " ".join(value.split())


def _ascii_url(url: str) -> str:
    """urllib sends the request line as ASCII: hosts become IDNA, the rest %-encoded."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        port = f":{parts.port}" if parts.port else ""
        netloc = (parts.hostname or "").encode("idna").decode("ascii") + port
    rest = (quote(part, safe=_URL_SAFE) for part in (parts.path, parts.query, parts.fragment))
    return urlunsplit((parts.scheme, netloc, *rest))


def _opener(redirects: _RedirectHandler) -> urllib.request.OpenerDirector:
    """An opener that speaks only HTTP(S): no file:, ftp: or data: handlers exist in it."""
    opener = urllib.request.OpenerDirector()
    handlers: tuple[urllib.request.BaseHandler, ...] = (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        redirects,
        urllib.request.HTTPErrorProcessor(),
    )
    for handler in handlers:
        opener.add_handler(handler)
    return opener


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects as urllib does, remembering where the permanent ones lead.

    Only the unbroken run of 301/308 hops from the requested address counts: after a
    temporary hop, later addresses are not the feed's permanent home.
    """

    def __init__(self, deadline: float) -> None:
        self.permanent = ""
        self._temporary = False
        self.deadline = deadline  # each hop gets a fresh socket timeout; the attempt does not

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        fp.close()  # urllib reads a redirect's body without limit; a closed one reads as b""
        if time.monotonic() > self.deadline:
            raise _Failure("timed out", retry=True)
        if urlsplit(newurl).scheme.lower() not in WEB_SCHEMES:
            raise _Failure(f"redirected to a non-web address: {newurl[:80]}", retry=False)
        self._temporary = self._temporary or code not in _PERMANENT
        if not self._temporary:
            self.permanent = newurl
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_body(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    """At most ``max_bytes`` of body; ``read1`` returns what has arrived, so the deadline holds."""
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = bytearray()
    while len(body) <= max_bytes:
        chunk = response.read1(min(_CHUNK, max_bytes + 1 - len(body)))
        if not chunk:
            break
        body += chunk
        if time.monotonic() > deadline:
            raise _Failure("timed out", retry=True)
    if len(body) > max_bytes:
        raise _too_large(max_bytes)
    return bytes(body)


# Content-Encoding -----------------------------------------------------------------------


def _decode(body: bytes, encodings: str, max_bytes: int) -> bytes:
    """Undo gzip/deflate ourselves (urllib does not), in reverse order of application."""
    for coding in reversed([c.strip().lower() for c in encodings.split(",") if c.strip()]):
        if not body or coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, 16 + zlib.MAX_WBITS, max_bytes, "gzip")
        elif coding == "deflate":
            body = _inflate_deflate(body, max_bytes)
        else:
            raise _Failure(f"unsupported content encoding {coding!r}", retry=False)
    return body


def _inflate_deflate(body: bytes, max_bytes: int) -> bytes:
    """HTTP "deflate" should be zlib-wrapped, but some servers send raw deflate."""
    try:
        return _inflate(body, zlib.MAX_WBITS, max_bytes, "deflate")
    except _TooLarge:
        raise
    except _Failure:
        return _inflate(body, -zlib.MAX_WBITS, max_bytes, "deflate")


def _inflate(body: bytes, wbits: int, max_bytes: int, name: str) -> bytes:
    """Decompress with a cap, so a small bomb cannot expand past ``max_bytes``."""
    engine = zlib.decompressobj(wbits)
    try:
        data = engine.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise _Failure(f"corrupt {name} body ({exc})", retry=False) from exc
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not engine.eof:
        raise _Failure(f"corrupt {name} body (truncated)", retry=False)
    return data


# Errors ---------------------------------------------------------------------------------


def _classify(exc: Exception) -> _Failure:
    """An exception from urllib or http.client as a one-line failure, retryable or not."""
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        return _classify_reason(exc.reason)
    if isinstance(exc, urllib.error.URLError):
        return _Failure(f"cannot fetch: {exc.reason}", retry=False)
    if isinstance(exc, http.client.HTTPException):
        return _Failure(f"connection broken ({_describe(exc)})", retry=True)
    if isinstance(exc, OSError):
        return _classify_reason(exc)
    if isinstance(exc, ValueError):
        return _Failure(f"invalid request: {_describe(exc)}", retry=False)
    return _Failure(f"{type(exc).__name__}: {_describe(exc)}", retry=False)


def _classify_reason(reason: BaseException) -> _Failure:
    if isinstance(reason, TimeoutError):
        return _Failure("timed out", retry=True)
    if isinstance(reason, ssl.SSLCertVerificationError):
        return _Failure(f"TLS certificate not accepted ({reason.verify_message})", retry=False)
    if isinstance(reason, ssl.SSLError):
        return _Failure(f"TLS error ({reason.reason or reason})", retry=False)
    if isinstance(reason, OSError) and reason.strerror:
        return _Failure(f"cannot connect: {reason.strerror}", retry=True)
    return _Failure(f"cannot connect: {_describe(reason)}", retry=True)


def _http_failure(exc: urllib.error.HTTPError) -> _Failure:
    """An HTTP error status; only 429 and 5xx are worth another attempt."""
    code = exc.code
    if 300 <= code < 400:
        return _redirect_failure(code, str(exc.reason))
    message = f"HTTP {code} {clean_line(str(exc.reason))}".strip()
    if code != 429 and code < 500:
        return _Failure(message, retry=False, http_status=code)
    wait = _retry_after(exc.headers.get("Retry-After", ""))
    if wait > MAX_RETRY_AFTER:
        message += f" (the server asked to wait {wait:.0f} s)"
        return _Failure(message, retry=False, http_status=code)
    return _Failure(message, retry=True, wait=wait, http_status=code)


def _redirect_failure(code: int, reason: str) -> _Failure:
    """urllib's own redirect refusals, told apart by their (long stable) wording."""
    if _REDIRECT_LOOP in reason:
        message = "too many redirects"
    elif _REFUSED_REDIRECT in reason:  # urllib refuses file: and such before we are asked
        message = "redirected to a non-web address"
    else:
        message = "redirect without a usable Location"
    return _Failure(f"{message} (HTTP {code})", retry=False, http_status=code)


def _retry_after(value: str) -> float:
    """Seconds from a Retry-After header: a number, or an HTTP date; 0 if absent or odd."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _too_large(max_bytes: int) -> _TooLarge:
    return _TooLarge(f"response larger than {_size(max_bytes)}", retry=False)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{count / 1024:g} KB" if count >= 1024 else f"{count} bytes"


def _describe(exc: object) -> str:
    return clean_line(str(exc)) or type(exc).__name__


def _one_line(text: str) -> str:
    text = clean_line(text)
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
