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


def hit_spans(
    text: str,
    terms: Iterable[Text],
    field: str | None = None,
    start: int = 0,
    end: int | None = None,
) -> list[Span]:
    """Character spans of ``text`` (a field's value, ``field`` naming it) that the terms
    match, in order and without overlaps. With ``start`` and ``end`` (not inside a word),
    only the spans that start in ``text[start:end]``, a phrase running on past ``end``:
    a long text can be searched a part at a time."""
    wanted = [term for term in terms if term.field is None or term.field == field]
    if not wanted or not text:
        return []
    stop = len(text) if end is None else end
    words = _words(text, start, stop, max(len(term.words) for term in wanted) - 1)
    spans = {span for term in wanted for span in _occurrences(words, term) if span[0] < stop}
    return without_overlaps(sorted(spans))


def _words(text: str, start: int, stop: int, beyond: int) -> list[tuple[int, int, str]]:
    """The words of ``text`` from ``start`` that begin before ``stop``, and ``beyond`` more."""
    words = []
    for match in _WORD.finditer(text, start):
        if match.start() >= stop:
            if beyond <= 0:
                break
            beyond -= 1
        words.append((match.start(), match.end(), fold(match.group())))
    return words


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


def without_overlaps(spans: list[Span]) -> list[Span]:
    """Sorted ``spans`` with those that overlap made one."""
    kept: list[Span] = []
    for start, end in spans:
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    return kept
