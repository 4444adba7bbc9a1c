"""A parsed query matched against one article in Python, as the search index would match
it: what rules on arrival use, before an article is stored (and indexed).

Words are folded and split as the index splits them (``store.query.nodes.words_of``); a
phrase is its words in a row within one field; the last word of a prefix term may be
longer. Entity names are (kind, folded name) pairs as the index files them
(``store.entities.mention_names``, folded). Reading state is that of an article just
arrived: unread and not starred.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from store.article import NAMED_KINDS
from store.fold import fold
from store.query.nodes import (
    And,
    Everything,
    Feed,
    Flag,
    Mention,
    Node,
    Not,
    Or,
    Published,
    Tag,
    Text,
    apostrophe_spellings,
)

WORD_FIELDS = ("title", "source", "author", "body", "tags")
"""The fields the index holds words of (``store.index.sync``), in its column order."""


@dataclass
class Subject:
    """One article as a query sees it: its document (``Article.to_document``) and the
    (kind, folded name) pairs it is filed under, or a function that makes them (called
    only when an entity term asks). Each field is folded only when a term asks for it."""

    doc: Mapping[str, Any]
    mentions_of: Callable[[], Collection[tuple[str, str]]] = tuple
    _folded: dict[str, str] = field(default_factory=dict)

    def folded(self, name: str) -> str:
        found = self._folded.get(name)
        if found is None:
            value = self.doc.get(name, "")
            if name == "tags":
                value = " ".join(str(tag) for tag in value or ())
            found = self._folded[name] = fold(value if isinstance(value, str) else "")
        return found

    @cached_property
    def mentions(self) -> Collection[tuple[str, str]]:
        return self.mentions_of()

    @cached_property
    def tags(self) -> frozenset[str]:
        return frozenset(fold(str(tag)) for tag in self.doc.get("tags") or ())

    @cached_property
    def published(self) -> datetime | None:
        value = self.doc.get("published")
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) and value else None
        except ValueError:
            return None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment


def matches(node: Node, subject: Subject) -> bool:
    """Whether ``subject`` is among what the query ``node`` finds."""
    if isinstance(node, Everything):
        return True
    if isinstance(node, Text):
        return _text(node, subject)
    if isinstance(node, Not):
        return not matches(node.child, subject)
    if isinstance(node, And):
        return all(matches(child, subject) for child in node.children)
    if isinstance(node, Or):
        return any(matches(child, subject) for child in node.children)
    if isinstance(node, Tag):
        if node.prefix:
            return any(tag.startswith(node.value) for tag in subject.tags)
        return node.value in subject.tags
    if isinstance(node, Mention):
        return _mention(node, subject.mentions)
    if isinstance(node, Feed):
        return subject.doc.get("feed") == node.url
    if isinstance(node, Flag):
        return node.name == "unread"
    if isinstance(node, Published):
        return _published(node, subject.published)
    raise TypeError(f"not a query term: {node!r}")


def _text(node: Text, subject: Subject) -> bool:
    fields = (node.field,) if node.field else WORD_FIELDS
    first = node.words[0]
    for name in fields:
        folded = subject.folded(name)
        if first in folded and _in_row(node.words, node.prefix).search(folded):
            return True  # most fields fail on the first test, without a search
    return False


@functools.lru_cache(maxsize=1024)
def _in_row(words: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    """``words`` as whole words one after another in folded text (the last one begun, when
    ``prefix``): the index's words are the runs of letters and digits (``words_of``)."""
    inner = r"[\W_]+".join(re.escape(word) for word in words)
    return re.compile(r"(?<![^\W_])" + inner + ("" if prefix else r"(?![^\W_])"))


def _mention(node: Mention, mentions: Collection[tuple[str, str]]) -> bool:
    kinds = NAMED_KINDS if node.kind is None else (node.kind,)
    spellings = apostrophe_spellings(node.name)
    for kind, name in mentions:
        if kind not in kinds:
            continue
        if name in spellings or (node.prefix and name.startswith(spellings)):
            return True
    return False


def _published(node: Published, moment: datetime | None) -> bool:
    if moment is None:
        return False
    if node.start is not None and moment < node.start:
        return False
    return node.end is None or moment < node.end
