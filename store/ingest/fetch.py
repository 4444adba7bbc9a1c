"""Fetch feeds over HTTP(S): conditional, compressed, redirect-aware, retried and bounded.

Every failure becomes a ``FetchOutcome`` with a one-line reason, so one bad feed never stops
a refresh of many. Feeds are fetched by worker threads, at most ``PER_HOST`` at once to one
host; the HTTP transport (httpx) is in ``transport`` and parsing is left to ``read_bytes``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlsplit

from store.ingest.reader import read_bytes
from store.ingest.result import ReadResult
from store.ingest.transport import ACCEPT as ACCEPT
from store.ingest.transport import MAX_RETRY_AFTER as MAX_RETRY_AFTER
from store.ingest.transport import USER_AGENT as USER_AGENT
from store.ingest.transport import WEB_SCHEMES as WEB_SCHEMES
from store.ingest.transport import Failure, RedirectHandler, decode, download
from store.sanitize import clean_line

MAX_ERROR_CHARS = 200
PER_HOST = 2
"""Requests at once to one host, however many workers there are (a polite client's limit)."""


class HostGates:
    """One gate per host of ``urls``: at most ``per_host`` requests through each at once."""

    def __init__(self, urls: Sequence[str], per_host: int = PER_HOST) -> None:
        self._gates = {host_of(url): threading.BoundedSemaphore(per_host) for url in urls}

    def __call__(self, url: str) -> threading.BoundedSemaphore:
        return self._gates[host_of(url)]


def host_of(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


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
    retry_after: float = 0.0
    """Seconds the server asked us to wait before the next request (``Retry-After``)."""

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
    gates = HostGates([request.url for request in requests])
    task = partial(
        _fetch_and_report,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        report=on_outcome,
        gates=gates,
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
    gates: HostGates,
) -> FetchOutcome:
    with gates(request.url):
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
        outcome = FetchOutcome(request.url, "failed", error=shorten(detail))
    outcome.seconds = time.monotonic() - started
    return outcome


def _fetch_with_retries(request: FeedRequest, limits: _Limits) -> FetchOutcome:
    why = refusal(request.url)
    if why:
        return FetchOutcome(request.url, "failed", error=why, attempts=0)
    for attempt in range(limits.retries + 1):
        try:
            return _attempt(request, limits, attempt + 1)
        except Failure as failure:
            if not failure.retry or attempt == limits.retries:
                return _failed(request, failure, attempt + 1)
            time.sleep(max(limits.backoff * 2**attempt, failure.wait))
    raise AssertionError("unreachable: the last attempt always returns")


def _failed(request: FeedRequest, failure: Failure, attempts: int) -> FetchOutcome:
    message = failure.message if attempts == 1 else f"{failure.message} after {attempts} attempts"
    return FetchOutcome(
        request.url,
        "failed",
        http_status=failure.http_status,
        error=shorten(message),
        attempts=attempts,
        retry_after=failure.wait,
    )


def refusal(url: str) -> str:
    """Why ``url`` must not be fetched at all (only web addresses are), or ""."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as exc:
        return shorten(f"invalid address: {exc}")
    if parts.scheme.lower() not in WEB_SCHEMES:
        shown = f"a {parts.scheme}: address" if parts.scheme else "an address without http://"
        return f"only http:// and https:// addresses can be fetched, not {shown}"
    return "" if host else "the address has no host name"


# One attempt ----------------------------------------------------------------------------


def _attempt(request: FeedRequest, limits: _Limits, number: int) -> FetchOutcome:
    redirects = RedirectHandler(time.monotonic() + limits.timeout)
    response = download(request, redirects, timeout=limits.timeout, max_bytes=limits.max_bytes)
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
    body = decode(response.body, encodings, limits.max_bytes)
    content_type = response.headers.get("Content-Type", "")
    outcome.result = read_bytes(body, request.url, content_type=content_type)
    return outcome


def _not_modified(outcome: FetchOutcome, request: FeedRequest) -> FetchOutcome:
    """The old validators stay valid unless the 304 brought new ones."""
    outcome.status = "not-modified"
    outcome.etag = outcome.etag or request.etag
    outcome.modified = outcome.modified or request.modified
    return outcome


def _moved(request: FeedRequest, redirects: RedirectHandler) -> str:
    return "" if redirects.permanent == request.url.strip() else redirects.permanent


def shorten(text: str) -> str:
    text = clean_line(text)
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
