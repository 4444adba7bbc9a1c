"""Live filtering: every word of the query must appear in the title, source or body.

Matching is case- and accent-insensitive substring matching, so results narrow while a word
is still being typed. When a new query only lengthens the words of the previous one, the new
hits are a subset of the old, so only those are scanned again.
"""

from __future__ import annotations

from collections.abc import Sequence

from store.article import Article
from store.fold import fold


def query_words(query: str) -> tuple[str, ...]:
    return tuple(word.strip("\"'") for word in fold(query).split() if word.strip("\"'"))


def _narrows(new: tuple[str, ...], old: tuple[str, ...]) -> bool:
    """True when every hit of ``new`` is certainly a hit of ``old``."""
    return all(any(old_word in new_word for new_word in new) for old_word in old)


class TextFilter:
    """Filters a fixed list of articles by query, remembering the last result."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._articles = articles
        self._haystacks: list[str | None] = [None] * len(articles)
        self._last_words: tuple[str, ...] = ()
        self._last_hits: list[int] = list(range(len(articles)))

    def _haystack(self, index: int) -> str:
        haystack = self._haystacks[index]
        if haystack is None:
            article = self._articles[index]
            haystack = fold(f"{article.title}\n{article.source}\n{article.body}")
            self._haystacks[index] = haystack
        return haystack

    def search(self, query: str) -> list[int]:
        """Indices (into the article list, in its order) of the articles matching ``query``."""
        words = query_words(query)
        if not words:
            hits = list(range(len(self._articles)))
        else:
            pool = (
                self._last_hits if _narrows(words, self._last_words) else range(len(self._articles))
            )
            hits = [i for i in pool if all(word in self._haystack(i) for word in words)]
        self._last_words, self._last_hits = words, hits
        return hits
