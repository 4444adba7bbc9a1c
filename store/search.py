"""Live filtering: every word of the query must appear in the title, source or body.

Matching is case- and accent-insensitive substring matching, so results narrow while a word
is still being typed. When a new query only lengthens the words of the previous one, the new
hits are a subset of the old, so only those are scanned again.

Entity terms narrow further: ``entity:"West Bank"`` (any kind), ``person:Katz``,
``org:Hamas``, ``place:"Tel Aviv"`` keep the articles that mention that entity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from store.article import Article
from store.entities import with_entities
from store.entity_index import KIND_FIELDS, canonical_names
from store.fold import fold

_TERM = re.compile(r'(\w+):"([^"]*)"?|(\w+):(\S+)|(\S+)')


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]
    entities: tuple[tuple[str | None, str, bool], ...]
    """(kind or None for any, folded name, whether the name may still be growing)."""


def parse_query(query: str) -> Query:
    """Words and entity terms of a query; unknown ``field:`` prefixes count as words.

    An entity term still being typed (last in the query, quote not closed) matches names
    that start with it, so results narrow as you type; a finished one matches whole names.
    """
    words: list[str] = []
    entities: list[tuple[str | None, str, bool]] = []
    for match in _TERM.finditer(query):
        field = match.group(1) or match.group(3)
        value = match.group(2) if match.group(1) else match.group(4)
        if field is not None and field.lower() in KIND_FIELDS:
            if value and value.strip():
                typing = match.end() == len(query) and not match.group(0).endswith('"')
                entities.append((KIND_FIELDS[field.lower()], fold(value.strip()), typing))
        else:
            words.extend(query_words(match.group(0)))
    return Query(tuple(words), tuple(entities))


def query_words(query: str) -> tuple[str, ...]:
    return tuple(word.strip("\"'") for word in fold(query).split() if word.strip("\"'"))


def _name_forms(kind: str, text: str, canonical: str) -> tuple[str, ...]:
    """The names a reader may search for: as written, in full, and a person's surname."""
    surname = (canonical.rsplit(" ", 1)[-1],) if kind == "person" else ()
    return (text, canonical, *surname)


def _narrows(new: tuple[str, ...], old: tuple[str, ...]) -> bool:
    """True when every hit of ``new`` is certainly a hit of ``old``."""
    return all(any(old_word in new_word for new_word in new) for old_word in old)


class TextFilter:
    """Filters a fixed list of articles by query, remembering the last result."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._articles = articles
        self._haystacks: list[str | None] = [None] * len(articles)
        self._entity_names: dict[int, frozenset[tuple[str, str]]] = {}
        self._last_words: tuple[str, ...] = ()
        self._last_hits: list[int] = list(range(len(articles)))

    def _haystack(self, index: int) -> str:
        haystack = self._haystacks[index]
        if haystack is None:
            article = self._articles[index]
            haystack = fold(f"{article.title}\n{article.source}\n{article.body}")
            self._haystacks[index] = haystack
        return haystack

    def _names(self, index: int) -> frozenset[tuple[str, str]]:
        """(kind, folded name) for every mention, its fullest form and surname, computed once."""
        if index not in self._entity_names:
            entities = with_entities(self._articles[index]).entities or ()
            canonical = canonical_names(entities)
            self._entity_names[index] = frozenset(
                (e.kind, name)
                for i, e in enumerate(entities)
                for name in _name_forms(e.kind, fold(e.text), fold(canonical[i]))
            )
        return self._entity_names[index]

    def _mentions(self, index: int, kind: str | None, name: str, prefix: bool) -> bool:
        return any(
            (kind is None or k == kind) and (n.startswith(name) if prefix else n == name)
            for k, n in self._names(index)
        )

    def search(self, query: str) -> list[int]:
        """Indices (into the article list, in its order) of the articles matching ``query``."""
        parsed = parse_query(query)
        hits = self._word_hits(parsed.words)
        for kind, name, prefix in parsed.entities:
            hits = [i for i in hits if self._mentions(i, kind, name, prefix)]
        return hits

    def _word_hits(self, words: tuple[str, ...]) -> list[int]:
        if not words:
            hits = list(range(len(self._articles)))
        else:
            narrows = _narrows(words, self._last_words)
            pool = self._last_hits if narrows else range(len(self._articles))
            hits = [i for i in pool if all(word in self._haystack(i) for word in words)]
        self._last_words, self._last_hits = words, hits
        return hits
