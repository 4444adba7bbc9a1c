"""Merge read articles into a store in one atomic write.

Idempotent: an article is matched on its id; the same content again is "unchanged", changed
content replaces the stored document ("updated"), never duplicates it. A date that had to be
guessed (missing from the input) never counts as a change. Either the whole import lands or,
if the process dies or the write fails, the store stays exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.article import SCHEMA_VERSION, Article
from store.entity_backends import DEFAULT_BACKEND
from store.index import refresh_index
from store.ingest.extraction import entity_documents
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
        articles = _unique(result.articles, summary)
        _merge_articles(tables[ARTICLES], articles, summary, progress or _no_progress, entities)
        feeds = tables.setdefault(FEEDS, {})
        summary.feeds_added = merge_feeds(feeds, result.feeds)
        _update_feeds(feeds, feed_updates or {})
        if (
            summary.added
            or summary.updated
            or summary.feeds_added
            or feed_updates
            or not path.exists()
        ):
            storage.write(tables)
            refresh_index(path, tables[ARTICLES])
    return summary


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


def _merge_articles(
    table: dict[str, Any],
    articles: list[Article],
    summary: ImportSummary,
    progress: Progress,
    backend: str,
) -> None:
    """Add new and changed articles to ``table``, with their entities."""
    index = {doc.get("id"): key for key, doc in table.items() if isinstance(doc, dict)}
    next_key = max((int(key) for key in table if key.isdigit()), default=0) + 1
    writes: list[tuple[str, dict[str, Any], Article]] = []
    for article in articles:
        key = index.get(article.id)
        old = table.get(key) if key is not None else None
        doc = _incoming(article, old)
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
    entities = entity_documents([article for _, _, article in writes], progress, backend)
    for (key, doc, _), found in zip(writes, entities, strict=True):
        doc["entities"] = found
        table[key] = doc


def _incoming(article: Article, old: Mapping[str, Any] | None) -> dict[str, Any]:
    """The document to store; a guessed date yields to the date already stored."""
    doc = article.to_document()
    if old is not None and "published_estimated" in doc and old.get("published"):
        doc["published"] = old["published"]
        if "published_estimated" in old:
            doc["published_estimated"] = old["published_estimated"]
        else:
            del doc["published_estimated"]
    return doc


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
