"""Where a query's words and phrases occur in a text, for highlighting them.

Words are compared folded, split as the index splits them, so what is highlighted is what
matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from store.fold import fold
from store.query.nodes import Text

_WORD = re.compile(r"[^\W_]+")
Span = tuple[int, int]


def hit_spans(text: str, terms: Iterable[Text], field: str | None = None) -> list[Span]:
    """Character spans of ``text`` (a field's value, ``field`` naming it) that the terms
    match, in order and without overlaps."""
    wanted = [term for term in terms if term.field is None or term.field == field]
    if not wanted or not text:
        return []
    words = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    spans = {span for term in wanted for span in _occurrences(words, term)}
    return _without_overlaps(sorted(spans))


def _occurrences(words: list[tuple[int, int, str]], term: Text) -> Iterable[Span]:
    size = len(term.words)
    for at in range(len(words) - size + 1):
        if all(_matches(words[at + i][2], term, i) for i in range(size)):
            yield words[at][0], words[at + size - 1][1]


def _matches(word: str, term: Text, i: int) -> bool:
    wanted = term.words[i]
    if term.prefix and i == len(term.words) - 1:
        return word.startswith(wanted)
    return word == wanted


def _without_overlaps(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for start, end in spans:
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    return kept
