"""Entities across articles: one name per thing, facet counts, and entity filters.

Within one article, a shorter mention that names the same person as a longer one ("Katz"
after "Israel Katz") is the same entity; facets count articles, not mentions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from store.article import NAMED_KINDS as _NAMED
from store.article import Article, Entity
from store.entities.extract import with_entities

FACET_KINDS = _NAMED
NAMED_KINDS = frozenset(FACET_KINDS)
"""Entity kinds that ``entity:``, ``person:``, ``org:`` and ``place:`` search."""
KIND_FIELDS = {"entity": None, "person": "person", "org": "org", "place": "place"}


@dataclass(frozen=True, order=True)
class Facet:
    """An entity of a result set and how many of its articles mention it."""

    count: int
    text: str
    kind: str


def canonical_names(entities: Sequence[Entity]) -> dict[int, str]:
    """For each entity (by index), the fullest name the article uses for the same thing."""
    by_surname: dict[str, set[str]] = {}
    for entity in entities:
        if entity.kind == "person" and " " in entity.text:
            by_surname.setdefault(entity.text.split()[-1], set()).add(entity.text)
    names: dict[int, str] = {}
    for index, entity in enumerate(entities):
        names[index] = entity.text
        if entity.kind == "person" and " " not in entity.text:
            longer = by_surname.get(entity.text, ())
            if len(longer) == 1:
                names[index] = next(iter(longer))
    return names


def mention_names(entities: Sequence[Entity]) -> set[tuple[str, str]]:
    """(kind, name) for every named mention (people, organisations, places, other names; not
    dates and figures): as written, in full, and a person's surname. Folded
    (``folded_name``), these are what entity searches match."""
    canonical = canonical_names(entities)
    names = {(e.kind, e.text) for e in entities if e.kind in NAMED_KINDS}
    for i, entity in enumerate(entities):
        if entity.kind == "person":  # only a person's name has a fuller form
            full = canonical[i]
            names.add(("person", full))
            names.add(("person", full.rsplit(" ", 1)[-1]))
    return names


def article_entities(article: Article) -> set[tuple[str, str]]:
    """The distinct (kind, canonical name) pairs an article mentions."""
    entities = with_entities(article).entities or ()
    names = canonical_names(entities)
    return {(entity.kind, names[i]) for i, entity in enumerate(entities)}


def entity_facets(articles: Iterable[Article], per_kind: int = 50) -> dict[str, list[Facet]]:
    """Named entities of ``articles`` by kind, most-mentioned first (counting articles)."""
    counts: Counter[tuple[str, str]] = Counter()
    for article in articles:
        counts.update(pair for pair in article_entities(article) if pair[0] in FACET_KINDS)
    facets: dict[str, list[Facet]] = {kind: [] for kind in FACET_KINDS}
    for (kind, text), count in counts.items():
        facets[kind].append(Facet(count, text, kind))
    return {
        kind: sorted(found, key=lambda f: (-f.count, f.text))[:per_kind]
        for kind, found in facets.items()
    }
