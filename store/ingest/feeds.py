"""RSS 0.9x/1.0/2.0 and Atom, parsed by feedparser (which recovers from much bad XML).

An entry's enclosures (podcast episodes, videos, images) are kept beside its text; what is
taken from which element, and how it is made safe, is in ``store.ingest.enclosures``.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Mapping
from io import BytesIO
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from store.article import ENCLOSURES, Article, InvalidDocument
from store.ingest.dates import TWELVE_HOUR as _TWELVE_HOUR
from store.ingest.enclosures import feed_enclosures
from store.ingest.mapping import Context, build_article, feed_entry_id
from store.ingest.result import ReadResult
from store.ingest.transport import charset_of
from store.rejects import Reject

# Entry keys feedparser fills that our fields already carry.
_MAPPED_KEYS = frozenset(
    """id guidislink link links title title_detail author author_detail authors published
    published_parsed updated updated_parsed created created_parsed summary summary_detail
    content tags""".split()
)


_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def read_feed(data: bytes, context: Context, url: str = "", content_type: str = "") -> ReadResult:
    """Articles of a feed; ``url`` (where it was fetched from) resolves relative links, and
    a charset in ``content_type`` (the response's ``Content-Type``) says how it is encoded."""
    headers = _response_headers(url, content_type)
    # Whitespace before "<?xml" is a common publishing slip that strict XML parsers refuse.
    # A BytesIO, because feedparser treats raw bytes that name an existing file as a path.
    stream = BytesIO(numeric_entities(data.lstrip()))
    parsed = feedparser.parse(stream, sanitize_html=True, response_headers=headers)
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    broken = problem is not None and _is_xml_error(problem)
    if not entries and (broken or not parsed.get("version")):
        reason = f"not a readable feed ({_describe(problem)})" if problem else "not a feed"
        return ReadResult(rejects=[Reject(context.source, "", reason)])
    feed = parsed.get("feed") or {}
    source = _plain_title(feed) or context.default_source
    feed_context = Context(source, context.fetched_at)
    feed_key = url or str(feed.get("link") or feed.get("id") or source)
    result = _entries(entries, feed_context, feed_key, url or _self_link(feed))
    result.feed_title = _plain_title(feed)
    result.feed_ttl_s = _ttl_s(feed)
    if broken:
        result.rejects.append(
            Reject(context.source, "feed", f"malformed XML, kept what parsed: {_describe(problem)}")
        )
    return result


def numeric_entities(data: bytes) -> bytes:
    """HTML's named entities (``&nbsp;``, ``&eacute;``), which XML does not define, as the
    numeric references it does: real feeds use them, and a strict parser stops at the
    first. Text in CDATA sections is left as it is."""
    if b"&" not in data:
        return data
    parts = _CDATA.split(data)
    parts[::2] = [_ENTITY.sub(_numeric, part) for part in parts[::2]]
    return b"".join(parts)


def _numeric(match: re.Match[bytes]) -> bytes:
    name = match[1]
    if name in _XML_ENTITIES:
        return match[0]
    text = html.entities.html5.get(name.decode("ascii") + ";")
    if text is None:
        return match[0]
    return b"".join(b"&#%d;" % ord(char) for char in text)


def _response_headers(url: str, content_type: str) -> dict[str, str] | None:
    """What feedparser is told of the response: where it came from, and its charset when
    the server named one (without one, the document's own declaration stands)."""
    headers = {"content-location": url} if url else {}
    if charset_of(content_type):
        headers["content-type"] = content_type
    return headers or None


def _self_link(feed: Mapping[str, Any]) -> str:
    """The feed's own address (``rel="self"``), else its site, as a base for relative links."""
    for link in feed.get("links") or ():
        if link.get("rel") == "self" and link.get("href"):
            return str(link["href"])
    return str(feed.get("link") or "")


def _entries(entries: list[Any], context: Context, feed_key: str, base: str) -> ReadResult:
    result = ReadResult()
    for number, entry in enumerate(entries, 1):
        try:
            result.articles.append(_article(entry, context, feed_key, base))
        except InvalidDocument as exc:
            label = str(entry.get("title") or entry.get("id") or f"entry {number}")[:80]
            result.rejects.append(Reject(context.source, label, str(exc)))
    return result


def _article(entry: Mapping[str, Any], context: Context, feed_key: str, base: str) -> Article:
    link = _link(entry, base)
    fields = {
        "id": feed_entry_id(entry.get("id"), link, feed_key) or None,
        "title": entry.get("title"),
        "source": context.source,
        "url": link,
        "author": entry.get("authors") or entry.get("author"),
        "published": _date(entry),
        "summary": entry.get("summary"),
        "body": _content(entry),
        "tags": entry.get("tags"),
    }
    if fields["body"] == fields["summary"]:
        fields["summary"] = None
    return build_article(fields, {ENCLOSURES: feed_enclosures(entry, base)}, context)


def _link(entry: Mapping[str, Any], base: str) -> str:
    """The entry's web address, absolute; an id that is not one (``urn:``, ``tag:``) is no link."""
    link = str(entry.get("link") or "").strip()
    if entry.get("guidislink") and not link.lower().startswith(("http://", "https://")):
        return ""
    if link and base and not urlsplit(link).scheme:
        return urljoin(base, link)
    return link


def _date(entry: Mapping[str, Any]) -> Any:
    raw = entry.get("published") or entry.get("updated")
    if isinstance(raw, str) and _TWELVE_HOUR.search(raw):
        return raw  # feedparser drops AM/PM; parse_date keeps it
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: FeedParserDict.get maps missing keys onto others, with a warning.
        if value := dict.get(entry, key) if isinstance(entry, dict) else entry.get(key):
            return value
    return entry.get("published") or entry.get("updated")


def _content(entry: Mapping[str, Any]) -> str | None:
    """The richest body the entry has: the longest ``content`` part, else the summary."""
    parts = [str(part.get("value")) for part in entry.get("content") or () if part.get("value")]
    if parts:
        return max(parts, key=len)
    summary = entry.get("summary")
    return str(summary) if summary else None


def _ttl_s(feed: Mapping[str, Any]) -> float:
    """RSS ``<ttl>`` (minutes) in seconds, at most a week; 0 when absent or odd."""
    text = str(feed.get("ttl") or "").strip()
    return min(float(text) * 60, 7 * 86400.0) if text.isdigit() else 0.0


def _plain_title(feed: Mapping[str, Any]) -> str:
    return str(feed.get("title") or "").strip()


def _is_xml_error(problem: Exception) -> bool:
    return not isinstance(problem, feedparser.CharacterEncodingOverride)


def _describe(problem: Any) -> str:
    text = " ".join(str(problem).split())
    return text or type(problem).__name__
