"""The query language, parsed once for the search pane and ``newsdesk search`` alike.

Grammar (juxtaposition is AND; OR binds tighter, as in web search: ``gaza truce OR
ceasefire`` is gaza AND (truce OR ceasefire))::

    query  := group*
    group  := unary ("OR" unary)*
    unary  := ("-" | "NOT") unary | "(" query ")" | term
    term   := word | "phrase" | field:value | field:"a value"

With ``typing=True`` (the search pane, on every keystroke) the word under the cursor at
the end of the query is a prefix, so results narrow as it grows; a one-letter prefix is
ignored until the next letter, and an open quote at the end counts as closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from store.fold import fold
from store.query import when
from store.query.lexer import TERMS, Token, tokenize
from store.query.nodes import (
    FLAGS,
    SORTS,
    TEXT_FIELDS,
    And,
    Everything,
    Feed,
    Flag,
    Mention,
    Node,
    Not,
    Or,
    Published,
    Query,
    QueryError,
    Tag,
    Text,
    excerpt,
    name_of,
    words_of,
)

ENTITY_FIELDS = {"entity": None, "person": "person", "org": "org", "place": "place"}
DATE_FIELDS = ("after", "before", "on", "date")
FIELDS = (*TEXT_FIELDS, "tag", *ENTITY_FIELDS, "feed", "is", *DATE_FIELDS, "sort")
MIN_PREFIX = 2
"""Tags being typed filter from their second letter."""
MIN_BROAD_PREFIX = 3
"""Words, entity names and excluded words being typed filter from their third letter: two
letters still match most of a large store (and the word index keeps no two-letter
prefixes, see ``store.index.schema``)."""
MAX_NESTING = 16
"""Parentheses and negations deeper than this are refused rather than recursed into: the
parsers of SQLite and of its full-text index hold about 30 levels of parentheses, and a
level of the query takes one or two of them once compiled."""
MAX_TERMS = 256
"""Words, phrases and field:value terms a query may hold: N terms joined compile to an SQL
expression about N deep (SQLite refuses one more than 1,000 deep), and ranking costs grow
faster than the number of words ranked by. No one types more."""
MAX_CHARS = 4096
"""A query's length: 256 terms of 16 characters (a page pasted by mistake is refused)."""
_DATE_START = re.compile(r"\d{0,5}|\d{4}[-/]\d?|\d{4}[-/]\d{1,2}[-/]\d?")


class _Sorted(Everything):
    """Where ``sort:`` stood: no condition, and no alternative in an OR either."""


def parse_query(text: str, *, typing: bool = False, now: datetime | None = None) -> Query:
    """Parse ``text``; raises ``QueryError`` (and nothing else) when it is malformed."""
    parser = _Parser(text, typing, now)
    root = parser.sequence(depth=0)
    return Query(root, parser.sort)


class _Parser:
    def __init__(self, text: str, typing: bool, now: datetime | None) -> None:
        self.query = text
        self.typing = typing
        self.now = now
        self.tokens = tokenize(text)
        _check_size(self.tokens, text)
        self.at = 0
        self.nesting = 0
        self.sort: str | None = None

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def growing(self, token: Token) -> bool:
        """Whether ``token`` is still being typed: last, nothing after it, no closing quote."""
        at_end = token.end == len(self.query) and self.at == len(self.tokens)
        return self.typing and at_end and not (token.quoted and token.closed)

    def sequence(self, depth: int) -> Node:
        """Groups up to the end, or to the ``)`` closing the group at ``depth``."""
        children: list[Node] = []
        while (token := self.peek()) is not None:
            if token.kind == ")":
                if depth == 0:
                    raise QueryError("unmatched )", token.start)
                break
            if token.kind == "AND":
                self.take()
                self._need_operand(token, "AND", before=bool(children))
                continue
            if token.kind == "OR":
                raise QueryError("OR needs a term before it", token.start, token.end)
            children.append(self.group())
        return _all_of(children)

    def _need_operand(self, token: Token, word: str, before: bool = True) -> None:
        following = self.peek()
        if not before or following is None or following.kind in (")", "OR", "AND"):
            raise QueryError(f"{word} needs a term on each side", token.start, token.end)

    def group(self) -> Node:
        children = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            self._need_operand(token, "OR")
            children.append(self.unary())
        return _any_of(children)

    def unary(self) -> Node:
        token = self.take()
        if token.kind in ("-", "NOT"):
            following = self.peek()
            if following is None and self.typing and token.kind == "NOT":
                return Everything()  # "gaza NOT" while the next word is being typed
            if following is None or following.kind in (")", "OR", "AND"):
                raise QueryError(f"nothing to exclude after {token.kind}", token.start)
            return _negated(self.nested(token, self.unary), self.typing)
        if token.kind == "(":
            return self.nested(token, lambda: self.parenthesised(token))
        if token.kind in (")", "OR", "AND"):
            raise QueryError(f"unexpected {token.kind}", token.start, token.end)
        return self.term(token)

    def nested(self, token: Token, inner: Callable[[], Node]) -> Node:
        """Parse ``inner`` one level deeper, refusing absurd depths instead of recursing."""
        if self.nesting >= MAX_NESTING:
            raise QueryError(f"nested more than {MAX_NESTING} deep", token.start, token.end)
        self.nesting += 1
        try:
            return inner()
        finally:
            self.nesting -= 1

    def parenthesised(self, opening: Token) -> Node:
        if (token := self.peek()) is not None and token.kind == ")":
            raise QueryError("empty parentheses", opening.start, token.end)
        inner = self.sequence(depth=1)
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise QueryError("missing ) for this (", opening.start)
        self.take()
        return inner

    def term(self, token: Token) -> Node:
        if token.quoted and not token.closed and not self.typing:
            raise QueryError("unclosed quote", token.end - len(token.value) - 1)
        if token.kind == "field":
            return self.field(token)
        return self.text(token, token.value, None)

    def text(self, token: Token, value: str, field: str | None) -> Node:
        words = words_of(value)
        prefix = self.growing(token) and not value[-1:].isspace()
        if prefix and words and len(words[-1]) < MIN_BROAD_PREFIX:
            words, prefix = words[:-1], False
        return Text(words, field, prefix) if words else Everything()

    def field(self, token: Token) -> Node:
        name, value = token.field, token.value
        if name not in FIELDS:
            raise QueryError(
                f"unknown field {excerpt(name)}: (fields: {', '.join(FIELDS)})",
                token.start,
                token.start + len(name) + 1,
            )
        if not value.strip():
            if self.growing(token):
                return Everything()
            raise QueryError(f"{name}: needs a value", token.start, token.end)
        return self.field_value(token, name, value)

    def field_value(self, token: Token, name: str, value: str) -> Node:
        if name in TEXT_FIELDS:
            return self.text(token, value, name)
        if name == "tag":
            tag, prefix = fold(value.strip()), self.growing(token)
            return Everything() if prefix and len(tag) < MIN_PREFIX else Tag(tag, prefix)
        if name in ENTITY_FIELDS:
            return self.mention(token, name, value)
        if name == "feed":
            return Feed(value.strip())
        try:
            return self.checked_value(token, name, value)
        except QueryError:
            if self.growing(token) and _may_grow_valid(name, value):
                return Everything()  # "is:un", "after:2025-0": no error while typing
            raise

    def mention(self, token: Token, name: str, value: str) -> Node:
        entity, prefix = name_of(value), self.growing(token)
        if prefix and len(entity) < MIN_BROAD_PREFIX:
            return Everything()  # "person:ka": not a filter yet
        if words_of(value):
            return Mention(entity, ENTITY_FIELDS[name], prefix)
        raise QueryError(f"{name}: needs a name with letters or digits", token.start, token.end)

    def checked_value(self, token: Token, name: str, value: str) -> Node:
        if name == "is":
            return Flag(_choice(token, value, FLAGS))
        if name == "sort":
            self.sort = _choice(token, value, SORTS)
            return _Sorted()
        return self.published(token, name, value)

    def published(self, token: Token, name: str, value: str) -> Node:
        try:
            start, end = when.parse_when(value, self.now)
        except (ValueError, OverflowError) as exc:
            raise QueryError(f"{name}: {exc}", token.start, token.end) from None
        if name == "after":
            return Published(start, None)
        if name == "before":
            return Published(None, start)
        return Published(start, end)


def _check_size(tokens: list[Token], text: str) -> None:
    """Refuse a query of more than ``MAX_TERMS`` terms or ``MAX_CHARS`` characters."""
    terms = [token for token in tokens if token.kind in TERMS]
    if len(terms) > MAX_TERMS:
        message = f"query too long: {len(terms):,} terms (at most {MAX_TERMS})"
        raise QueryError(message, terms[MAX_TERMS].start, len(text))
    if len(text) > MAX_CHARS:
        message = f"query too long: {len(text):,} characters (at most {MAX_CHARS:,})"
        raise QueryError(message, MAX_CHARS, len(text))


def _may_grow_valid(name: str, value: str) -> bool:
    """Whether a value still being typed can still become a valid one."""
    value = value.lower()
    if name in ("is", "sort"):
        choices = FLAGS if name == "is" else SORTS
        return any(choice.startswith(value) for choice in choices)
    if name not in DATE_FIELDS:
        return False
    dates = _DATE_START.fullmatch(value) is not None
    return dates or any(w.startswith(value) for w in ("today", "yesterday"))


def _choice(token: Token, value: str, choices: tuple[str, ...]) -> str:
    if value.lower() in choices:
        return value.lower()
    raise QueryError(
        f"{token.field}: takes {', '.join(choices)}, not {excerpt(value)!r}",
        token.start,
        token.end,
    )


def _all_of(children: list[Node]) -> Node:
    """The conjunction of ``children``, each once (``a a`` is ``a``)."""
    kept = list(dict.fromkeys(child for child in children if not isinstance(child, Everything)))
    if not kept:
        return Everything()
    return kept[0] if len(kept) == 1 else And(tuple(kept))


def _any_of(children: list[Node]) -> Node:
    """The alternatives ``children``, each once (``a OR a`` is ``a``)."""
    children = [child for child in children if not isinstance(child, _Sorted)] or [Everything()]
    children = list(dict.fromkeys(children))
    if any(isinstance(child, Everything) for child in children):
        return Everything()
    return children[0] if len(children) == 1 else Or(tuple(children))


def _negated(child: Node, typing: bool = False) -> Node:
    """NOT of a term with no words yet (``-`` just typed), or of a short word still being
    typed, is no condition at all."""
    if isinstance(child, Everything):
        return child
    if (
        typing
        and isinstance(child, Text)
        and child.prefix
        and len(child.words[-1]) < MIN_BROAD_PREFIX
    ):
        return Everything()
    return child.child if isinstance(child, Not) else Not(child)
