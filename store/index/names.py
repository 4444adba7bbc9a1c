"""Entity names as words of a full-text table, so that SQLite files them the way it files
the articles' words: gathered in memory and written out sorted, instead of millions of
separate rows.

Each (kind, folded name) an article is filed under (``store.entities.facets.mention_names``,
folded) becomes one token of the ``names`` table: a letter for the kind, then the name with every
ASCII character other than a lower-case letter or a digit moved to the Private Use Area.
The ``ascii`` tokenizer splits only at ASCII punctuation and spaces, so a whole name stays
one token ("alice smith" and "at&t" included), and since each character maps to one
character, a prefix of a name is a prefix of its token: ``person:ali`` is the FTS5 prefix
query ``"pali"*``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from store.article import Entity
from store.entities import mention_names
from store.fold import folded_name
from store.query.nodes import apostrophe_spellings

KIND_MARKS = {"person": "p", "org": "o", "place": "l", "misc": "m"}
"""The kinds entity searches cover (``store.entities.facets.NAMED_KINDS``) and their letters."""
_PRIVATE = 0xE000
_KEPT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ESCAPES = str.maketrans(
    {chr(code): chr(_PRIVATE + code) for code in range(128) if chr(code) not in _KEPT}
)


def token(kind: str, name: str) -> str:
    """The one word (kind, name) is filed under."""
    return KIND_MARKS[kind] + name.translate(_ESCAPES)


def names_text(names: Iterable[tuple[str, str]]) -> str:
    """The ``names`` column of an article filed under ``names`` (kind, folded name)."""
    return " ".join(sorted(token(kind, name) for kind, name in names))


def entity_names(entities: Sequence[Entity]) -> str:
    """The ``names`` column of an article with ``entities``: its ``mention_names``."""
    if len(_TOKENS) > _KEEP_TOKENS:
        _TOKENS.clear()
    tokens = set()
    for name in mention_names(entities):
        found = _TOKENS.get(name)
        if found is None:
            found = _TOKENS[name] = token(name[0], folded_name(name[1]))
        tokens.add(found)
    return " ".join(sorted(tokens))


def mentions_in(names: str) -> set[tuple[str, str]]:
    """The (kind, folded name) pairs a ``names`` column (``entity_names``) files under."""
    return {(_KINDS[t[0]], t[1:].translate(_UNESCAPES)) for t in names.split() if t[:1] in _KINDS}


_KINDS = {mark: kind for kind, mark in KIND_MARKS.items()}
_UNESCAPES = {_PRIVATE + code: code for code in range(128)}
_TOKENS: dict[tuple[str, str], str] = {}
"""``token`` of (kind, name as written): the same names come back article after article."""
_KEEP_TOKENS = 1 << 16


Expand = Callable[[str], Sequence[str] | None]
"""The tokens filed under that begin with a prefix of a token, ``None`` when there are too
many to list (``SearchIndex`` looks them up in ``name_tokens``)."""


def names_match(kind: str | None, name: str, prefix: bool, expand: Expand | None = None) -> str:
    """An FTS5 expression for articles filed under ``name`` (folded) of ``kind`` (any kind
    when ``None``), or under a name it begins when ``prefix``. An apostrophe matches both
    its forms: texts often write it curly (U+2019), readers type it straight.

    With ``expand``, a prefix becomes the tokens it begins: FTS5 then reads only the newest
    entries of each, where a prefix query first merges every entry of every such token
    (half a second for ``place:gaz`` at 1,000,000 articles, a millisecond so)."""
    kinds = KIND_MARKS.values() if kind is None else (KIND_MARKS[kind],)
    spellings = apostrophe_spellings(name)
    starts = [mark + spelling.translate(_ESCAPES) for mark in kinds for spelling in spellings]
    terms = list(dict.fromkeys(t for start in starts for t in _terms(start, prefix, expand)))
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _terms(start: str, prefix: bool, expand: Expand | None) -> list[str]:
    if not prefix:
        return [f'"{start}"']
    tokens = None if expand is None else expand(start)
    if tokens is None:
        return [f'"{start}"*']
    return [f'"{token}"' for token in tokens] or [f'"{start}"']
