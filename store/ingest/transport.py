"""The HTTP transport behind ``fetch`` and full-text pages: one request, its body, and why
it failed.

Requests go through one pooled httpx client per process: kept-alive connections, HTTP/2
where the server offers it, the environment's proxies, the system's certificate
authorities. Only HTTP(S) is spoken; redirects are followed here, at most
``MAX_REDIRECTS``, to web addresses only, remembering where the permanent ones lead; each
attempt is bounded in time as a whole (connect, headers and body) and in size (bodies are
read raw and decompressed here, with a cap). Every network problem
is raised as a ``Failure`` with a one-line message and whether another attempt might help;
deciding whether to retry is left to the caller.
"""

from __future__ import annotations

import email.utils
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from http import HTTPStatus
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urljoin, urlsplit

from store.sanitize import clean_line

if TYPE_CHECKING:
    import httpx

USER_AGENT = "newsdesk/0.1 (+terminal news reader)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/json;q=0.8, application/xml;q=0.8, "
    "text/xml;q=0.8, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate, br"
WEB_SCHEMES = ("http", "https")
MAX_RETRY_AFTER = 5.0  # seconds; a server asking for a longer pause is not retried
MAX_REDIRECTS = 10
_CHUNK = 64 * 1024
_PERMANENT = (301, 308)
_REDIRECTS = (301, 302, 303, 307, 308)


class Conditional(Protocol):
    """What a request is built from: the address and the validators from the last fetch."""

    @property
    def url(self) -> str: ...
    @property
    def etag(self) -> str: ...
    @property
    def modified(self) -> str: ...


@dataclass(frozen=True)
class Response:
    """A response with its whole body read (still encoded); a 304 has none."""

    status: int
    headers: Message
    body: bytes
    url: str = ""
    """Where the body came from, after redirects."""


class Failure(Exception):
    """One attempt's failure, and whether another attempt might go better."""

    def __init__(
        self, message: str, *, retry: bool, wait: float = 0.0, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.wait = wait
        self.http_status = http_status


class _TooLarge(Failure):
    """A body, or what it decompresses to, over the size limit."""


class RedirectHandler:
    """Where one attempt's redirects led: only the unbroken run of 301/308 hops from the
    requested address counts as permanent (after a temporary hop, later addresses are not
    the resource's home)."""

    def __init__(self, deadline: float) -> None:
        self.permanent = ""
        self.deadline = deadline  # the attempt as a whole, every hop included
        self._temporary = False

    def followed(self, code: int, target: str) -> None:
        self._temporary = self._temporary or code not in _PERMANENT
        if not self._temporary:
            self.permanent = target


# The client -----------------------------------------------------------------------------

_client: httpx.Client | None = None
_client_lock = threading.Lock()


def client() -> httpx.Client:
    """The process's pooled client (thread-safe; made on first use). httpx is imported
    here, not with this module: it loads its command line (and Rich with it) whenever Rich
    is installed, and importing the store must stay headless."""
    global _client
    with _client_lock:
        if _client is None:
            import httpx

            _client = httpx.Client(
                http2=True,
                verify=ssl.create_default_context(),  # the system's CAs, as urllib used
                follow_redirects=False,
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            )
        return _client


# One request ----------------------------------------------------------------------------


def download(
    request: Conditional,
    redirects: RedirectHandler,
    *,
    timeout: float,
    max_bytes: int,
    accept: str = ACCEPT,
) -> Response:
    """One request, its redirects and its body; every network problem is a ``Failure``."""
    url = request.url.strip()
    headers = _headers(request, accept)
    for hop in range(MAX_REDIRECTS + 1):
        status, response_headers, body = _exchange(url, headers, timeout, max_bytes, redirects)
        if status not in _REDIRECTS:
            break
        if hop == MAX_REDIRECTS:
            raise Failure(f"too many redirects (HTTP {status})", retry=False, http_status=status)
        url = _next_hop(url, status, response_headers, redirects)
    if status == 304:
        return Response(304, response_headers, b"", url)
    if status >= 400:
        raise _http_failure(status, response_headers)
    return Response(status, response_headers, body, url)


def _headers(request: Conditional, accept: str) -> dict[str, str]:
    headers = {"Accept": accept}
    if request.etag:
        headers["If-None-Match"] = _header_value(request.etag)
    if request.modified:
        headers["If-Modified-Since"] = _header_value(request.modified)
    return headers


def _header_value(value: str) -> str:
    """A stored validator as one header line (a corrupt one must not split the request)."""
    return " ".join(value.split())


def _exchange(
    url: str, headers: dict[str, str], timeout: float, max_bytes: int, redirects: RedirectHandler
) -> tuple[int, Message, bytes]:
    """One HTTP exchange: the status, the headers and, unless it redirects or fails, the
    body as sent."""
    left = redirects.deadline - time.monotonic()
    if left <= 0:
        raise Failure("timed out", retry=True)
    try:
        request = client().build_request("GET", url, headers=headers, timeout=min(timeout, left))
        response = client().send(request, stream=True)
        try:
            body = b""
            if response.status_code not in _REDIRECTS and response.status_code < 300:
                body = _read_body(response, max_bytes, redirects.deadline)
            return response.status_code, _message(response.headers), body
        finally:
            response.close()
    except Failure:
        raise
    except Exception as exc:
        raise _classify(exc) from exc


def _next_hop(url: str, status: int, headers: Message, redirects: RedirectHandler) -> str:
    location = (headers.get("Location") or "").strip()
    if not location:
        raise Failure(f"redirect without a usable Location (HTTP {status})", retry=False)
    target = urljoin(url, location)
    if urlsplit(target).scheme.lower() not in WEB_SCHEMES:
        message = f"redirected to a non-web address (HTTP {status})"
        raise Failure(message, retry=False, http_status=status)
    redirects.followed(status, target)
    return target


def charset_of(content_type: str) -> str:
    """The charset a ``Content-Type`` value names, or ""."""
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else ""


def _message(headers: httpx.Headers) -> Message:
    """Response headers as an ``email.message.Message``, as the rest of ingest reads them."""
    message = Message()
    for name, value in headers.multi_items():
        message[name] = value
    return message


def _read_body(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """At most ``max_bytes`` of raw body; each chunk is what has arrived, so the deadline
    holds against a server that trickles."""
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = bytearray()
    for chunk in response.iter_raw():  # as it arrives: a chunk size would wait to fill it
        body += chunk
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
        if time.monotonic() > deadline:
            raise Failure("timed out", retry=True)
    return bytes(body)


# Content-Encoding -----------------------------------------------------------------------


def decode(body: bytes, encodings: str, max_bytes: int) -> bytes:
    """Undo gzip, deflate and brotli ourselves, in reverse order of application, so that
    no encoding can expand past ``max_bytes``."""
    for coding in reversed([c.strip().lower() for c in encodings.split(",") if c.strip()]):
        if not body or coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, 16 + zlib.MAX_WBITS, max_bytes, "gzip")
        elif coding == "deflate":
            body = _inflate_deflate(body, max_bytes)
        elif coding == "br":
            body = _unbrotli(body, max_bytes)
        else:
            raise Failure(f"unsupported content encoding {coding!r}", retry=False)
    return body


def _inflate_deflate(body: bytes, max_bytes: int) -> bytes:
    """HTTP "deflate" should be zlib-wrapped, but some servers send raw deflate."""
    try:
        return _inflate(body, zlib.MAX_WBITS, max_bytes, "deflate")
    except _TooLarge:
        raise
    except Failure:
        return _inflate(body, -zlib.MAX_WBITS, max_bytes, "deflate")


def _inflate(body: bytes, wbits: int, max_bytes: int, name: str) -> bytes:
    """Decompress with a cap, so a small bomb cannot expand past ``max_bytes``."""
    engine = zlib.decompressobj(wbits)
    try:
        data = engine.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise Failure(f"corrupt {name} body ({exc})", retry=False) from exc
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not engine.eof:
        raise Failure(f"corrupt {name} body (truncated)", retry=False)
    return data


def _unbrotli(body: bytes, max_bytes: int) -> bytes:
    import brotli  # installed with httpx[brotli]

    engine = brotli.Decompressor()
    data = bytearray()
    try:
        for start in range(0, len(body), _CHUNK):
            data += engine.process(body[start : start + _CHUNK])
            if len(data) > max_bytes:
                raise _too_large(max_bytes)
    except brotli.error as exc:
        raise Failure(f"corrupt br body ({exc})", retry=False) from exc
    if not engine.is_finished():
        raise Failure("corrupt br body (truncated)", retry=False)
    return bytes(data)


# Errors ---------------------------------------------------------------------------------


def _classify(exc: Exception) -> Failure:
    """An exception from httpx as a one-line failure, retryable or not."""
    import httpx  # loaded already: a request raised it

    if isinstance(exc, httpx.TimeoutException):
        return Failure("timed out", retry=True)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return Failure(f"invalid request: {_describe(exc)}", retry=False)
    if isinstance(exc, httpx.ConnectError):
        return _connect_failure(exc)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Failure(f"connection broken ({_describe(exc)})", retry=True)
    if isinstance(exc, httpx.InvalidURL | httpx.LocalProtocolError | ValueError):
        return Failure(f"invalid request: {_describe(exc)}", retry=False)
    if isinstance(exc, httpx.DecodingError):
        return Failure(f"corrupt body ({_describe(exc)})", retry=False)
    return Failure(f"{type(exc).__name__}: {_describe(exc)}", retry=False)


def _connect_failure(exc: httpx.ConnectError) -> Failure:
    reason = exc.__context__ or exc.__cause__
    while reason is not None and not isinstance(reason, ssl.SSLError | OSError):
        reason = reason.__context__ or reason.__cause__
    if isinstance(reason, ssl.SSLCertVerificationError):
        return Failure(f"TLS certificate not accepted ({reason.verify_message})", retry=False)
    if isinstance(reason, ssl.SSLError):
        return Failure(f"TLS error ({reason.reason or reason})", retry=False)
    if isinstance(reason, OSError) and reason.strerror:
        return Failure(f"cannot connect: {reason.strerror}", retry=True)
    return Failure(f"cannot connect: {_describe(exc)}", retry=True)


def _http_failure(code: int, headers: Message) -> Failure:
    """An HTTP error status; only 429 and 5xx are worth another attempt."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = ""
    message = f"HTTP {code} {phrase}".strip()
    if code != 429 and code < 500:
        return Failure(message, retry=False, http_status=code)
    wait = _retry_after(headers.get("Retry-After", ""))
    if wait > MAX_RETRY_AFTER:
        message += f" (the server asked to wait {wait:.0f} s)"
        return Failure(message, retry=False, wait=wait, http_status=code)
    return Failure(message, retry=True, wait=wait, http_status=code)


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
