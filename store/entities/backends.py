"""Entity extractors chosen by name: the built-in rules, or a spaCy pipeline.

Both return the same thing as ``store.entities.extract.extract_entities``: non-overlapping
``Entity`` spans over the given text, sorted by position. Backends are named (not passed as
callables) wherever work crosses a process boundary; each process builds its own extractor
on first use and keeps it, so a spaCy pipeline is loaded once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from store.article import Entity
from store.errors import BackendUnavailable

BACKENDS = ("builtin", "spacy")
DEFAULT_BACKEND = "builtin"
Extractor = Callable[[str], list[Entity]]


def get_backend(name: str) -> Extractor:
    """The extractor called ``name``; raises ``BackendUnavailable`` when it cannot run."""
    if name == "builtin":
        from store.entities.extract import extract_entities

        return extract_entities
    if name == "spacy":
        return _spacy_extractor()
    raise BackendUnavailable(
        f"unknown entity backend {name!r}: choose one of {', '.join(BACKENDS)}"
    )


@functools.cache
def _spacy_extractor() -> Extractor:
    """The spaCy extractor, its pipeline loaded on the first call only (failures are not kept)."""
    from store.entities.spacy_model import SpacyExtractor, load_pipeline

    return SpacyExtractor(load_pipeline())


def clear_cache() -> None:
    """Forget the loaded spaCy pipeline (for tests, or after installing one)."""
    _spacy_extractor.cache_clear()
