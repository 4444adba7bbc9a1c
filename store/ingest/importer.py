"""Merge read articles into a store in one atomic write.

Idempotent: an article is matched on its id; the same content again is "unchanged", changed
content replaces the stored document ("updated"), never duplicates it. A date that had to be
guessed (missing from the input) never counts as a change. Either the whole import lands or,
if the process dies or the write fails, the store stays exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.article import SCHEMA_VERSION, Article, article_from_document
from store.entity_backends import DEFAULT_BACKEND
from store.index import refresh_index, signature
from store.index.delta import ImportDelta, by_time, import_delta
from store.ingest.extraction import Extraction
from store.ingest.result import ReadResult, Reject, Subscription
from store.library import ARTICLES, META, check_schema
from store.storage import AtomicJSONStorage, Tables, holding, read_tables

FEEDS = "feeds"
FeedUpdates = Mapping[str, Mapping[str, str]]
Progress = Callable[[int, int], None]
_VOLATILE = ("entities", "published", "published_estimated")


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    feeds_added: int = 0
    rejected: list[Reject] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "feeds_added": self.feeds_added,
            "rejected": [reject.to_dict() for reject in self.rejected],
        }


def import_into(
    path: Path,
    result: ReadResult,
    feed_updates: FeedUpdates | None = None,
    progress: Progress | None = None,
    entities: str = DEFAULT_BACKEND,
) -> ImportSummary:
    """Merge ``result`` into the store at ``path`` (created when missing).

    ``feed_updates`` maps a subscribed feed's URL to fields to set on it (validators, last
    status, a new URL after a permanent redirect), written in the same atomic write.
    ``entities`` names the entity backend (``store.entity_backends.BACKENDS``) used for
    articles that arrive without entities; one that cannot run raises ``BackendUnavailable``
    and leaves the store as it was.
    """
    summary = ImportSummary(rejected=list(result.rejects))
    storage = AtomicJSONStorage(path)
    with holding(storage.lock):
        tables = _load_or_new(path)
        writes = _planned(tables[ARTICLES], _unique(result.articles, summary), summary)
        feeds = tables.setdefault(FEEDS, {})
        summary.feeds_added = merge_feeds(feeds, result.feeds)
        _update_feeds(feeds, feed_updates or {})
        if writes or summary.feeds_added or feed_updates or not path.exists():
            _write(path, storage, tables, writes, progress or _no_progress, entities)
    return summary


Write = tuple[str, dict[str, Any], Article]
"""A document to store under a key of the articles table, and the article it is made of
(``Article.to_document`` of it is the document, entities aside)."""


def _write(
    path: Path,
    storage: AtomicJSONStorage,
    tables: Tables,
    writes: list[Write],
    progress: Progress,
    backend: str,
) -> None:
    """Write the store with ``writes`` and their entities, keeping the index in step:
    through an ``ImportDelta`` while the entities are extracted when it was in step before,
    else by catching up afterwards. Each new document is written into the store file as
    soon as its entities are ready and is not kept: the file is replaced once complete."""
    table = tables[ARTICLES]
    for key, _, _ in writes:  # changed ones are written again, with the new ones
        table.pop(key, None)
    writes = sorted(writes, key=lambda write: by_time(write[1]))
    pairs = [(doc, article) for _, doc, article in writes]
    with Extraction(pairs, backend) as extraction, import_delta(path) as delta:
        if delta is not None:
            delta.forget([article.id for _, article in pairs])
        storage.write(tables, {ARTICLES: _with_entities(writes, extraction, delta, progress)})
        indexed = delta is not None and delta.commit(signature(path))
    if not indexed:
        refresh_index(path)


def _with_entities(
    writes: list[Write],
    extraction: Extraction,
    delta: ImportDelta | None,
    progress: Progress,
) -> Iterator[tuple[str, bytes]]:
    """Each document with its entities, encoded, under its key, as its chunk is ready; the
    delta indexes the words of the next chunk while the workers are still extracting, and
    completes chunks as they become ready."""
    done = 0

    def complete(number: int) -> Iterator[tuple[str, bytes]]:
        start, end = extraction.bounds(number)
        for (key, _, article), found in zip(
            writes[start:end], extraction.chunk(number), strict=True
        ):
            if delta is not None:
                delta.complete(article.id, found.document, found.fingerprint, found.names)
            yield key, found.document
        progress(end, len(writes))

    for number in range(extraction.chunks):
        if delta is not None:
            start, end = extraction.bounds(number)
            delta.add([(doc, article) for _, doc, article in writes[start:end]])
            while done <= number and extraction.ready(done):
                yield from complete(done)
                done += 1
    for number in range(done, extraction.chunks):
        yield from complete(number)


def _update_feeds(table: dict[str, Any], updates: FeedUpdates) -> None:
    """Apply fetch results; a title the reader gave a subscription is never overwritten."""
    for doc in table.values():
        if isinstance(doc, dict) and doc.get("url") in updates:
            update = dict(updates[doc["url"]])
            if doc.get("title"):
                update.pop("title", None)
            doc.update(update)


def _load_or_new(path: Path) -> Tables:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        return {META: {"1": {"schema_version": SCHEMA_VERSION}}, ARTICLES: {}}
    tables = read_tables(path)
    check_schema(path, tables.get(META, {}))
    tables.setdefault(ARTICLES, {})
    return tables


def _unique(articles: Iterable[Article], summary: ImportSummary) -> list[Article]:
    """The first article of each id; later ones with the same id are counted as duplicates."""
    seen: dict[str, Article] = {}
    for article in articles:
        if article.id in seen:
            summary.duplicates += 1
        else:
            seen[article.id] = article
    return list(seen.values())


def _no_progress(done: int, total: int) -> None:
    """Progress is optional."""


def _planned(table: dict[str, Any], articles: list[Article], summary: ImportSummary) -> list[Write]:
    """The new and changed articles, with the keys to store them under (counted in
    ``summary``); their entities are still to come."""
    index = {doc.get("id"): key for key, doc in table.items() if isinstance(doc, dict)}
    next_key = max((int(key) for key in table if key.isdigit()), default=0) + 1
    writes: list[Write] = []
    for article in articles:
        key = index.get(article.id)
        old = table.get(key) if key is not None else None
        doc, article = _incoming(article, old)
        if old is None:
            key = index[article.id] = str(next_key)
            next_key += 1
            summary.added += 1
        elif _content(old) != _content(doc):
            summary.updated += 1
        else:
            summary.unchanged += 1
            continue
        writes.append((str(key), doc, article))
    return writes


def _incoming(article: Article, old: Mapping[str, Any] | None) -> tuple[dict[str, Any], Article]:
    """The document to store and the article it holds; a guessed date yields to the date
    already stored."""
    doc = article.to_document()
    if old is None or "published_estimated" not in doc or not old.get("published"):
        return doc, article
    doc["published"] = old["published"]
    if "published_estimated" in old:
        doc["published_estimated"] = old["published_estimated"]
    else:
        del doc["published_estimated"]
    return doc, article_from_document(doc)


def _content(doc: Mapping[str, Any]) -> dict[str, Any]:
    comparable = {key: value for key, value in doc.items() if key not in _VOLATILE}
    if "published_estimated" not in doc:
        comparable["published"] = doc.get("published")
    return comparable


def merge_feeds(table: dict[str, Any], feeds: Iterable[Subscription]) -> int:
    """Add subscriptions not already in the ``feeds`` table; returns how many were new."""
    known = {doc.get("url") for doc in table.values() if isinstance(doc, dict)}
    next_key = max((int(key) for key in table if key.isdigit()), default=0) + 1
    added = 0
    for feed in feeds:
        if feed.url in known:
            continue
        known.add(feed.url)
        table[str(next_key)] = {"url": feed.url, "title": feed.title}
        next_key += 1
        added += 1
    return added
