"""Property tests for the query parser: it never fails with anything but QueryError, a
well-formed query always parses to the tree it was built from, and every word it yields is
folded and alphanumeric."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.article import Article, Entity
from store.fold import fold
from store.index import SearchIndex
from store.query import Query, QueryError, parse_query
from store.query.lexer import TERMS as TERM_KINDS
from store.query.lexer import tokenize
from store.query.nodes import (
    FLAGS,
    SORTS,
    TEXT_FIELDS,
    And,
    Everything,
    Flag,
    Mention,
    Node,
    Not,
    Or,
    Published,
    Tag,
    Text,
)
from store.query.parser import FIELDS, MAX_NESTING, MAX_TERMS
from store.storage.library import create_store

NOW = datetime(2025, 3, 15, 12, tzinfo=UTC)
TODAY = datetime(2025, 3, 15, tzinfo=UTC)
SETTINGS = settings(max_examples=300, deadline=None)

# --- query-ish text ------------------------------------------------------------------------

_DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
_DATE_TEXT = st.one_of(
    _DATES.map(date.isoformat),
    _DATES.map(lambda d: f"{d.year}/{d.month}/{d.day}"),
    _DATES.map(lambda d: f"{d.year:04d}-{d.month:02d}"),
    st.integers(0, 10**7).map(str),
    st.builds("{}{}".format, st.integers(0, 999_999), st.sampled_from("dwmyDWMYx")),
    st.sampled_from(
        ["today", "yesterday", "Today", "tod", "2025-0", "2025-", "2025-13", "2025-02-30"]
    ),
)
_FIELD_NAMES = st.sampled_from([*FIELDS, "foo", "TITLE", "Is", "Sort", "http", "x"])
_VALUES = st.sampled_from([*FLAGS, *SORTS, "un", "rel", "star", "Israel Katz", ""])
_PIECE = st.one_of(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=6),
    st.from_regex(r"[A-Za-z0-9À-ÿ']{1,8}", fullmatch=True),
    st.sampled_from(['"', "(", ")", "-", "OR", "AND", "NOT", ":", "--", "()", "_", "'"]),
    _FIELD_NAMES.map(lambda name: name + ":"),
    _DATE_TEXT,
    _VALUES,
)
_SEP = st.sampled_from(["", " ", " ", "  ", "\t", "\n", '"'])
QUERYISH = st.lists(st.tuples(_PIECE, _SEP), max_size=12).map(
    lambda parts: "".join(piece + sep for piece, sep in parts)
)
ANY_TEXT = st.one_of(st.text(), QUERYISH)


def walk(node: Node):
    yield node
    if isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)


@SETTINGS
@given(text=ANY_TEXT, typing=st.booleans())
def test_parses_or_raises_query_error(text: str, typing: bool) -> None:
    try:
        query = parse_query(text, typing=typing, now=NOW)
    except QueryError as error:
        assert error.message
        assert 0 <= error.start < error.end <= len(text) + 1
        return
    assert isinstance(query, Query)
    assert query.sort in (None, *SORTS)
    assert query.order in SORTS
    for node in walk(query.root):
        assert isinstance(
            node, Everything | Text | Tag | Mention | Flag | Published | Not | And | Or
        )
        if isinstance(node, And | Or):
            assert len(node.children) >= 2
        if isinstance(node, Not):
            assert not isinstance(node.child, Not | Everything)
        if isinstance(node, Everything):
            assert node is query.root  # Everything only ever stands alone
        if isinstance(node, Published):
            assert node.start is not None or node.end is not None
            if node.start is not None and node.end is not None:
                assert node.start < node.end


# --- every word is folded and alphanumeric --------------------------------------------------


@SETTINGS
@given(text=st.one_of(st.text(), QUERYISH), typing=st.booleans())
def test_words_are_folded_and_alphanumeric(text: str, typing: bool) -> None:
    try:
        query = parse_query(text, typing=typing, now=NOW)
    except QueryError:
        return
    for node in walk(query.root):
        if isinstance(node, Text):
            assert node.words
            assert node.field in (None, *TEXT_FIELDS)
            assert typing or not node.prefix
            for word in node.words:
                assert word
                assert fold(word) == word
                assert word.isalnum()


# --- well-formed queries --------------------------------------------------------------------


class Gen(NamedTuple):
    """A generated query: its text, the tree it must parse to, and what it is (``term``,
    ``not``, ``and``, ``or``) to know where it needs parentheses."""

    text: str
    node: Node
    kind: str


_WORD = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True)
_SPELLED = st.sampled_from(
    [
        ("Zürich", ("zurich",)),
        ("GAZA", ("gaza",)),
        ("Café", ("cafe",)),
        ("israel's", ("israel", "s")),
        ("covid-19", ("covid", "19")),
        ("São", ("sao",)),
        ("or", ("or",)),
        ("Not", ("not",)),
        ("e.u.", ("e", "u")),
    ]
)
_WORDS = st.one_of(_WORD.map(lambda word: (word, (word,))), _SPELLED)
_PHRASE = st.lists(_WORDS, min_size=1, max_size=3).map(
    lambda ws: ('"' + " ".join(text for text, _ in ws) + '"', sum((w for _, w in ws), ()))
)
_VALUE = st.one_of(_WORDS, _PHRASE)  # (text, folded words)


def _cased(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from([name, name.upper(), name.capitalize()])


def _text_field(name: str, value: tuple[str, tuple[str, ...]]) -> Gen:
    return Gen(f"{name}:{value[0]}", Text(value[1], name.lower()), "term")


_NAME_WORDS = st.one_of(
    _WORD.map(lambda word: (word, word)),
    st.sampled_from(
        [
            ("Zürich", "zurich"),
            ("GAZA", "gaza"),
            ("israel's", "israel's"),  # entity names keep their punctuation, as filed
            ("covid-19", "covid-19"),
            ("e.u.", "e.u."),
            ("AT&T", "at&t"),
            ("O'Brien", "o'brien"),
            ("Not", "not"),
        ]
    ),
)
_NAME = st.one_of(
    _NAME_WORDS,
    st.lists(_NAME_WORDS, min_size=1, max_size=3).map(
        lambda ws: ('"' + " ".join(text for text, _ in ws) + '"', " ".join(n for _, n in ws))
    ),
)  # (text, the name it stands for)


def _mention(name: str, value: tuple[str, str]) -> Gen:
    kind = None if name.lower() == "entity" else name.lower()
    return Gen(f"{name}:{value[0]}", Mention(value[1], kind), "term")


def _published(name: str, d: date, form: str) -> Gen:
    if form == "month":
        text = f"{d.year:04d}-{d.month:02d}"
        start = datetime(d.year, d.month, 1, tzinfo=UTC)
        end = datetime(d.year + d.month // 12, d.month % 12 + 1, 1, tzinfo=UTC)
    else:
        text = d.isoformat() if form == "iso" else f"{d.year}/{d.month}/{d.day}"
        start = datetime(d.year, d.month, d.day, tzinfo=UTC)
        end = start + timedelta(days=1)
    lowered = name.lower()
    if lowered == "after":
        node = Published(start, None)
    elif lowered == "before":
        node = Published(None, start)
    else:
        node = Published(start, end)
    return Gen(f"{name}:{text}", node, "term")


def _days_ago(name: str, count: int, unit: str) -> Gen:
    start = TODAY - timedelta(days=count * (7 if unit == "w" else 1))
    return Gen(f"on:{count}{unit}", Published(start, start + timedelta(days=1)), "term")


TERMS = st.one_of(
    _WORDS.map(lambda v: Gen(v[0], Text(v[1]), "term")),
    _PHRASE.map(lambda v: Gen(v[0], Text(v[1]), "term")),
    st.builds(_text_field, st.sampled_from(TEXT_FIELDS).flatmap(_cased), _VALUE),
    st.builds(lambda name, v: Gen(f"{name}:{v}", Tag(v), "term"), _cased("tag"), _WORD),
    st.builds(
        _mention,
        st.sampled_from(["entity", "person", "org", "place"]).flatmap(_cased),
        _NAME,
    ),
    st.builds(
        lambda name, flag: Gen(f"{name}:{flag}", Flag(flag.lower()), "term"),
        _cased("is"),
        st.sampled_from(FLAGS).flatmap(_cased),
    ),
    st.builds(
        _published,
        st.sampled_from(["after", "before", "on", "date"]).flatmap(_cased),
        st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
        st.sampled_from(["iso", "slash", "month"]),
    ),
    st.builds(_days_ago, st.just("on"), st.integers(0, 1000), st.sampled_from("dw")),
)


def _unary_text(gen: Gen) -> str:
    """``gen`` as an operand of - / NOT / OR: groups need parentheses."""
    return f"({gen.text})" if gen.kind in ("and", "or") else gen.text


def _negate(gen: Gen, keyword: str) -> Gen:
    node = gen.node.child if isinstance(gen.node, Not) else Not(gen.node)
    return Gen(f"{keyword}{_unary_text(gen)}", node, "not")


def _each_once(children: list[Gen], joined: type[And] | type[Or]) -> Node:
    """What the parser makes of ``children`` joined: each term once (``a a`` is ``a``)."""
    kept = tuple(dict.fromkeys(c.node for c in children))
    return kept[0] if len(kept) == 1 else joined(kept)


def _all(children: list[Gen], separators: list[str]) -> Gen:
    texts = [f"({c.text})" if c.kind == "and" else c.text for c in children]
    text = texts[0] + "".join(sep + t for sep, t in zip(separators, texts[1:], strict=False))
    return Gen(text, _each_once(children, And), "and")


def _any(children: list[Gen]) -> Gen:
    return Gen(" OR ".join(_unary_text(c) for c in children), _each_once(children, Or), "or")


def _extend(children: st.SearchStrategy[Gen]) -> st.SearchStrategy[Gen]:
    groups = st.lists(children, min_size=2, max_size=4)
    separators = st.lists(
        st.sampled_from([" ", "  ", "\t", " AND ", "\nAND\t"]), min_size=3, max_size=3
    )
    return st.one_of(
        st.builds(_negate, children, st.sampled_from(["-", "NOT ", "NOT  "])),
        st.builds(_all, groups, separators),
        st.builds(_any, groups),
        # redundant parentheses change nothing
        children.map(lambda c: Gen(f"( {c.text})", c.node, "term")),
    )


QUERIES = st.recursive(TERMS, _extend, max_leaves=12)


@SETTINGS
@given(gen=QUERIES, sort=st.none() | st.sampled_from(SORTS))
def test_well_formed_query_parses_to_its_tree(gen: Gen, sort: str | None) -> None:
    text = gen.text if sort is None else f"{gen.text} sort:{sort}"
    first = parse_query(text, now=NOW)
    assert parse_query(text, now=NOW) == first
    assert first == Query(gen.node, sort)
    # with a space after it nothing is still growing, so typing mode agrees
    assert parse_query(text + " ", typing=True, now=NOW) == first


@SETTINGS
@given(gen=QUERIES)
def test_well_formed_query_parses_while_typing(gen: Gen) -> None:
    """Every keystroke's worth of a well-formed query either parses or is an honest
    QueryError, and the whole query parses the same twice."""
    first = parse_query(gen.text, typing=True, now=NOW)
    assert parse_query(gen.text, typing=True, now=NOW) == first
    for cut in range(len(gen.text)):
        try:
            parse_query(gen.text[:cut], typing=True, now=NOW)
        except QueryError as error:
            assert 0 <= error.start < error.end <= cut + 1


# --- bounds: whatever the parser accepts, the index can run --------------------------------

_LEAVES = st.sampled_from(
    [
        "zurich",
        '"tram line"',
        "title:zurich",
        "source:reuters",
        "tag:world",
        "person:katz",
        "is:read",
        "is:unread",
        "after:2025",
        "before:2025-03",
        "-cafe",
        "-tag:x",
        "sort:relevance",
    ]
)
_OPENERS = st.sampled_from(
    ["(", "-(", "NOT (", "a OR (", "tag:a OR (", "b (", "-tag:a (", "is:read -(", "(x OR "]
)
_WORST_OPENERS = ["b (", "tag:a OR (", "-tag:a (", "is:read -(", "(x OR ", "a -(tag:b "]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    store = tmp_path_factory.mktemp("bounds") / "articles.json"
    articles = [
        Article(id=f"a{n}", title=f"Tram line {n} in Zurich", source="Reuters", body="a b x",
                tags=("world", "a"), published=f"2025-02-{n + 1:02d}T08:00:00+00:00",
                entities=(Entity(0, 4, "person", "Israel Katz"),))
        for n in range(20)
    ]  # fmt: skip
    create_store(store, articles)
    index = SearchIndex.open(store)
    index.catch_up(store)
    index.set_flags((f"a{n}", n % 2 == 0, False) for n in range(20))
    yield index
    index.close()


def _padding(count: int, kind: int) -> str:
    """``count`` distinct terms: words, tags, alternatives of either, or negated words."""
    if kind == 0:
        return " ".join(f"w{n}" for n in range(count))
    if kind == 1:
        return " ".join(f"tag:t{n}" for n in range(count))
    if kind == 2:
        return " OR ".join(f"tag:t{n}" if n % 2 else f"w{n}" for n in range(count))
    return "zurich " + " ".join(f"-w{n}" for n in range(count - 1))


@SETTINGS
@given(
    openers=st.lists(_OPENERS, max_size=MAX_NESTING),
    leaves=st.lists(_LEAVES, min_size=1, max_size=6),
    padding=st.integers(0, MAX_TERMS),
    kind=st.integers(0, 3),
    sort=st.sampled_from(SORTS),
)
def test_a_query_the_parser_accepts_runs_on_the_index(
    small_index: SearchIndex,
    openers: list[str],
    leaves: list[str],
    padding: int,
    kind: int,
    sort: str,
) -> None:
    inner = "".join(openers) + " ".join(leaves) + ")" * len(openers)
    text = f"{inner} {_padding(padding, kind)} sort:{sort}" if padding else inner
    try:
        query = parse_query(text, now=NOW)
    except QueryError as error:
        assert error.message.startswith(("query too long", "nested more than")), error
        return
    small_index.search(query)  # no sqlite3 error, and no StoreError either
    small_index.search(query, limit=5)


@pytest.mark.parametrize("opener", _WORST_OPENERS)
@pytest.mark.parametrize("kind", [0, 1, 2, 3])
def test_the_deepest_and_longest_query_allowed_runs(
    small_index: SearchIndex, opener: str, kind: int
) -> None:
    depth = 0
    while True:  # as deep as the parser allows this opener
        try:
            parse_query(opener * (depth + 1) + "zurich" + ")" * (depth + 1))
        except QueryError:
            break
        depth += 1
    nested = opener * depth + "zurich" + ")" * depth
    used = sum(1 for token in tokenize(nested) if token.kind in TERM_KINDS)
    text = f"{nested} {_padding(MAX_TERMS - used, kind)}"
    assert sum(1 for token in tokenize(text) if token.kind in TERM_KINDS) == MAX_TERMS
    query = parse_query(text)
    for order in SORTS:
        assert isinstance(small_index.search(Query(query.root, order)), list)
