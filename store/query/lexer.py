"""Splitting a query into tokens, each with its place in the text for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = ("OR", "AND", "NOT")
TERMS = ("word", "phrase", "field")
"""The kinds of token that are terms (the rest are operators and parentheses)."""
_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_CHUNK_END = re.compile(r'[\s()"]')


@dataclass(frozen=True)
class Token:
    """``kind``: ``(``, ``)``, ``-``, ``OR``, ``AND``, ``NOT``, ``word``, ``phrase`` or
    ``field``; ``closed`` is false for a quote left open at the end of the query."""

    kind: str
    start: int
    end: int
    value: str = ""
    field: str = ""
    quoted: bool = False
    closed: bool = True


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char.isspace():
            at += 1
        elif char in "()":
            tokens.append(Token(char, at, at + 1))
            at += 1
        elif char == '"':
            tokens.append(_quoted("phrase", text, at, at))
            at = tokens[-1].end
        elif char == "-" and at + 1 < len(text) and not text[at + 1].isspace():
            tokens.append(Token("-", at, at + 1))
            at += 1
        else:
            tokens.append(_chunk(text, at))
            at = tokens[-1].end
    return tokens


def _quoted(kind: str, text: str, start: int, quote: int, field: str = "") -> Token:
    """A ``"..."`` value starting at ``quote`` (the token itself starts at ``start``)."""
    close = text.find('"', quote + 1)
    if close < 0:
        return Token(kind, start, len(text), text[quote + 1 :], field, True, closed=False)
    return Token(kind, start, close + 1, text[quote + 1 : close], field, True)


def _chunk(text: str, start: int) -> Token:
    """A bare word, a keyword, or ``field:value`` / ``field:"a value"``."""
    found = _CHUNK_END.search(text, start)
    end = found.start() if found else len(text)
    chunk = text[start:end]
    if chunk in KEYWORDS:
        return Token(chunk, start, end)
    field = _FIELD.fullmatch(chunk)
    if field is None:
        return Token("word", start, end, chunk)
    name, value = field[1].lower(), field[2]
    if not value and end < len(text) and text[end] == '"':
        return _quoted("field", text, start, end, name)
    return Token("field", start, end, value, name)
