"""Merge read articles into a store in one atomic write.

Idempotent: an article is matched on its id; the same content again is "unchanged", changed
content replaces the stored document ("updated"), never duplicates it. A date that had to be
guessed (missing from the input) never counts as a change. Either the whole import lands or,
if the process dies or the write fails, the store stays exactly as it was.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.article import Article, article_from_document
from store.entities import DEFAULT_BACKEND
from store.errors import IndexDamaged, StoreError
from store.index import SearchIndex, refresh_index
from store.index.delta import ImportDelta, by_time, import_delta
from store.ingest.arrival import Arrival
from store.ingest.extraction import Batch, Extraction
from store.ingest.result import BATCH, ReadResult, Subscription
from store.ingest.rules import RuleCounts, Rules
from store.paths import state_path_for
from store.rejects import Reject
from store.storage import (
    Backend,
    Change,
    Place,
    document_at,
    is_folder_store,
    open_backend,
    unplaced,
)
from store.storage.atomic import holding
from store.storage.folder import LOCK_NAME
from store.storage.segments import is_segmented

FEEDS = "feeds"
FeedUpdates = Mapping[str, Mapping[str, Any]]
REPLACED_KEPT = 20_000
_VOLATILE = ("entities", "published", "published_estimated")


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    feeds_added: int = 0
    rejected: list[Reject] = field(default_factory=list)
    rules: RuleCounts = field(default_factory=RuleCounts)
    state_error: str | None = None
    """Why what the rules set in the reading state was not saved, if it was not."""
    usable: bool = False
    """Whether any article or subscription arrived (not in ``to_dict``)."""

    @property
    def ignored(self) -> int:
        """New articles an ``ignore`` rule kept out of the store."""
        return self.rules.ignored

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "feeds_added": self.feeds_added,
            "rejected": [reject.to_dict() for reject in self.rejected],
            "ignored": self.ignored,
            "rules": self.rules.to_dict(),
        }


def import_into(
    path: Path,
    result: ReadResult,
    feed_updates: FeedUpdates | None = None,
    entities: str = DEFAULT_BACKEND,
    rules: Rules | None = None,
) -> ImportSummary:
    """Merge ``result`` into the store at ``path`` (see ``import_batches``)."""
    return import_batches(path, result.batches(BATCH), feed_updates, entities, rules)


def import_batches(
    path: Path,
    batches: Iterable[ReadResult],
    feed_updates: FeedUpdates | None = None,
    entities: str = DEFAULT_BACKEND,
    rules: Rules | None = None,
) -> ImportSummary:
    """Merge what ``batches`` hold into the store at ``path`` (created when missing: a
    folder store unless the name ends in ``.json``) in one write, taking a batch at a time
    (``store.ingest.reader.read_batches``): its memory is that of a few batches.

    ``feed_updates`` maps a subscribed feed's URL to fields to set on it (validators, last
    status, a new URL after a permanent redirect), written with the articles.
    ``entities`` names the entity backend (``store.entities.backends.BACKENDS``) used for
    articles that arrive without entities; one that cannot run raises ``BackendUnavailable``
    and leaves the store as it was. A new store is not made when nothing usable arrived.
    ``rules`` judge each new article (``store.ingest.rules``); what they set in the reading
    state is saved once the articles are stored.
    """
    summary = ImportSummary()
    arrival = Arrival(rules, summary.rules) if rules else None
    store = open_backend(path)
    lock_made = not os.path.lexists(store.lock.lock_file)
    created = _make_folder(path) if is_folder_store(path) else False
    try:
        with holding(store.lock):
            _import(store, iter(batches), feed_updates or {}, entities, summary, arrival)
    except BaseException:
        if created:
            shutil.rmtree(path, ignore_errors=True)
        raise
    summary.added -= summary.rules.ignored  # judged once counted as new
    if arrival is not None and arrival.edits:
        summary.state_error = arrival.save(state_path_for(path))
    if not store.exists():
        _remove_new(path if created else None, store.lock.lock_file if lock_made else None)
    return summary


def _remove_new(folder: Path | None, lock_file: str | None) -> None:
    """Remove what an import that made no store created: its folder, or its lock file."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    elif lock_file is not None:
        with contextlib.suppress(OSError):
            os.unlink(lock_file)


def _import(
    store: Backend,
    batches: Iterator[ReadResult],
    feed_updates: FeedUpdates,
    entities: str,
    summary: ImportSummary,
    arrival: Arrival | None = None,
) -> None:
    """The import, holding the store's lock: planned a batch at a time (``_Plans``) and
    written as the plans come, unless nothing changes."""
    new_store = not store.exists()
    if not new_store:
        store.check()
    feeds = store.feeds()
    _update_feeds(feeds, feed_updates)
    with _Lookup(store, new_store) as lookup:
        plans = _Plans(feeds, lookup, summary)
        first = plans.first(batches)
        if first is None:
            unusable = summary.rejected and not summary.usable
            if plans.feeds_changed or feed_updates or (new_store and not unusable):
                store.write(Change(feeds=feeds), unplaced)
            return
        writes = itertools.chain([first], plans.rest(batches))
        _write(store, new_store, plans, writes, feeds, entities, arrival)


def stored_documents(path: Path, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored documents of the articles of ``ids`` that the store at ``path`` holds."""
    store = open_backend(path)
    if not store.exists() or not ids:
        return {}
    with _Lookup(store, new_store=False) as lookup:
        return {article_id: doc for article_id, (_, doc, _) in lookup.stored(ids).items()}


class _Lookup:
    """The stored versions of incoming articles, found through the index (caught up first:
    it reads only the store's part files that changed). Nothing is stored in a new store."""

    def __init__(self, store: Backend, new_store: bool) -> None:
        self.store = store
        self.index: SearchIndex | None = None
        if not new_store:
            self.index = SearchIndex.open(store.path)
            try:
                self.index.catch_up(store.path)
            except IndexDamaged:  # started afresh: built again from the store
                self.index.catch_up(store.path)

    def stored(self, ids: list[str]) -> dict[str, tuple[int, dict[str, Any], Place]]:
        """Id -> (row id in the index, document, place) of the articles of ``ids`` that
        the store holds."""
        if self.index is None:
            return {}
        found = {}
        for article_id, (rowid, print_, place) in self.index.places(ids).items():
            doc = document_at(self.store, place, print_)
            if doc is None:
                raise StoreError(f"{self.store.path}: changed while importing; try again")
            found[article_id] = (rowid, doc, place)
        return found

    def __enter__(self) -> _Lookup:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.index is not None:
            self.index.close()


class _Plans:
    """What each batch changes: its new and changed articles (counted in the summary),
    oldest first, each with the stored version it replaces; its subscriptions merged into
    ``feeds``; and, as the batches are planned, the removals of the replaced versions."""

    def __init__(self, feeds: dict[str, Any], lookup: _Lookup, summary: ImportSummary) -> None:
        self.feeds = feeds
        self.lookup = lookup
        self.summary = summary
        self.removed: dict[int, set[str]] = {}
        self.feeds_changed = False
        self._seen: set[str] = set()

    def first(self, batches: Iterator[ReadResult]) -> list[Write] | None:
        """The first batch's writes that change anything (batches without any are only
        counted), or ``None`` when no batch changes anything."""
        return next(self.rest(batches), None)

    def rest(self, batches: Iterator[ReadResult]) -> Iterator[list[Write]]:
        for batch in batches:
            writes = self._planned(batch)
            if writes:
                yield writes

    def _planned(self, batch: ReadResult) -> list[Write]:
        summary = self.summary
        summary.rejected.extend(batch.rejects)
        summary.usable = summary.usable or bool(batch.articles or batch.feeds)
        added = merge_feeds(self.feeds, batch.feeds)
        summary.feeds_added += added
        self.feeds_changed = self.feeds_changed or bool(added)
        articles = self._unique(batch.articles)
        stored = self.lookup.stored([article.id for article in articles]) if articles else {}
        writes: list[Write] = []
        for article in articles:
            old = stored.get(article.id)
            doc, article = _incoming(article, None if old is None else old[1])
            if old is None:
                summary.added += 1
            elif _content(old[1]) != _content(doc):
                summary.updated += 1
                self.removed.setdefault(old[2].part, set()).add(old[2].key)
            else:
                summary.unchanged += 1
                continue
            writes.append(Write(doc, article, old))
        return sorted(writes, key=lambda write: by_time(write.doc))

    def _unique(self, articles: Iterable[Article]) -> list[Article]:
        """The first article of each id; later ones with the same id, in this batch or an
        earlier one, are counted as duplicates."""
        unique = []
        for article in articles:
            if article.id in self._seen:
                self.summary.duplicates += 1
            else:
                self._seen.add(article.id)
                unique.append(article)
        return unique


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
    plans: _Plans,
    writes: Iterator[list[Write]],
    feeds: dict[str, Any],
    backend: str,
    arrival: Arrival | None,
) -> None:
    """Write the store with ``writes`` and their entities, keeping the index in step
    through an ``ImportDelta`` (words indexed while the entities are extracted, places
    noted as the store writes each part file), else by catching up afterwards. Each new
    document is written as soon as its entities are ready and is not kept."""
    replaced = _Replaced()
    with Extraction(backend) as extraction, import_delta(store, new_store) as delta:
        added = _documents(writes, extraction, delta, replaced, arrival)
        store.write(Change(plans.removed, added, feeds), delta.placed if delta else unplaced)
        indexed = delta is not None and delta.commit()
    if not indexed:
        refresh_index(store.path, replaced.documents)


class _Replaced:
    """The stored documents an import replaces, by article id, for the index to unlearn
    when it catches up (up to ``REPLACED_KEPT``: past that, the words of the rest linger,
    left out of searches, until ``store compact``)."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}

    def note(self, writes: list[Write]) -> None:
        for write in writes:
            if write.old is not None and len(self.documents) < REPLACED_KEPT:
                self.documents[write.article.id] = write.old[1]


def _documents(
    writes: Iterator[list[Write]],
    extraction: Extraction,
    delta: ImportDelta | None,
    replaced: _Replaced,
    arrival: Arrival | None,
) -> Iterator[tuple[str, bytes]]:
    """Each document with its entities, encoded, with its article id. While the workers
    extract a batch's entities, the delta indexes its words, and the documents of the batch
    before are handed on: at most two batches are held."""
    waiting: collections.deque[tuple[list[Write], Batch]] = collections.deque()
    for batch_writes in writes:
        replaced.note(batch_writes)
        batch = extraction.submit([(write.doc, write.article) for write in batch_writes])
        if delta is not None:
            delta.forget({w.old[0]: w.old[1] for w in batch_writes if w.old is not None})
            delta.add([(write.doc, write.article) for write in batch_writes])
        waiting.append((batch_writes, batch))
        while len(waiting) > 1:
            yield from _completed(*waiting.popleft(), delta, arrival)
    while waiting:
        yield from _completed(*waiting.popleft(), delta, arrival)


def _completed(
    writes: list[Write], batch: Batch, delta: ImportDelta | None, arrival: Arrival | None
) -> Iterator[tuple[str, bytes]]:
    """Each document of ``batch`` as its entities are ready, unless the rules keep it out
    (its words, indexed already, are then forgotten)."""
    for number in range(batch.chunks):
        start, end = batch.bounds(number)
        for write, found in zip(writes[start:end], batch.chunk(number), strict=True):
            if write.old is None and arrival and not arrival.admits(write.doc, found.names):
                if delta is not None:
                    delta.discard(write.article.id, write.doc)
                continue
            if delta is not None:
                delta.complete(write.article.id, found.fingerprint, found.names)
            yield write.article.id, found.document


def _update_feeds(table: dict[str, Any], updates: FeedUpdates) -> None:
    """Apply fetch results and the reader's settings; a fetch never overwrites a title the
    subscription has (the reader's own name for it is set with ``rename``)."""
    for doc in table.values():
        if isinstance(doc, dict) and doc.get("url") in updates:
            update = dict(updates[doc["url"]])
            if doc.get("title"):
                update.pop("title", None)
            if "rename" in update:
                update["title"] = update.pop("rename")
            doc.update(update)


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
        if feed.full_text:
            table[str(next_key)]["full_text"] = True
        next_key += 1
        added += 1
    return added
