"""From a parsed query to SQL over the index.

Words and phrases become one FTS5 expression wherever the query's shape allows (a
conjunction's word terms are matched together, so FTS5 intersects them); everything else
(tags, entity names, reading state, dates, and words under OR with them) becomes a condition on
the row id. Row ids are time keys, so results come out newest first without sorting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store.index.names import Expand, names_match
from store.index.schema import FIRST_DATED, moment_key
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
)

LAST_CHAR = "\U0010ffff"


@dataclass(frozen=True)
class Plan:
    """``sql`` selects matching row ids, newest first; ``match`` is the FTS5 expression
    that drives it (for ranking), ``where`` the remaining condition on ``rowid``."""

    sql: str
    params: tuple[object, ...]
    match: str | None
    where: str
    where_params: tuple[object, ...]


def plan(root: Node, expand: Expand | None = None) -> Plan:
    """``expand``: what a prefix of an entity name expands to (``store.index.names``)."""
    match = fts_expression(root)
    if match is not None:
        return _plan_over_words(match, "1", ())
    if isinstance(root, And):
        words = [child for child in root.children if _word_only(child)]
        others = [child for child in root.children if not _word_only(child)]
        joined = fts_expression(And(tuple(words))) if words else None
        if joined is not None:
            rest = And(tuple(others)) if len(others) > 1 else others[0]
            where, params = condition(rest, ON_FTS, expand)
            return _plan_over_words(joined, where, params)
    named = _plan_over_names(root, expand)
    if named is not None:
        return named
    where, params = condition(root, ON_META, expand)
    sql = f"SELECT rowid FROM meta WHERE {where} ORDER BY rowid DESC"
    return Plan(sql, params, None, where, params)


LIVE = "+rowid NOT IN (SELECT rowid FROM lingering)"
"""Words of removed articles that could not be deleted (``store.index.schema``) match
nothing."""


def _plan_over_words(match: str, where: str, params: tuple[object, ...]) -> Plan:
    where = f"{LIVE} AND ({where})"
    sql = f"SELECT rowid FROM fts WHERE fts MATCH ? AND {where} ORDER BY rowid DESC"
    return Plan(sql, (match, *params), match, where, params)


def _plan_over_names(root: Node, expand: Expand | None) -> Plan | None:
    """An entity search (alone, or with conditions other than words) driven by the
    ``names`` table, newest first: FTS5 then stops at the first rows a list asks for, where
    ``rowid IN (...)`` would first gather every article that mentions the name."""
    children = root.children if isinstance(root, And) else (root,)
    wanted = [child for child in children if isinstance(child, Mention)]
    if not wanted:
        return None
    unwanted = [c.child for c in children if isinstance(c, Not) and isinstance(c.child, Mention)]
    others = tuple(child for child in children if not _mention_term(child))
    rest = others[0] if len(others) == 1 else And(others)
    where, params = condition(rest, ON_FTS, expand) if others else ("1", ())
    match = "(" + " AND ".join(_names_expression(m, expand) for m in wanted) + ")"
    match += "".join(f" NOT {_names_expression(m, expand)}" for m in unwanted)
    sql = f"SELECT rowid FROM names WHERE names MATCH ? AND ({where}) ORDER BY rowid DESC"
    return Plan(sql, (match, *params), None, where, params)


def _mention_term(node: Node) -> bool:
    return isinstance(node.child if isinstance(node, Not) else node, Mention)


def _names_expression(mention: Mention, expand: Expand | None) -> str:
    return names_match(mention.kind, mention.name, mention.prefix, expand)


def _word_only(node: Node) -> bool:
    inner = node.child if isinstance(node, Not) else node
    return fts_expression(inner) is not None


def fts_string(text: Text) -> str:
    """One word or phrase in FTS5 syntax; words are letters and digits only, so quoting
    them needs no escaping."""
    phrase = '"' + " ".join(text.words) + '"' + ("*" if text.prefix else "")
    return f"{text.field} : {phrase}" if text.field else phrase


def fts_expression(node: Node) -> str | None:
    """``node`` as an FTS5 expression, or ``None`` where FTS5 cannot say it (a lone NOT,
    anything but words)."""
    if isinstance(node, Text):
        return fts_string(node)
    if isinstance(node, Or):
        parts = [fts_expression(child) for child in node.children]
        return None if None in parts else "(" + " OR ".join(p for p in parts if p) + ")"
    if isinstance(node, And):
        return _fts_and(node.children)
    return None


def _fts_and(children: tuple[Node, ...]) -> str | None:
    wanted = [fts_expression(c) for c in children if not isinstance(c, Not)]
    unwanted = [fts_expression(c.child) for c in children if isinstance(c, Not)]
    if not wanted or None in wanted or None in unwanted:
        return None
    expression = "(" + " AND ".join(w for w in wanted if w) + ")"
    return expression + "".join(f" NOT {u}" for u in unwanted)


ON_META = "rowid"
ON_FTS = "+rowid"
"""How a condition names the row id: on the FTS table, ``+rowid`` keeps SQLite from handing
``rowid IN (...)`` to FTS5 as a lookup, which reruns the word match once per listed row
(seconds, for an entity mentioned in a third of the articles, instead of milliseconds)."""


def condition(
    node: Node, rowid: str = ON_META, expand: Expand | None = None
) -> tuple[str, tuple[object, ...]]:
    """``node`` as a SQL condition on the row id (named ``rowid``)."""
    if isinstance(node, Everything):
        return "1", ()
    if isinstance(node, Text | Or | And) and (match := fts_expression(node)) is not None:
        return f"{rowid} IN (SELECT rowid FROM fts WHERE fts MATCH ?)", (match,)
    if isinstance(node, Not):
        inner, params = condition(node.child, rowid, expand)
        return f"NOT ({inner})", params
    if isinstance(node, And | Or):
        parts = [condition(child, rowid, expand) for child in node.children]
        glue = " AND " if isinstance(node, And) else " OR "
        return glue.join(f"({sql})" for sql, _ in parts), tuple(p for _, ps in parts for p in ps)
    return _leaf(node, rowid, expand)


def _leaf(node: Node, rowid: str, expand: Expand | None) -> tuple[str, tuple[object, ...]]:
    if isinstance(node, Tag):
        # The article's own tags, or the reader's (kept in step by the session).
        own, own_params = _exact(
            rowid, "SELECT rowid FROM tags WHERE", "tag", node.value, node.prefix, ()
        )
        select = "SELECT rowid FROM temp.reader_tags WHERE"
        mine, my_params = _exact(rowid, select, "tag", node.value, node.prefix, ())
        return f"({own} OR {mine})", own_params + my_params
    if isinstance(node, Mention):
        match = names_match(node.kind, node.name, node.prefix, expand)
        return f"{rowid} IN (SELECT rowid FROM names WHERE names MATCH ?)", (match,)
    if isinstance(node, Feed):
        return f"{rowid} IN (SELECT rowid FROM feed_of WHERE feed = ?)", (node.url,)
    if isinstance(node, Flag):
        column = "starred" if node.name == "starred" else "read"
        negate = "NOT " if node.name == "unread" else ""
        return f"{rowid} {negate}IN (SELECT rowid FROM temp.flags WHERE {column})", ()
    if isinstance(node, Published):
        return _published(node.start, node.end)
    raise TypeError(f"not a query term: {node!r}")


def _exact(
    rowid: str, select: str, column: str, value: str, prefix: bool, params: tuple[object, ...]
) -> tuple[str, tuple[object, ...]]:
    if prefix:
        return (
            f"{rowid} IN ({select} {column} >= ? AND {column} < ?)",
            (*params, value, value + LAST_CHAR),
        )
    return f"{rowid} IN ({select} {column} = ?)", (*params, value)


def _published(start: datetime | None, end: datetime | None) -> tuple[str, tuple[object, ...]]:
    low = FIRST_DATED if start is None else max(FIRST_DATED, moment_key(start))
    if end is None:
        return "rowid >= ?", (low,)
    return "rowid >= ? AND rowid < ?", (low, moment_key(end))
