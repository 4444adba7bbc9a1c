"""Entities from a spaCy pipeline, in newsdesk's kinds and span conventions.

spaCy is optional (``pip install 'newsdesk[spacy]'``) and imported only when a pipeline is
loaded, never when this module is: ``import spacy`` is slow and pulls in Rich, which the store
must not. Nothing here downloads anything; ``load_pipeline`` uses an English pipeline that is
already installed, or explains how to get one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from store.article import Entity
from store.errors import BackendUnavailable

if TYPE_CHECKING:
    from spacy.language import Language

SPACY_HINT = (
    "the spacy backend needs spaCy and an English pipeline: "
    "pip install 'newsdesk[spacy]' && python -m spacy download en_core_web_sm"
)
# Tried in this order: md is a good balance of speed and accuracy, trf is the slowest.
PIPELINES = ("en_core_web_md", "en_core_web_sm", "en_core_web_lg", "en_core_web_trf")
# Components NER does not need; skipping them roughly halves the time per text.
_UNUSED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")

# OntoNotes labels (the en_core_web_* pipelines) and CoNLL ones (PER, LOC, ORG, MISC).
KINDS = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "misc",
    "EVENT": "misc",
    "WORK_OF_ART": "misc",
    "LAW": "misc",
    "LANGUAGE": "misc",
    "PRODUCT": "misc",
    "MISC": "misc",
    "DATE": "date",
    "TIME": "date",
    "MONEY": "figure",
    "PERCENT": "figure",
    "QUANTITY": "figure",
    "CARDINAL": "figure",
    "ORDINAL": "figure",
}
_LEADING_THE = re.compile(r"(?:the|The)\s+")
_POSSESSIVE = re.compile(r"['\u2019]s?$")


class SpacyExtractor:
    """Calls a loaded spaCy pipeline and returns newsdesk entities.

    Spans never start with "the " or end with a possessive ("'s", "'"); labels outside
    ``KINDS`` are dropped. Offsets are ``str`` indices into the text given.
    """

    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp

    def __call__(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        for offset, piece in _pieces(text, self._nlp.max_length):
            for ent in self._nlp(piece).ents:
                kind = KINDS.get(ent.label_.upper())
                if kind is None:
                    continue
                entity = _trimmed(text, offset + ent.start_char, offset + ent.end_char, kind)
                if entity is not None:
                    found.append(entity)
        return _non_overlapping(found)


def load_pipeline() -> Language:
    """The first installed English pipeline of ``PIPELINES``, ready for NER only."""
    try:
        import spacy
    except ImportError as exc:
        raise BackendUnavailable(SPACY_HINT) from exc
    for name in PIPELINES:
        try:
            return spacy.load(name, disable=list(_UNUSED))
        except (OSError, ImportError, ValueError):
            # Not installed (E050), or installed for another spaCy version / missing a
            # plugin such as spacy-transformers: try the next one.
            continue
    raise BackendUnavailable(SPACY_HINT)


def _pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """``text`` in pieces of at most ``limit`` characters, cut at line ends when possible."""
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        end = cut + 1 if cut > start else start + limit
        yield start, text[start:end]
        start = end
    yield start, text[start:]


def _trimmed(text: str, start: int, end: int, kind: str) -> Entity | None:
    """The span without surrounding spaces, a leading "the " or a trailing possessive."""
    span = text[start:end]
    stripped = span.lstrip()
    start += len(span) - len(stripped)
    leading = _LEADING_THE.match(stripped)
    if leading is not None:
        start += leading.end()
    span = text[start:end].rstrip()
    possessive = _POSSESSIVE.search(span)
    if possessive is not None:
        span = span[: possessive.start()].rstrip()
    end = start + len(span)
    if not span:
        return None
    return Entity(start, end, kind, span)


def _non_overlapping(entities: list[Entity]) -> list[Entity]:
    """Sorted by position; of overlapping spans, the one starting first (then longest) stays."""
    kept: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.start, -e.end)):
        if not kept or entity.start >= kept[-1].end:
            kept.append(entity)
    return kept
