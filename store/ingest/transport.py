"""The HTTP transport behind ``fetch``: one request, its body, and why it failed.

Only HTTP(S) is spoken, each attempt is bounded in time and size, and every network problem
is raised as a ``Failure`` with a one-line message and whether another attempt might help;
deciding whether to retry is left to the caller.
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
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import IO, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from store.sanitize import clean_line

USER_AGENT = "newsdesk/0.1 (+terminal news reader)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/json;q=0.8, application/xml;q=0.8, "
    "text/xml;q=0.8, */*;q=0.5"
)
WEB_SCHEMES = ("http", "https")
MAX_RETRY_AFTER = 5.0  # seconds; a server asking for a longer pause is not retried
_CHUNK = 64 * 1024
_PERMANENT = (301, 308)
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"
_REFUSED_REDIRECT = "Redirection to url"
_REDIRECT_LOOP = urllib.request.HTTPRedirectHandler.inf_msg.splitlines()[0]


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
    """A response with its whole body read; a 304 has none."""

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


# One request ----------------------------------------------------------------------------


def download(
    request: Conditional,
    redirects: RedirectHandler,
    *,
    timeout: float,
    max_bytes: int,
    accept: str = ACCEPT,
) -> Response:
    """One request and its body; every network problem comes out as a ``Failure``."""
    try:
        with _opener(redirects).open(_http_request(request, accept), timeout=timeout) as response:
            body = _read_body(response, max_bytes, redirects.deadline)
            return Response(response.status, response.headers, body, response.url)
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            if exc.code == 304:
                return Response(304, exc.headers, b"")
            raise _http_failure(exc) from None
    except Failure:
        raise
    except Exception as exc:
        raise _classify(exc) from exc


def _http_request(request: Conditional, accept: str) -> urllib.request.Request:
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
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


def _opener(redirects: RedirectHandler) -> urllib.request.OpenerDirector:
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


class RedirectHandler(urllib.request.HTTPRedirectHandler):
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
            raise Failure("timed out", retry=True)
        if urlsplit(newurl).scheme.lower() not in WEB_SCHEMES:
            raise Failure(f"redirected to a non-web address: {newurl[:80]}", retry=False)
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
            raise Failure("timed out", retry=True)
    if len(body) > max_bytes:
        raise _too_large(max_bytes)
    return bytes(body)


# Content-Encoding -----------------------------------------------------------------------


def decode(body: bytes, encodings: str, max_bytes: int) -> bytes:
    """Undo gzip/deflate ourselves (urllib does not), in reverse order of application."""
    for coding in reversed([c.strip().lower() for c in encodings.split(",") if c.strip()]):
        if not body or coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, 16 + zlib.MAX_WBITS, max_bytes, "gzip")
        elif coding == "deflate":
            body = _inflate_deflate(body, max_bytes)
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


# Errors ---------------------------------------------------------------------------------


def _classify(exc: Exception) -> Failure:
    """An exception from urllib or http.client as a one-line failure, retryable or not."""
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        return _classify_reason(exc.reason)
    if isinstance(exc, urllib.error.URLError):
        return Failure(f"cannot fetch: {exc.reason}", retry=False)
    if isinstance(exc, http.client.HTTPException):
        return Failure(f"connection broken ({_describe(exc)})", retry=True)
    if isinstance(exc, OSError):
        return _classify_reason(exc)
    if isinstance(exc, ValueError):
        return Failure(f"invalid request: {_describe(exc)}", retry=False)
    return Failure(f"{type(exc).__name__}: {_describe(exc)}", retry=False)


def _classify_reason(reason: BaseException) -> Failure:
    if isinstance(reason, TimeoutError):
        return Failure("timed out", retry=True)
    if isinstance(reason, ssl.SSLCertVerificationError):
        return Failure(f"TLS certificate not accepted ({reason.verify_message})", retry=False)
    if isinstance(reason, ssl.SSLError):
        return Failure(f"TLS error ({reason.reason or reason})", retry=False)
    if isinstance(reason, OSError) and reason.strerror:
        return Failure(f"cannot connect: {reason.strerror}", retry=True)
    return Failure(f"cannot connect: {_describe(reason)}", retry=True)


def _http_failure(exc: urllib.error.HTTPError) -> Failure:
    """An HTTP error status; only 429 and 5xx are worth another attempt."""
    code = exc.code
    if 300 <= code < 400:
        return _redirect_failure(code, str(exc.reason))
    message = f"HTTP {code} {clean_line(str(exc.reason))}".strip()
    if code != 429 and code < 500:
        return Failure(message, retry=False, http_status=code)
    wait = _retry_after(exc.headers.get("Retry-After", ""))
    if wait > MAX_RETRY_AFTER:
        message += f" (the server asked to wait {wait:.0f} s)"
        return Failure(message, retry=False, http_status=code)
    return Failure(message, retry=True, wait=wait, http_status=code)


def _redirect_failure(code: int, reason: str) -> Failure:
    """urllib's own redirect refusals, told apart by their (long stable) wording."""
    if _REDIRECT_LOOP in reason:
        message = "too many redirects"
    elif _REFUSED_REDIRECT in reason:  # urllib refuses file: and such before we are asked
        message = "redirected to a non-web address"
    else:
        message = "redirect without a usable Location"
    return Failure(f"{message} (HTTP {code})", retry=False, http_status=code)


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
