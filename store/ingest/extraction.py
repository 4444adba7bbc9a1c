"""Entity extraction for an import, spread over the machine's cores when it is large.

Extraction of a batch starts the moment it is submitted and runs in worker processes, so
the importer can index the articles' words (and read the next batch) meanwhile and take
the entities chunk by chunk as they are ready. The workers hand back each document already
encoded, with its fingerprint and entity names: the importer's process then neither
unpickles nor encodes the entities (about a third of what it did per article).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from store.article import Article, Entity, stored_entities
from store.entities import DEFAULT_BACKEND, get_backend
from store.index.names import entity_names
from store.index.sync import encoded, fingerprint_of

PARALLEL_FROM = 2000  # below this, starting worker processes costs more than it saves
CHUNK = 250
PARENT_CHECK_S = 1.0
Document = dict[str, Any]
Pair = tuple[Document, Article]
"""A document to store (``Article.to_document`` of the article, entities aside) and its
article."""


@dataclass(frozen=True, slots=True)
class Found:
    """An article's document with its entities, as stored, and what the index keeps of it
    (worked out where the entities are, so that the importer's own process has less to
    do)."""

    document: bytes
    """The document with its entities, ``store.index.sync.encoded``."""
    fingerprint: bytes
    """``store.index.sync.fingerprint`` of the document."""
    names: str
    """``store.index.names.entity_names`` of the entities."""


class Extraction:
    """Stored documents for batches of (document, article) pairs: with the article's
    entities if it has them, else with extracted ones, in chunks of ``CHUNK`` pairs.

    ``backend`` names the extractor (see ``store.entities.backends``); one that cannot run
    raises ``BackendUnavailable`` when a batch that needs it is submitted. Worker processes
    start with the first batch that has ``PARALLEL_FROM`` articles to extract and serve
    every later one. Use it as a context manager: leaving stops the workers.
    """

    def __init__(self, backend: str = DEFAULT_BACKEND) -> None:
        self.backend = backend
        self._pool: ProcessPoolExecutor | None = None
        self._checked = False

    def submit(self, pairs: Sequence[Pair]) -> Batch:
        """Start on ``pairs``; their documents come from the batch returned."""
        missing = sum(article.entities is None for _, article in pairs)
        workers = min(os.cpu_count() or 1, 8)
        if self._pool is None and missing >= PARALLEL_FROM and workers >= 2:
            self._start(workers)
        elif missing and not self._checked:
            get_backend(self.backend)  # fail before any work when the backend cannot run
        self._checked = self._checked or bool(missing)
        return Batch(pairs, self.backend, self._pool)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Extraction:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _start(self, workers: int) -> None:
        # "spawn": the caller may be a threaded app, where forking is unsafe. The workers get
        # the backend's name, not the extractor: each builds its own (a spaCy pipeline does
        # not pickle cheaply).
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )


class Batch:
    """The pairs of one ``Extraction.submit``, chunk by chunk: extracted by the workers
    when there are any (all submitted at once), else in this process when asked for."""

    def __init__(self, pairs: Sequence[Pair], backend: str, pool: Executor | None) -> None:
        self.pairs = pairs
        self.backend = backend
        self._jobs: dict[int, Future[list[Found]]] = {}
        if pool is not None:
            extract = functools.partial(_extract_chunk, backend)
            for number in range(self.chunks):
                start, end = self.bounds(number)
                documents = _missing(pairs[start:end])
                if documents:
                    self._jobs[number] = pool.submit(extract, documents)

    @property
    def chunks(self) -> int:
        return -(-len(self.pairs) // CHUNK)

    def bounds(self, number: int) -> tuple[int, int]:
        """The pairs (start, end) of chunk ``number``."""
        start = number * CHUNK
        return start, min(start + CHUNK, len(self.pairs))

    def ready(self, number: int) -> bool:
        """Whether chunk ``number`` can be had without waiting for a worker."""
        job = self._jobs.get(number)
        return job is None or job.done()

    def chunk(self, number: int) -> list[Found]:
        """The stored documents of chunk ``number``, waiting for them if need be."""
        start, end = self.bounds(number)
        pairs = self.pairs[start:end]
        job = self._jobs.pop(number, None)
        extracted = iter(job.result() if job is not None else ())
        if job is None and any(article.entities is None for _, article in pairs):
            extracted = iter(_extract_chunk(self.backend, _missing(pairs)))
        return [
            next(extracted) if article.entities is None else _found(doc, article.entities)
            for doc, article in pairs
        ]


def _watch_parent(parent: int) -> None:
    """In each worker: end it when the importer (process ``parent``) is gone, killed with
    SIGKILL or by the out-of-memory killer, instead of waiting for work for ever; the
    importer's own end stops its workers otherwise."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="watch-importer", daemon=True).start()


def _missing(pairs: Sequence[Pair]) -> list[Document]:
    """The documents of the articles that have no entities yet."""
    return [doc for doc, article in pairs if article.entities is None]


def _extract_chunk(backend: str, documents: list[Document]) -> list[Found]:
    extract = get_backend(backend)
    return [_found(doc, extract(doc["body"])) for doc in documents]


def _found(doc: Document, entities: Sequence[Entity]) -> Found:
    document = encoded({**doc, "entities": stored_entities(entities, doc["body"])})
    return Found(document, fingerprint_of(document), entity_names(entities))
