"""Entity extraction for a whole import, spread over the machine's cores when it is large."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from store.article import Article
from store.entities import extract_entities

PARALLEL_FROM = 2000  # below this, starting worker processes costs more than it saves
CHUNK = 250
EntityDocs = list[dict[str, Any]]


def entity_documents(
    articles: Sequence[Article], progress: Callable[[int, int], None] | None = None
) -> list[EntityDocs]:
    """The stored form of each article's entities: kept if it has them, else extracted."""
    missing = [i for i, article in enumerate(articles) if article.entities is None]
    found = _extract([articles[i].body for i in missing], progress)
    docs: list[EntityDocs] = [
        [entity.to_dict() for entity in article.entities or ()] for article in articles
    ]
    for index, entities in zip(missing, found, strict=True):
        docs[index] = entities
    return docs


def _extract(bodies: list[str], progress: Callable[[int, int], None] | None) -> list[EntityDocs]:
    workers = min(os.cpu_count() or 1, 8)
    chunks = [bodies[start : start + CHUNK] for start in range(0, len(bodies), CHUNK)]
    if len(bodies) < PARALLEL_FROM or workers < 2:
        mapped = map(_extract_chunk, chunks)
        return _collect(mapped, len(bodies), progress)
    # "spawn": the caller may be a threaded app, where forking is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return _collect(pool.map(_extract_chunk, chunks), len(bodies), progress)


def _collect(
    chunks: Any, total: int, progress: Callable[[int, int], None] | None
) -> list[EntityDocs]:
    results: list[EntityDocs] = []
    for chunk in chunks:
        results.extend(chunk)
        if progress is not None:
            progress(len(results), total)
    return results


def _extract_chunk(bodies: list[str]) -> list[EntityDocs]:
    return [[entity.to_dict() for entity in extract_entities(body)] for body in bodies]
