"""Entity extraction for a whole import, spread over the machine's cores when it is large.

Extraction starts the moment an ``Extraction`` is made and runs in worker processes, so the
importer can index the articles' words meanwhile and take the entities chunk by chunk as
they are ready.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from store.article import Article, Entity
from store.entity_backends import DEFAULT_BACKEND, get_backend
from store.index.names import entity_names

PARALLEL_FROM = 2000  # below this, starting worker processes costs more than it saves
CHUNK = 250
EntityDocs = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Found:
    """An article's entities as stored, and the names the index files it under (worked out
    where the entities are, so that the importer's own process has less to do)."""

    entities: EntityDocs
    names: str
    """``store.index.names.entity_names`` of the entities."""


class Extraction:
    """Each article's entities (kept if it has them, else extracted), in chunks of ``CHUNK``
    articles.

    ``backend`` names the extractor (see ``store.entity_backends``); one that cannot run
    raises ``BackendUnavailable`` when a chunk that needs it is asked for (not at all when
    nothing needs extracting). Use it as a context manager: leaving stops the workers.
    """

    def __init__(self, articles: Sequence[Article], backend: str = DEFAULT_BACKEND) -> None:
        self.articles = articles
        self.backend = backend
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[int, Future[list[Found]]] = {}
        missing = sum(article.entities is None for article in articles)
        workers = min(os.cpu_count() or 1, 8)
        if missing >= PARALLEL_FROM and workers >= 2:
            self._start(workers)
        elif missing:
            get_backend(backend)  # fail before any work when the backend cannot run

    @property
    def chunks(self) -> int:
        return -(-len(self.articles) // CHUNK)

    def bounds(self, number: int) -> tuple[int, int]:
        """The articles (start, end) of chunk ``number``."""
        start = number * CHUNK
        return start, min(start + CHUNK, len(self.articles))

    def ready(self, number: int) -> bool:
        """Whether chunk ``number`` can be had without waiting for a worker."""
        job = self._jobs.get(number)
        return job is None or job.done()

    def chunk(self, number: int) -> list[Found]:
        """The entities of chunk ``number``'s articles, waiting for them if need be."""
        start, end = self.bounds(number)
        articles = self.articles[start:end]
        missing = [i for i, article in enumerate(articles) if article.entities is None]
        found = [_found(article.entities or ()) for article in articles]
        if missing:
            job = self._jobs.pop(number, None)
            if job is not None:
                extracted = job.result()
            else:
                extracted = _extract_chunk(self.backend, [articles[i].body for i in missing])
            for index, entities in zip(missing, extracted, strict=True):
                found[index] = entities
        return found

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
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        extract = functools.partial(_extract_chunk, self.backend)
        for number in range(self.chunks):
            start, end = self.bounds(number)
            bodies = [a.body for a in self.articles[start:end] if a.entities is None]
            if bodies:
                self._jobs[number] = self._pool.submit(extract, bodies)


def _extract_chunk(backend: str, bodies: list[str]) -> list[Found]:
    extract = get_backend(backend)
    return [_found(extract(body)) for body in bodies]


def _found(entities: Sequence[Entity]) -> Found:
    return Found([e.to_dict() for e in entities], entity_names(entities))
