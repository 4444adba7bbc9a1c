"""Entity extraction for a whole import, spread over the machine's cores when it is large."""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from store.article import Article
from store.entity_backends import DEFAULT_BACKEND, get_backend

PARALLEL_FROM = 2000  # below this, starting worker processes costs more than it saves
CHUNK = 250
EntityDocs = list[dict[str, Any]]


def entity_documents(
    articles: Sequence[Article],
    progress: Callable[[int, int], None] | None = None,
    backend: str = DEFAULT_BACKEND,
) -> list[EntityDocs]:
    """The stored form of each article's entities: kept if it has them, else extracted.

    ``backend`` names the extractor (see ``store.entity_backends``); one that cannot run
    raises ``BackendUnavailable`` (not checked when nothing needs extracting).
    """
    missing = [i for i, article in enumerate(articles) if article.entities is None]
    found = _extract([articles[i].body for i in missing], progress, backend)
    docs: list[EntityDocs] = [
        [entity.to_dict() for entity in article.entities or ()] for article in articles
    ]
    for index, entities in zip(missing, found, strict=True):
        docs[index] = entities
    return docs


def _extract(
    bodies: list[str], progress: Callable[[int, int], None] | None, backend: str
) -> list[EntityDocs]:
    if not bodies:
        return []
    workers = min(os.cpu_count() or 1, 8)
    chunks = [bodies[start : start + CHUNK] for start in range(0, len(bodies), CHUNK)]
    # The workers get the backend's name, not the extractor: each builds its own (a spaCy
    # pipeline does not pickle cheaply).
    extract_chunk = functools.partial(_extract_chunk, backend)
    if len(bodies) < PARALLEL_FROM or workers < 2:
        get_backend(backend)  # fail before any work when the backend cannot run
        mapped = map(extract_chunk, chunks)
        return _collect(mapped, len(bodies), progress)
    # "spawn": the caller may be a threaded app, where forking is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return _collect(pool.map(extract_chunk, chunks), len(bodies), progress)


def _collect(
    chunks: Any, total: int, progress: Callable[[int, int], None] | None
) -> list[EntityDocs]:
    results: list[EntityDocs] = []
    for chunk in chunks:
        results.extend(chunk)
        if progress is not None:
            progress(len(results), total)
    return results


def _extract_chunk(backend: str, bodies: list[str]) -> list[EntityDocs]:
    extract = get_backend(backend)
    return [[entity.to_dict() for entity in extract(body)] for body in bodies]
