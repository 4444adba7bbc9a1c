"""Turn loosely shaped records (JSON objects, feed entries) into validated articles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from store.article import (
    ENCLOSURES,
    KNOWN_FIELDS,
    Article,
    InvalidDocument,
    article_from_document,
    content_id,
)
from store.ingest.dates import iso, parse_date
from store.ingest.enclosures import clean_enclosures
from store.ingest.html import html_to_text, looks_like_html
from store.sanitize import clean_line, clean_text
from store.seed import headline_from

# Other names for our fields, in order of preference, as JSON exports and feeds spell them.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uuid", "_id"),
    "title": ("title", "headline", "name"),
    "url": ("url", "link", "href", "external_url", "permalink"),
    "source": ("source", "feed", "publisher", "site", "site_name"),
    "author": ("author", "byline", "creator"),
    "published": (
        "published",
        "date_published",
        "pubDate",
        "date",
        "published_at",
        "created_at",
        "updated",
        "date_modified",
        "timestamp",
    ),
    "summary": ("summary", "description", "abstract", "standfirst", "lede"),
    "body": ("body", "content", "content_text", "content_html", "text", "article", "html"),
    "tags": ("tags", "categories", "keywords"),
    "caption": ("caption",),
}


@dataclass(frozen=True)
class Context:
    """Where records come from, for default source names and missing dates."""

    source: str
    fetched_at: datetime

    @property
    def default_source(self) -> str:
        """For an article that names no source: a URL's host, else the file's name."""
        if "://" in self.source:
            return urlsplit(self.source).netloc or self.source
        return PurePath(self.source).name or self.source

    @classmethod
    def now(cls, source: str) -> Context:
        return cls(source, datetime.now(UTC))


def article_from_record(record: Any, context: Context) -> Article:
    """An article from a JSON-ish record; raises ``InvalidDocument`` with the reason."""
    if not isinstance(record, Mapping):
        raise InvalidDocument(f"expected an object, got {type(record).__name__}")
    fields = {name: _first(record, names) for name, names in ALIASES.items()}
    extra = {key: value for key, value in record.items() if not _is_mapped(key)}
    return build_article(fields, extra, context)


def build_article(fields: dict[str, Any], extra: dict[str, Any], context: Context) -> Article:
    """Clean, fill in and validate mapped fields (shared by every reader).

    Entities are not taken from the input: they are extracted again from the cleaned text,
    so their offsets always match it. Enclosures in ``extra`` (a feed's, or a JSON file's
    own ``enclosures``) are kept only as far as they are safe, and only when there are any.
    """
    doc: dict[str, Any] = dict(extra)
    if ENCLOSURES in doc:
        _keep_enclosures(doc)
    doc["title"] = clean_line(_plain(_text(fields.get("title")), links=False)) or _stand_in_title(
        _text(fields.get("summary")) or _text(fields.get("body"))
    )
    doc["summary"] = clean_text(_plain(_text(fields.get("summary"))))
    doc["body"] = clean_text(_plain(_text(fields.get("body"))))
    doc["url"] = clean_line(_text(fields.get("url")))
    doc["source"] = clean_line(_text(fields.get("source"))) or context.default_source
    doc["author"] = clean_line(_author(fields.get("author")))
    doc["tags"] = _tags(fields.get("tags"))
    doc.update(_dates(fields.get("published"), context))
    if not doc["body"] and doc["summary"]:
        doc["body"] = doc["summary"]
    doc["caption"] = clean_text(_text(fields.get("caption")))
    doc["id"] = _stable_id(fields.get("id"), doc, context)
    return article_from_document(doc)


def _keep_enclosures(doc: dict[str, Any]) -> None:
    """The input's enclosures in ``doc`` replaced by the safe ones; none, no field (an
    empty list would make a re-import of an older copy look like a change)."""
    enclosures = clean_enclosures(doc.pop(ENCLOSURES))
    if enclosures:
        doc[ENCLOSURES] = enclosures


def _stand_in_title(text: str) -> str:
    """For an untitled item: its first sentence, without link targets."""
    first_paragraph = _plain(text, links=False).split("\n\n", 1)[0]
    return headline_from(clean_line(first_paragraph)) if first_paragraph else ""


def _first(record: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


_MAPPED = {name for names in ALIASES.values() for name in names} | set(KNOWN_FIELDS)


def _is_mapped(key: str) -> bool:
    return key in _MAPPED


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Mapping):
        return _text(_first(value, ("value", "content", "text", "body", "html", "name", "href")))
    if isinstance(value, list):
        return "\n\n".join(_text(item) for item in value if _text(item))
    raise InvalidDocument(f"a field holds {type(value).__name__}, expected text")


def _plain(text: str, links: bool = True) -> str:
    return html_to_text(text, links) if looks_like_html(text) else text.strip()


def _author(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_author(item) for item in value if _author(item))
    if isinstance(value, Mapping):
        return _text(value.get("name") or value.get("email"))
    return _text(value)


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list):
        return []
    tags = (
        clean_line(_text(item.get("term") if isinstance(item, Mapping) else item)) for item in value
    )
    return list(dict.fromkeys(tag for tag in tags if tag))


def _dates(value: Any, context: Context) -> dict[str, Any]:
    moment = parse_date(value, now=context.fetched_at)
    if moment is not None:
        return {"published": iso(moment)}
    reason = "absurd" if value not in (None, "") else "missing"
    return {"published": iso(context.fetched_at), "published_estimated": reason}


def _stable_id(given: Any, doc: Mapping[str, Any], context: Context) -> str:
    """The record's own id, else its URL, else a hash of its content."""
    if given not in (None, ""):
        return clean_line(_text(given))
    if doc["url"]:
        return content_id(doc["url"])
    return content_id(doc["title"], doc["body"])


def feed_entry_id(guid: Any, url: str, feed_key: str) -> str:
    """A store-wide id for a feed entry.

    Globally unique guids (URLs, ``urn:``, ``tag:``) are used as they are; other guids are
    only unique within their feed, so they are scoped by it. Without a guid, the link is used.
    """
    text = _text(guid).strip() if guid not in (None, "") else ""
    if text.lower().startswith(("http://", "https://", "urn:", "tag:")):
        return content_id(text)
    if text:
        return content_id(feed_key, text)
    return content_id(url) if url else ""
