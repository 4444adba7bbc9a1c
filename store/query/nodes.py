"""The parsed form of a query: a tree of terms joined by AND, OR and NOT.

Every text value is already folded (lower case, no accents) and split into words the way
the full-text index splits them, so the index and the highlighter agree on what matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from store.fold import fold, folded_name

TEXT_FIELDS = ("title", "source", "author")
FLAGS = ("read", "unread", "starred")
SORTS = ("date", "relevance", "source")

_WORD = re.compile(r"[^\W_]+")


def words_of(text: str) -> tuple[str, ...]:
    """Folded words, split where the full-text index splits them (on anything but letters
    and digits)."""
    return tuple(_WORD.findall(fold(text)))


_AROUND_NAME = re.compile(r"^[\W_]+|[^\w.]+$|_+$")


def name_of(text: str) -> str:
    """A name as the index files entity names (``folded_name``), its punctuation kept
    ("at&t", "o'brien", "u.s."), but none around it ("Katz!" -> "katz"; a full stop that
    ends it stays, as in "U.S.")."""
    return _AROUND_NAME.sub("", folded_name(text))


CURLY_APOSTROPHE = "\u2019"


def apostrophe_spellings(name: str) -> tuple[str, ...]:
    """``name`` with its apostrophes as written, straight and curly: texts often write
    them curly (U+2019), readers type them straight. Each spelling once, as written first."""
    straight = name.replace(CURLY_APOSTROPHE, "'")
    return tuple(dict.fromkeys((name, name.replace("'", CURLY_APOSTROPHE), straight)))


@dataclass(frozen=True)
class Everything:
    """Matches every article: the empty query."""


@dataclass(frozen=True)
class Text:
    """Words that must appear in order (one word, or a quoted phrase) in ``field`` or any
    field; ``prefix``: the last word may still be growing (it is being typed)."""

    words: tuple[str, ...]
    field: str | None = None
    prefix: bool = False


@dataclass(frozen=True)
class Tag:
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class Mention:
    """An entity the article mentions (``name``: see ``name_of``); ``kind`` None for any
    kind."""

    name: str
    kind: str | None = None
    prefix: bool = False


@dataclass(frozen=True)
class Feed:
    """Fetched from the subscription at ``url`` (as written in the feed list)."""

    url: str


@dataclass(frozen=True)
class Flag:
    """Reading state: ``read``, ``unread`` or ``starred``."""

    name: str


@dataclass(frozen=True)
class Published:
    """Published in ``[start, end)``, UTC; an open end is ``None``."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Everything | Text | Tag | Mention | Feed | Flag | Published | Not | And | Or


@dataclass(frozen=True)
class Query:
    """A parsed query: what to match, and the order asked for (``None``: the default)."""

    root: Node
    sort: str | None = None

    @property
    def order(self) -> str:
        """``relevance`` when free text is searched for, else ``date``, unless asked."""
        if self.sort is not None:
            return self.sort
        return "relevance" if has_free_text(self.root) else "date"


def has_free_text(node: Node) -> bool:
    """Whether a positive word or phrase in any field is searched for: what relevance ranks
    by. Filters alone (a word in one field, ``source:reuters``, as much as ``tag:`` or
    ``is:``) match without ranking."""
    if isinstance(node, Text):
        return node.field is None
    if isinstance(node, And | Or):
        return any(has_free_text(child) for child in node.children)
    return False


def positive_texts(node: Node) -> list[Text]:
    """The words and phrases a match may contain, for highlighting (negated ones excluded)."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, And | Or):
        return [text for child in node.children for text in positive_texts(child)]
    return []


EXCERPT_CHARS = 40
"""How much of a query an error quotes: enough to see the place, never a whole pasted page."""


def excerpt(text: str, at: int = 0, width: int = EXCERPT_CHARS) -> str:
    """``text`` cut to ``width`` characters around ``text[at]``, "…" marking each cut; all
    of it when it is that short."""
    if len(text) <= width:
        return text
    start = max(0, min(at - width // 2, len(text) - width))
    end = start + width
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


class QueryError(ValueError):
    """A malformed query: what is wrong, and where (0-based character offsets)."""

    def __init__(self, message: str, start: int, end: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = start + 1 if end is None else end

    def __str__(self) -> str:
        return f"{self.message} (at character {self.start + 1})"
