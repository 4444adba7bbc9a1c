"""Entities: the people, organisations, places, dates and figures an article names.

``extract`` finds them with rules (``rules``, ``words``, ``gazetteers``); ``backends`` picks
that extractor or a spaCy pipeline (``spacy_model``) by name; ``facets`` tells mentions of
one thing apart from others across articles and counts them. What the rest of newsdesk uses
is here.
"""

from store.entities.backends import BACKENDS, DEFAULT_BACKEND, Extractor, get_backend
from store.entities.extract import extract_entities, outside_urls, with_entities
from store.entities.facets import (
    FACET_KINDS,
    NAMED_KINDS,
    Facet,
    canonical_names,
    entity_facets,
    mention_names,
)
from store.errors import BackendUnavailable

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "FACET_KINDS",
    "NAMED_KINDS",
    "BackendUnavailable",
    "Extractor",
    "Facet",
    "canonical_names",
    "entity_facets",
    "extract_entities",
    "get_backend",
    "mention_names",
    "outside_urls",
    "with_entities",
]
