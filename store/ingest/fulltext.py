"""Whole articles for the items of truncated feeds: each item's page downloaded politely and
its main text extracted (``store.ingest.pages``).

Pages go through the feeds' transport (HTTP(S) only, each attempt bounded in time and size,
redirects limited), at most ``PER_HOST`` at once to one host and ``WORKERS`` in all. A page
that cannot be had (404, a paywall's teaser, not HTML, too large) leaves the feed's text;
the reason is kept with the article and said in the fetch summary.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from store.article import FULL_TEXT, Article
from store.errors import StoreError
from store.ingest.fetch import PER_HOST, HostGates, refusal, shorten
from store.ingest.importer import stored_documents
from store.ingest.pages import NotAnArticle, Page, extract_page
from store.ingest.transport import Failure, RedirectHandler, charset_of, decode, download

PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
MAX_PAGE_BYTES = 5 * 1024 * 1024
WORKERS = 8
TIMEOUT_S = 15.0
HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})""", re.I)


@dataclass(frozen=True)
class PageOutcome:
    """One page: its article, or why there is none (``error``, one line)."""

    url: str
    page: Page | None = None
    error: str = ""


@dataclass(frozen=True)
class _PageRequest:
    url: str
    etag: str = ""
    modified: str = ""


def fetch_page(url: str, *, timeout: float = TIMEOUT_S, retries: int = 1) -> PageOutcome:
    """Download ``url`` and extract its article; never raises."""
    if why := refusal(url):
        return PageOutcome(url, error=why)
    for attempt in range(retries + 1):
        try:
            return PageOutcome(url, _attempt(url, timeout))
        except Failure as failure:
            if not failure.retry or attempt == retries:
                return PageOutcome(url, error=shorten(failure.message))
            time.sleep(max(0.5 * 2**attempt, failure.wait))
        except NotAnArticle as exc:
            return PageOutcome(url, error=shorten(str(exc)))
        except Exception as exc:  # a bug costs one page, not the fetch
            return PageOutcome(url, error=shorten(f"unexpected error: {type(exc).__name__}"))
    raise AssertionError("unreachable: the last attempt always returns")


def _attempt(url: str, timeout: float) -> Page:
    redirects = RedirectHandler(time.monotonic() + timeout)
    response = download(
        _PageRequest(url), redirects, timeout=timeout, max_bytes=MAX_PAGE_BYTES, accept=PAGE_ACCEPT
    )
    kind = _media_type(response.headers.get("Content-Type", ""))
    if kind and kind not in HTML_TYPES:
        raise NotAnArticle(f"not an HTML page ({kind})")
    body = decode(response.body, response.headers.get("Content-Encoding", ""), MAX_PAGE_BYTES)
    markup = page_text(body, response.headers.get("Content-Type", ""))
    return extract_page(markup, response.url or url)


def page_text(body: bytes, content_type: str = "") -> str:
    """An HTML page's text: in the charset its server names, else the one its markup
    declares, else UTF-8. A page that is not the UTF-8 it claims to be (a common slip) is
    read as Windows-1252, the web's usual other encoding; one that is valid UTF-8 while it
    claims a Western single-byte charset is read as UTF-8 (no Latin-1 text is both)."""
    declared = charset_of(content_type) or _markup_charset(body) or "utf-8"
    western = declared.lower().replace("_", "-") in _WESTERN
    if declared.lower() in _UTF8 or (western and not body.isascii()):
        try:
            return body.decode("utf-8-sig")
        except UnicodeDecodeError:
            declared = declared if western else "cp1252"
    try:
        return body.decode(declared, errors="replace")
    except LookupError:  # a charset Python does not know
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return body.decode("cp1252", errors="replace")


_UTF8 = ("utf-8", "utf8", "utf-8-sig")
_WESTERN = ("iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii")


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _markup_charset(body: bytes) -> str:
    if body.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    match = _META_CHARSET.search(body[:4096])
    return match[1].decode("ascii") if match else ""


def fetch_pages(
    urls: Iterable[str],
    *,
    workers: int = WORKERS,
    per_host: int = PER_HOST,
    timeout: float = TIMEOUT_S,
    on_page: Callable[[PageOutcome], None] | None = None,
) -> dict[str, PageOutcome]:
    """Fetch pages concurrently, at most ``per_host`` at once to one host; by URL."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return {}
    gates = HostGates(wanted, per_host)

    def one(url: str) -> PageOutcome:
        with gates(url):
            outcome = fetch_page(url, timeout=timeout)
        if on_page is not None:
            on_page(outcome)
        return outcome

    with ThreadPoolExecutor(max(1, min(workers, len(wanted))), "newsdesk-pages") as pool:
        return dict(zip(wanted, pool.map(one, wanted), strict=True))


def with_whole_text(
    path: Path,
    articles: list[Article],
    *,
    timeout: float = TIMEOUT_S,
    on_page: Callable[[PageOutcome], None] | None = None,
) -> tuple[list[Article], list[PageOutcome]]:
    """The articles of a full-text feed with their pages' text as the body and the feed's
    text as the summary, and the pages fetched. An article whose whole text is stored and
    whose feed text is as it was keeps it: its page is not fetched again."""
    try:
        stored = stored_documents(path, [article.id for article in articles])
    except StoreError:  # another writer: fetch again rather than fail the fetch
        stored = {}
    kept: dict[str, Article] = {}
    wanted: list[Article] = []
    for article in articles:
        doc = stored.get(article.id)
        if doc is not None and _still_whole(article, doc):
            kept[article.id] = _as_stored(article, doc)
        elif article.url:
            wanted.append(article)
    pages = fetch_pages([a.url for a in wanted], timeout=timeout, on_page=on_page)
    for article in wanted:
        kept[article.id] = merged(article, pages[article.url])
    return [kept.get(article.id, article) for article in articles], list(pages.values())


def feed_text(article: Article) -> str:
    """What the feed says of the item: its richest text (once the whole text is in the
    body, the summary holds it)."""
    if article.extra.get(FULL_TEXT) == "ok":
        return article.summary
    return article.body or article.summary


def _still_whole(article: Article, doc: Mapping[str, Any]) -> bool:
    return doc.get(FULL_TEXT) == "ok" and doc.get("summary") == feed_text(article)


def _as_stored(article: Article, doc: Mapping[str, Any]) -> Article:
    return replace(
        article,
        body=str(doc.get("body") or ""),
        summary=feed_text(article),
        author=article.author or str(doc.get("author") or ""),
        caption=article.caption or str(doc.get("caption") or ""),
        entities=None,
        extra={**article.extra, FULL_TEXT: "ok"},
    )


def merged(article: Article, outcome: PageOutcome) -> Article:
    """The article with its page's text as the body and the feed's text as the summary,
    and what the page says the feed did not; a page that failed leaves the text as it
    is, with the reason."""
    page = outcome.page
    if page is None:
        return replace(article, extra={**article.extra, FULL_TEXT: f"failed: {outcome.error}"})
    extra = {**article.extra, FULL_TEXT: "ok"}
    published = article.published
    if "published_estimated" in extra and page.published:
        published = page.published
        del extra["published_estimated"]
    return replace(
        article,
        title=article.title or page.title,
        body=page.text,
        summary=feed_text(article),
        author=article.author or page.author,
        caption=article.caption or page.caption,  # beside the body: the text is the article
        published=published,
        entities=None,
        extra=extra,
    )
