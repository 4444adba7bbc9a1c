"""The article model and its TinyDB document schema.

Schema version 2 (one document per article in the ``articles`` table):

==============  ==========================================================
field           meaning
==============  ==========================================================
``id``          stable id: from the guid/URL, else a hash of the content
``title``       headline (plain text)
``url``         link to the original, may be empty
``source``      publisher or feed name
``author``      byline, may be empty
``published``   ISO 8601 with a zone, may be empty when unknown
``summary``     standfirst or lead paragraph
``body``        paragraphs separated by blank lines
``caption``     photo caption kept from the source, may be empty
``tags``        list of strings
``entities``    ``[[start, end, kind], ...]`` character spans over ``body``
                (the text of each is ``body[start:end]``); absent: not
                extracted yet
``full_text``   the body came from the article's page: ``ok``; or
                ``failed: REASON`` (the body is the feed's text); absent:
                never fetched. Optional, kept in ``extra``
``enclosures``  the feed item's podcast, video and image files: a list of
                ``{url, type, length, duration}`` (``url`` an http(s) link;
                ``type`` a MIME type, ``length`` bytes and ``duration``
                whole seconds, each present only when known); absent when
                there are none. Optional, kept in ``extra``
                (``store.enclosures``)
``feed``        the URL of the subscription it was fetched from; absent:
                imported from a file. Optional, kept in ``extra``
==============  ==========================================================

Version 1 wrote each entity as ``{start, end, kind, text}``, three times the bytes: such
documents are still read, and are written in the compact form when next written.

Unknown fields are kept untouched in ``extra``; missing fields get defaults; a document that
is not an object or has neither title nor body is rejected with a reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 2
FULL_TEXT = "full_text"
FEED = "feed"
ENCLOSURES = "enclosures"
ENTITY_KINDS = ("person", "org", "place", "date", "figure", "misc")
NAMED_KINDS = ("person", "org", "place", "misc")
"""The kinds that name something (not dates and figures): what entity searches and facets
cover."""
KNOWN_FIELDS = (
    "id",
    "title",
    "url",
    "source",
    "author",
    "published",
    "summary",
    "body",
    "caption",
    "tags",
    "entities",
)


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing mentioned in an article body, as a character span."""

    start: int
    end: int
    kind: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "kind": self.kind, "text": self.text}


@dataclass(frozen=True, slots=True)
class Article:
    """One news article; immutable so rows and caches can share it safely."""

    id: str
    title: str
    body: str = ""
    url: str = ""
    source: str = ""
    author: str = ""
    published: str = ""
    summary: str = ""
    caption: str = ""
    tags: tuple[str, ...] = ()
    entities: tuple[Entity, ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def date(self) -> str:
        """The publication day as ``YYYY-MM-DD``, or empty when unknown."""
        return self.published[:10]

    @property
    def paragraphs(self) -> list[str]:
        return [part for part in self.body.split("\n\n") if part.strip()]

    def to_document(self) -> dict[str, Any]:
        doc: dict[str, Any] = dict(self.extra)
        doc.update(
            id=self.id,
            title=self.title,
            url=self.url,
            source=self.source,
            author=self.author,
            published=self.published,
            summary=self.summary,
            body=self.body,
            caption=self.caption,
            tags=list(self.tags),
        )
        if self.entities is not None:
            doc["entities"] = stored_entities(self.entities, self.body)
        return doc


def stored_entities(entities: Iterable[Entity], body: str) -> list[list[Any]]:
    """Entities as a document stores them: ``[start, end, kind]`` each, with the text only
    where it is not ``body[start:end]`` (a document written by hand)."""
    stored: list[list[Any]] = []
    for entity in entities:
        span: list[Any] = [entity.start, entity.end, entity.kind]
        if body[entity.start : entity.end] != entity.text:
            span.append(entity.text)
        stored.append(span)
    return stored


def compacted(doc: Any) -> Any:
    """A stored document with its entities in the compact form (anything else unchanged)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
        return doc
    body = doc.get("body")
    if not isinstance(body, str) or not any(isinstance(e, dict) for e in doc["entities"]):
        return doc
    entities = _entities(doc["entities"], len(body), body) or ()
    return {**doc, "entities": stored_entities(entities, body)}


class InvalidDocument(ValueError):
    """A stored document that cannot become an article; the message says why."""


def content_id(*parts: str) -> str:
    """A stable id for an article that has no guid or URL."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


def article_from_document(doc: Mapping[str, Any]) -> Article:
    """Build an article from a stored document, or raise ``InvalidDocument``."""
    if not isinstance(doc, Mapping):
        raise InvalidDocument("not a JSON object")
    title = _text(doc, "title")
    body = _text(doc, "body")
    summary = _text(doc, "summary")
    if not (title or body or summary):
        raise InvalidDocument("no title, summary or body")
    url = _text(doc, "url")
    article_id = _text(doc, "id") or content_id(url, title, body)
    return Article(
        id=article_id,
        title=title or _fallback_title(summary or body),
        body=body,
        url=url,
        source=_text(doc, "source"),
        author=_text(doc, "author"),
        published=_published(doc.get("published")),
        summary=summary,
        caption=_text(doc, "caption"),
        tags=tuple(str(tag) for tag in _list(doc.get("tags")) if isinstance(tag, str | int)),
        entities=_entities(doc.get("entities"), len(body), body),
        extra={key: value for key, value in doc.items() if key not in KNOWN_FIELDS},
    )


def _text(doc: Mapping[str, Any], key: str) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    raise InvalidDocument(f"field {key!r} is {type(value).__name__}, expected text")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _fallback_title(text: str) -> str:
    first_line = text.strip().split("\n", 1)[0]
    return first_line[:100] or "(untitled)"


def _published(value: Any) -> str:
    """A stored date in UTC, so that text order is time order; unreadable becomes empty.

    A date without a zone is taken to be UTC.
    """
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _entities(value: Any, body_length: int, body: str) -> tuple[Entity, ...] | None:
    """Valid entity spans only; ``None`` means "not extracted yet"."""
    if not isinstance(value, list):
        return None
    spans = []
    for item in value:
        try:
            entity = _entity(item, body)
        except (KeyError, TypeError, ValueError, IndexError):
            continue
        if 0 <= entity.start < entity.end <= body_length and entity.kind in ENTITY_KINDS:
            spans.append(entity)
    return tuple(spans)


def _entity(item: Any, body: str) -> Entity:
    """One stored entity: ``[start, end, kind(, text)]``, or version 1's object."""
    if isinstance(item, list):
        start, end, kind = int(item[0]), int(item[1]), str(item[2])
        text = str(item[3]) if len(item) > 3 else body[start:end]
        return Entity(start, end, kind, text)
    return Entity(int(item["start"]), int(item["end"]), str(item["kind"]), str(item["text"]))
