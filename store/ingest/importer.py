"""Merge read articles into a store in one atomic write.

Idempotent: an article is matched on its id; the same content again is "unchanged", changed
content replaces the stored document ("updated"), never duplicates it. A date that had to be
guessed (missing from the input) never counts as a change. Either the whole import lands or,
if the process dies or the write fails, the store stays exactly as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.article import Article, article_from_document
from store.backends import (
    Backend,
    Change,
    Place,
    document_at,
    is_folder_store,
    open_backend,
    unplaced,
)
from store.backends.folder import LOCK_NAME
from store.entity_backends import DEFAULT_BACKEND
from store.errors import IndexDamaged, StoreError
from store.index import SearchIndex, refresh_index
from store.index.delta import ImportDelta, by_time, import_delta
from store.ingest.extraction import Extraction
from store.ingest.result import ReadResult, Reject, Subscription
from store.segments import is_segmented
from store.storage import holding

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
    """Merge ``result`` into the store at ``path`` (created when missing: a folder store
    unless the name ends in ``.json``).

    ``feed_updates`` maps a subscribed feed's URL to fields to set on it (validators, last
    status, a new URL after a permanent redirect), written with the articles.
    ``entities`` names the entity backend (``store.entity_backends.BACKENDS``) used for
    articles that arrive without entities; one that cannot run raises ``BackendUnavailable``
    and leaves the store as it was.
    """
    summary = ImportSummary(rejected=list(result.rejects))
    store = open_backend(path)
    created = _make_folder(path) if is_folder_store(path) else False
    try:
        with holding(store.lock):
            new_store = not store.exists()
            if not new_store:
                store.check()
            feeds = store.feeds()
            summary.feeds_added = merge_feeds(feeds, result.feeds)
            _update_feeds(feeds, feed_updates or {})
            articles = _unique(result.articles, summary)
            writes = [] if not articles else _planned(store, new_store, articles, summary)
            changed = summary.feeds_added or feed_updates or new_store
            if writes or changed:
                kept = feeds if changed else None  # None: the feeds file is left alone
                _write(store, new_store, writes, kept, progress or _no_progress, entities)
    except BaseException:
        if created:
            shutil.rmtree(path, ignore_errors=True)
        raise
    return summary


def _make_folder(path: Path) -> bool:
    """Make the folder of a new folder store (its lock lives in it); whether it was made.
    A folder that holds other things and no store is refused."""
    if path.exists():
        if not is_segmented(path) and any(p.name != LOCK_NAME for p in path.iterdir()):
            raise StoreError(f"{path}: is a folder, not a newsdesk store (no manifest.json)")
        return False
    try:
        path.mkdir(parents=True)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store: {exc.strerror}") from None
    return True


@dataclass
class Write:
    """A document to store, the article it is made of (``Article.to_document`` of it is
    the document, entities aside), and the stored version it replaces (row id, document,
    place), if any."""

    doc: dict[str, Any]
    article: Article
    old: tuple[int, dict[str, Any], Place] | None = None


def _write(
    store: Backend,
    new_store: bool,
    writes: list[Write],
    feeds: dict[str, Any] | None,
    progress: Progress,
    backend: str,
) -> None:
    """Write the store with ``writes`` and their entities, keeping the index in step
    through an ``ImportDelta`` (words indexed while the entities are extracted, places
    noted as the store writes each part file), else by catching up afterwards. Each new
    document is written as soon as its entities are ready and is not kept."""
    writes = sorted(writes, key=lambda write: by_time(write.doc))
    pairs = [(write.doc, write.article) for write in writes]
    removed: dict[int, set[str]] = {}
    for write in writes:
        if write.old is not None:
            removed.setdefault(write.old[2].part, set()).add(write.old[2].key)
    with Extraction(pairs, backend) as extraction, import_delta(store, new_store) as delta:
        if delta is not None:
            delta.forget({w.old[0]: w.old[1] for w in writes if w.old is not None})
        added = _with_entities(writes, extraction, delta, progress)
        store.write(Change(removed, added, feeds), delta.placed if delta else unplaced)
        indexed = delta is not None and delta.commit()
    if not indexed:
        refresh_index(store.path, {w.article.id: w.old[1] for w in writes if w.old is not None})


def _with_entities(
    writes: list[Write],
    extraction: Extraction,
    delta: ImportDelta | None,
    progress: Progress,
) -> Iterator[tuple[str, bytes]]:
    """Each document with its entities, encoded, with its article id, as its chunk is
    ready; the delta indexes the words of the next chunk while the workers are still
    extracting, and completes chunks as they become ready."""
    done = 0

    def complete(number: int) -> Iterator[tuple[str, bytes]]:
        start, end = extraction.bounds(number)
        for write, found in zip(writes[start:end], extraction.chunk(number), strict=True):
            if delta is not None:
                delta.complete(write.article.id, found.fingerprint, found.names)
            yield write.article.id, found.document
        progress(end, len(writes))

    for number in range(extraction.chunks):
        if delta is not None:
            start, end = extraction.bounds(number)
            delta.add([(write.doc, write.article) for write in writes[start:end]])
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


def _planned(
    store: Backend, new_store: bool, articles: list[Article], summary: ImportSummary
) -> list[Write]:
    """The new and changed articles (counted in ``summary``), each with the stored version
    it replaces, found through the index (caught up first: it reads only the store's part
    files that changed); their entities are still to come."""
    stored = {} if new_store else _stored(store, [article.id for article in articles])
    writes: list[Write] = []
    for article in articles:
        old = stored.get(article.id)
        doc, article = _incoming(article, None if old is None else old[1])
        if old is None:
            summary.added += 1
        elif _content(old[1]) != _content(doc):
            summary.updated += 1
        else:
            summary.unchanged += 1
            continue
        writes.append(Write(doc, article, old))
    return writes


def _stored(store: Backend, ids: list[str]) -> dict[str, tuple[int, dict[str, Any], Place]]:
    """The stored versions of the articles of ``ids`` that the store holds: id -> (row id
    in the index, document, place)."""
    index = SearchIndex.open(store.path)
    try:
        try:
            index.catch_up(store.path)
            places = index.places(ids)
        except IndexDamaged:  # started afresh: built again from the store
            index.catch_up(store.path)
            places = index.places(ids)
    finally:
        index.close()
    found = {}
    for article_id, (rowid, print_, place) in places.items():
        doc = document_at(store, place, print_)
        if doc is None:
            raise StoreError(f"{store.path}: changed while importing; try again")
        found[article_id] = (rowid, doc, place)
    return found


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
