"""Unit tests for the query language parser (store/query): trees, dates, sorting, typing
mode and every malformed form with the place its error points at."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from store.query import Query, QueryError, parse_query
from store.query.nodes import (
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
    excerpt,
)
from store.query.parser import MAX_CHARS, MAX_NESTING, MAX_TERMS

NOW = datetime(2025, 3, 15, 12, tzinfo=UTC)


def parse(text: str, *, typing: bool = False, now: datetime = NOW) -> Query:
    return parse_query(text, typing=typing, now=now)


def root(text: str, *, typing: bool = False) -> Node:
    return parse(text, typing=typing).root


def T(*words: str, field: str | None = None, prefix: bool = False) -> Text:
    return Text(tuple(words), field, prefix)


def day(year: int, month: int, dd: int) -> datetime:
    return datetime(year, month, dd, tzinfo=UTC)


def days(year: int, month: int, dd: int, count: int = 1) -> Published:
    """The whole span of ``count`` days starting at the given date."""
    start = day(year, month, dd)
    return Published(start, start + timedelta(days=count))


A, B, C, D = T("a"), T("b"), T("c"), T("d")
GAZA, TRUCE, CEASEFIRE = T("gaza"), T("truce"), T("ceasefire")


# --- operators, precedence, nesting, negation -------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Everything()),
        ("   \t ", Everything()),
        ("gaza", GAZA),
        ("  gaza  ", GAZA),
        ("gaza truce", And((GAZA, TRUCE))),
        ("gaza AND truce", And((GAZA, TRUCE))),
        ("gaza\ttruce\nceasefire", And((GAZA, TRUCE, CEASEFIRE))),
        ("a OR b", Or((A, B))),
        ("a OR b OR c", Or((A, B, C))),
        # OR binds tighter than juxtaposition (and the optional AND keyword)
        ("gaza truce OR ceasefire", And((GAZA, Or((TRUCE, CEASEFIRE))))),
        ("a AND b OR c", And((A, Or((B, C))))),
        ("a OR b c", And((Or((A, B)), C))),
        ("a OR b c OR d", And((Or((A, B)), Or((C, D))))),
        ("a OR b AND c OR d", And((Or((A, B)), Or((C, D))))),
        # parentheses group
        ("(a b) OR c", Or((And((A, B)), C))),
        ("a (b OR c)", And((A, Or((B, C))))),
        ("(a OR b) (c OR d)", And((Or((A, B)), Or((C, D))))),
        ("(a)", A),
        ("((a))", A),
        ("( a )", A),
        ("(a b) c", And((And((A, B)), C))),
        ("a OR (b OR c)", Or((A, Or((B, C))))),
        ("((a OR b) (c OR -d))", And((Or((A, B)), Or((C, Not(D)))))),
        ("a (b (c d))", And((A, And((B, And((C, D))))))),
        ("(a)(b)", And((A, B))),
        # negation
        ("-gaza", Not(GAZA)),
        ("NOT gaza", Not(GAZA)),
        ("gaza -truce", And((GAZA, Not(TRUCE)))),
        ("gaza NOT truce", And((GAZA, Not(TRUCE)))),
        ("gaza AND NOT truce", And((GAZA, Not(TRUCE)))),
        ("a OR -b", Or((A, Not(B)))),
        ("-a OR b", Or((Not(A), B))),
        ("NOT a OR b", Or((Not(A), B))),
        ('-"gaza truce"', Not(T("gaza", "truce"))),
        # negation of groups
        ("-(a OR b)", Not(Or((A, B)))),
        ("NOT (a OR b)", Not(Or((A, B)))),
        ("-(a b)", Not(And((A, B)))),
        ("c -(a b)", And((C, Not(And((A, B)))))),
        ("-(a -b)", Not(And((A, Not(B))))),
        # double (and triple) negation
        ("--a", A),
        ("NOT NOT a", A),
        ("NOT -a", A),
        ("-NOT a", A),
        ("-(-a)", A),
        ("NOT (NOT a)", A),
        ("---a", Not(A)),
        ("NOT NOT NOT a", Not(A)),
        ("--(a OR b)", Or((A, B))),
        # lower-case keywords are plain words
        ("or", T("or")),
        ("a or b", And((A, T("or"), B))),
        ("a and b", And((A, T("and"), B))),
        ("not a", And((T("not"), A))),
        ("Or", T("or")),
        ('"OR"', T("or")),
        ('a "AND" b', And((A, T("and"), B))),
        # a dash that is not glued to a term is punctuation
        ("a - b", And((A, B))),
        ("a -", A),
        ("a-b", T("a", "b")),
    ],
)
def test_tree(text: str, expected: Node) -> None:
    assert root(text) == expected


# --- words: folding and splitting --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gaza", GAZA),
        ("GAZA", GAZA),
        ("Zürich", T("zurich")),
        ("ZÜRICH", T("zurich")),
        ("Café", T("cafe")),
        ("Kraków", T("krakow")),
        ("Straße", T("strasse")),
        ("naïve", T("naive")),
        ("israel's", T("israel", "s")),
        ("covid-19", T("covid", "19")),
        ("snake_case", T("snake", "case")),
        ("e.u.", T("e", "u")),
        ("2025", T("2025")),
        ("a1b2", T("a1b2")),
        ("!!!", Everything()),
        ("gaza !!!", GAZA),
        ("...", Everything()),
        ('"São Paulo"', T("sao", "paulo")),
        ('"gaza truce"', T("gaza", "truce")),
        ('"  gaza,  truce! "', T("gaza", "truce")),
        ('""', Everything()),
        ('gaza ""', GAZA),
        ('"a"b', And((A, B))),
        ('a"b"', And((A, B))),
        ('"gaza truce" ceasefire', And((T("gaza", "truce"), CEASEFIRE))),
    ],
)
def test_words_are_folded_and_split(text: str, expected: Node) -> None:
    assert root(text) == expected


# --- fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:gaza", T("gaza", field="title")),
        ("source:Reuters", T("reuters", field="source")),
        ("author:Smith", T("smith", field="author")),
        ("TITLE:Gaza", T("gaza", field="title")),
        ("Title:gaza", T("gaza", field="title")),
        ("AUTHOR:Müller", T("muller", field="author")),
        ('title:"gaza truce"', T("gaza", "truce", field="title")),
        ('title:"Gaza Truce" ceasefire', And((T("gaza", "truce", field="title"), CEASEFIRE))),
        ("author:O'Brien", T("o", "brien", field="author")),
        ("title:gaza:truce", T("gaza", "truce", field="title")),
        ("title:!!!", Everything()),
        ("tag:climate", Tag("climate")),
        ("tag:Climate", Tag("climate")),
        ("TAG:Zürich", Tag("zurich")),
        ('tag:"Middle East"', Tag("middle east")),
        ("tag:covid-19", Tag("covid-19")),
        ("entity:Gaza", Mention("gaza", None)),
        ("person:Katz", Mention("katz", "person")),
        ("org:UN", Mention("un", "org")),
        ("place:Zürich", Mention("zurich", "place")),
        ('person:"Israel Katz"', Mention("israel katz", "person")),
        ('PERSON:"Israel  Katz!"', Mention("israel katz", "person")),
        ('place:"São Paulo"', Mention("sao paulo", "place")),
        # names keep the punctuation they are filed with, and lose what is around them
        ("org:AT&T", Mention("at&t", "org")),
        ("person:O'Brien", Mention("o'brien", "person")),
        ('place:"U.S."', Mention("u.s.", "place")),
        ("place:U.S.,", Mention("u.s.", "place")),
        ('person:"Jean-Luc  Picard"', Mention("jean-luc picard", "person")),
        ('entity:"Hamas"', Mention("hamas", None)),
        ("is:read", Flag("read")),
        ("is:unread", Flag("unread")),
        ("is:starred", Flag("starred")),
        ("IS:Starred", Flag("starred")),
        ("is:READ", Flag("read")),
        ("-is:read", Not(Flag("read"))),
        ("is:read OR is:starred", Or((Flag("read"), Flag("starred")))),
        (
            "gaza tag:war -is:read",
            And((GAZA, Tag("war"), Not(Flag("read")))),
        ),
        (
            "title:gaza OR source:bbc",
            Or((T("gaza", field="title"), T("bbc", field="source"))),
        ),
        (
            '-(person:"Israel Katz" OR org:idf)',
            Not(Or((Mention("israel katz", "person"), Mention("idf", "org")))),
        ),
        # a field name only counts when glued to its colon
        ("title gaza", And((T("title"), GAZA))),
        ("título:gaza", T("titulo", "gaza")),
    ],
)
def test_field(text: str, expected: Node) -> None:
    assert root(text) == expected


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # years
        ("after:2025", Published(day(2025, 1, 1), None)),
        ("before:2025", Published(None, day(2025, 1, 1))),
        ("on:2025", Published(day(2025, 1, 1), day(2026, 1, 1))),
        ("date:2025", Published(day(2025, 1, 1), day(2026, 1, 1))),
        # months
        ("date:2025-02", Published(day(2025, 2, 1), day(2025, 3, 1))),
        ("on:2025-02", Published(day(2025, 2, 1), day(2025, 3, 1))),
        ("on:2024-02", Published(day(2024, 2, 1), day(2024, 3, 1))),
        ("on:2025-2", Published(day(2025, 2, 1), day(2025, 3, 1))),
        ("on:2025/02", Published(day(2025, 2, 1), day(2025, 3, 1))),
        ("on:2025-04", Published(day(2025, 4, 1), day(2025, 5, 1))),
        ("on:2025-12", Published(day(2025, 12, 1), day(2026, 1, 1))),
        ("after:2025-02", Published(day(2025, 2, 1), None)),
        ("before:2025-03", Published(None, day(2025, 3, 1))),
        # days
        ("on:2025-02-23", days(2025, 2, 23)),
        ("date:2025-02-23", days(2025, 2, 23)),
        ("on:2025/2/3", days(2025, 2, 3)),
        ("on:2025-2-03", days(2025, 2, 3)),
        ("on:2024-02-29", days(2024, 2, 29)),
        ("on:2000-02-29", days(2000, 2, 29)),
        ("on:2025-12-31", days(2025, 12, 31)),
        ("on:0001-01-01", days(1, 1, 1)),
        ("after:2025-02-23", Published(day(2025, 2, 23), None)),
        ("before:2025-02-23", Published(None, day(2025, 2, 23))),
        ('on:" 2025-02 "', Published(day(2025, 2, 1), day(2025, 3, 1))),
        # today / yesterday (NOW is 2025-03-15 12:00 UTC)
        ("on:today", days(2025, 3, 15)),
        ("date:today", days(2025, 3, 15)),
        ("on:TODAY", days(2025, 3, 15)),
        ("on:yesterday", days(2025, 3, 14)),
        ("after:today", Published(day(2025, 3, 15), None)),
        ("after:yesterday", Published(day(2025, 3, 14), None)),
        ("before:today", Published(None, day(2025, 3, 15))),
        ("before:yesterday", Published(None, day(2025, 3, 14))),
        # N days / weeks / months / years ago: a single UTC day
        ("after:7d", Published(day(2025, 3, 8), None)),
        ("after:7D", Published(day(2025, 3, 8), None)),
        ("before:7d", Published(None, day(2025, 3, 8))),
        ("on:0d", days(2025, 3, 15)),
        ("on:1d", days(2025, 3, 14)),
        ("on:15d", days(2025, 2, 28)),
        ("on:365d", days(2024, 3, 15)),
        ("on:2w", days(2025, 3, 1)),
        ("after:1w", Published(day(2025, 3, 8), None)),
        ("on:1m", days(2025, 2, 15)),
        ("on:3m", days(2024, 12, 15)),
        ("on:12m", days(2024, 3, 15)),
        ("on:13m", days(2024, 2, 15)),
        ("on:1y", days(2024, 3, 15)),
        ("after:2y", Published(day(2023, 3, 15), None)),
        # a date next to other terms
        (
            "gaza after:2025-02 -on:2025-02-14",
            And((GAZA, Published(day(2025, 2, 1), None), Not(days(2025, 2, 14)))),
        ),
        (
            "after:2025-01 before:2025-02",
            And((Published(day(2025, 1, 1), None), Published(None, day(2025, 2, 1)))),
        ),
    ],
)
def test_date(text: str, expected: Node) -> None:
    assert root(text) == expected


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        # month arithmetic clamps to the length of the target month
        (datetime(2025, 3, 31, 12, tzinfo=UTC), "on:1m", days(2025, 2, 28)),
        (datetime(2024, 3, 31, 12, tzinfo=UTC), "on:1m", days(2024, 2, 29)),
        (datetime(2025, 5, 31, 12, tzinfo=UTC), "on:1m", days(2025, 4, 30)),
        (datetime(2025, 1, 31, 12, tzinfo=UTC), "on:1m", days(2024, 12, 31)),
        (datetime(2025, 3, 31, 12, tzinfo=UTC), "on:13m", days(2024, 2, 29)),
        (datetime(2024, 2, 29, 12, tzinfo=UTC), "on:1y", days(2023, 2, 28)),
        (datetime(2024, 2, 29, 12, tzinfo=UTC), "on:4y", days(2020, 2, 29)),
        (datetime(2024, 2, 29, 12, tzinfo=UTC), "on:12m", days(2023, 2, 28)),
        # days and weeks cross month, year and leap-day boundaries
        (datetime(2024, 3, 1, 12, tzinfo=UTC), "on:1d", days(2024, 2, 29)),
        (datetime(2025, 3, 1, 0, 30, tzinfo=UTC), "on:yesterday", days(2025, 2, 28)),
        (datetime(2025, 1, 1, tzinfo=UTC), "on:yesterday", days(2024, 12, 31)),
        (datetime(2025, 1, 3, 12, tzinfo=UTC), "on:1w", days(2024, 12, 27)),
        # "today" is the UTC day, whatever zone ``now`` is given in
        (
            datetime(2025, 3, 15, 1, tzinfo=timezone(timedelta(hours=5))),
            "on:today",
            days(2025, 3, 14),
        ),
        (
            datetime(2025, 3, 15, 22, tzinfo=timezone(timedelta(hours=-5))),
            "on:today",
            days(2025, 3, 16),
        ),
        (datetime(2025, 3, 15, 23, 59, 59, 999999, tzinfo=UTC), "on:today", days(2025, 3, 15)),
    ],
)
def test_relative_date_against_now(now: datetime, text: str, expected: Node) -> None:
    assert parse(text, now=now).root == expected


def test_dates_default_to_the_current_time() -> None:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    got = parse_query("on:today").root
    # allow for the clock passing midnight between the two lines
    assert got in (
        Published(today, today + timedelta(days=1)),
        Published(today + timedelta(days=1), today + timedelta(days=2)),
    )


# --- sort: and Query.order -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_root", "sort"),
    [
        ("sort:date", Everything(), "date"),
        ("sort:relevance", Everything(), "relevance"),
        ("sort:source", Everything(), "source"),
        ("SORT:Relevance", Everything(), "relevance"),
        ("sort:DATE", Everything(), "date"),
        ("gaza sort:date", GAZA, "date"),
        ("sort:date gaza truce", And((GAZA, TRUCE)), "date"),
        ("sort:date sort:source", Everything(), "source"),
        ("gaza", GAZA, None),
    ],
)
def test_sort(text: str, expected_root: Node, sort: str | None) -> None:
    query = parse(text)
    assert query == Query(expected_root, sort)


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("", "date"),
        ("gaza", "relevance"),
        ('"gaza truce"', "relevance"),
        ("gaza -hamas", "relevance"),
        ("--gaza", "relevance"),
        ("a OR -b", "relevance"),
        ("(a b) is:read", "relevance"),
        ("title:gaza", "date"),
        ("source:reuters", "date"),
        ('author:"ana lima"', "date"),
        ("title:gaza OR tag:war", "date"),
        ("gaza title:truce", "relevance"),
        ("title:gaza sort:relevance", "relevance"),
        ("-gaza", "date"),
        ("-(a OR b)", "date"),
        ("is:read", "date"),
        ("tag:war", "date"),
        ("person:katz", "date"),
        ("after:2025", "date"),
        ("!!!", "date"),
        ("gaza sort:date", "date"),
        ("gaza sort:source", "source"),
        ("is:read sort:relevance", "relevance"),
        ("sort:relevance", "relevance"),
    ],
)
def test_order(text: str, order: str) -> None:
    assert parse(text).order == order


def test_query_defaults() -> None:
    assert Query(Everything()) == Query(Everything(), None)
    assert Query(Everything()).order == "date"


# --- typing mode -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the last word, with nothing after it, is a prefix
        ("tru", T("tru", prefix=True)),
        ("gaza tru", And((GAZA, T("tru", prefix=True)))),
        ("Zür", T("zur", prefix=True)),
        # a growing word filters from its third letter
        ("tr", Everything()),
        ("gaza tr", GAZA),
        ("Zü", Everything()),
        ("tr gaza", And((T("tr"), T("gaza", prefix=True)))),
        ("israel's", T("israel")),  # a one-letter growing word is dropped
        ("israel's ne", T("israel", "s")),
        ("israel's new", And((T("israel", "s"), T("new", prefix=True)))),
        ("(gaza OR truce) cea", And((Or((GAZA, TRUCE)), T("cea", prefix=True)))),
        ("-ga", Everything()),  # an exclusion filters from its third letter
        ("-gaz", Not(T("gaz", prefix=True))),
        ("a OR tru", Or((A, T("tru", prefix=True)))),
        ("a OR tr", Everything()),
        # a word followed by a space (or anything else) is complete
        ("gaza tr ", And((GAZA, T("tr")))),
        ("gaza t ", And((GAZA, T("t")))),
        ("(gaza tr)", And((GAZA, T("tr")))),
        # a one- or two-letter growing word is dropped until the next letter
        ("t", Everything()),
        ("gaza t", GAZA),
        ("gaza -t", GAZA),
        ("gaza NOT t", GAZA),
        # quotes: an unclosed quote at the end is accepted, its last word a prefix
        ('"israel kat', T("israel", "kat", prefix=True)),
        ('"Israel Kat', T("israel", "kat", prefix=True)),
        ('"israel ka', T("israel")),
        ('"israel k', T("israel")),
        ('"israel katz"', T("israel", "katz")),
        ('"', Everything()),
        ('gaza "', GAZA),
        ('gaza "tru', And((GAZA, T("tru", prefix=True)))),
        ('gaza "tr', GAZA),
        # fields
        ("title:gaz", T("gaz", field="title", prefix=True)),
        ("title:ga", Everything()),
        ('title:"gaza tru', T("gaza", "tru", field="title", prefix=True)),
        ('title:"gaza tr', T("gaza", field="title")),
        ('title:"gaza tr"', T("gaza", "tr", field="title")),
        ("title:", Everything()),
        ('title:"', Everything()),
        ("gaza title:", GAZA),
        ("-title:", Everything()),
        ("tag:cli", Tag("cli", prefix=True)),
        ("tag:climate ", Tag("climate")),
        ("tag:", Everything()),
        ("person:ka", Everything()),  # a name filters from its third letter
        ("person:kat", Mention("kat", "person", prefix=True)),
        ('person:"Israel Ka', Mention("israel ka", "person", prefix=True)),
        ('person:"Israel Katz"', Mention("israel katz", "person")),
        ("entity:", Everything()),
        # is:/sort:/dates still being typed: no condition yet instead of an error
        ("is:", Everything()),
        ("is:un", Everything()),
        ("is:r", Everything()),
        ("is:STAR", Everything()),
        ("gaza is:un", GAZA),
        ("is:read", Flag("read")),
        ("is:unread", Flag("unread")),
        ("after:", Everything()),
        ("after:2", Everything()),
        ("after:202", Everything()),
        ("after:2025-", Everything()),
        ("after:2025-0", Everything()),
        ("after:2025/0", Everything()),
        ("on:2025-02-", Everything()),
        ("on:2025-02-0", Everything()),
        ("after:7", Everything()),
        ("after:tod", Everything()),
        ("on:Yest", Everything()),
        ("gaza after:2025-0", GAZA),
        ("after:2025-1", Published(day(2025, 1, 1), None)),
        ("on:2025-02-3", days(2025, 2, 3)),
        ("after:7d", Published(day(2025, 3, 8), None)),
        # - or NOT before nothing yet is ignored
        ("-", Everything()),
        ("gaza -", GAZA),
        ("gaza - ", GAZA),
        ('-"', Everything()),
        ('gaza -"', GAZA),
        ("NOT t", Everything()),
        ("-is:un", Everything()),
        ("-title:", Everything()),
    ],
)
def test_typing(text: str, expected: Node) -> None:
    assert root(text, typing=True) == expected


@pytest.mark.parametrize(
    ("text", "sort"),
    [("sort:", None), ("sort:rel", None), ("sort:d", None), ("sort:date", "date")],
)
def test_typing_sort(text: str, sort: str | None) -> None:
    assert parse(text, typing=True) == Query(Everything(), sort)


@pytest.mark.parametrize(
    "text",
    ["gaza tr", '"israel ka', "title:ga", "tag:cli", "person:ka", "is:read", "a OR b"],
)
def test_nothing_is_a_prefix_when_not_typing(text: str) -> None:
    def prefixes(node: Node) -> list[bool]:
        if isinstance(node, And | Or):
            return [p for child in node.children for p in prefixes(child)]
        if isinstance(node, Not):
            return prefixes(node.child)
        return [getattr(node, "prefix", False)]

    if text.startswith('"'):
        text += '"'
    assert not any(prefixes(root(text)))


def test_one_letter_words_are_kept_when_not_typing() -> None:
    assert root("gaza t") == And((GAZA, T("t")))
    assert root("t") == T("t")


# --- malformed queries -----------------------------------------------------------------

# (text, message fragment, start, end, still an error with typing=True); end None: the
# error's end is not checked.
ERRORS = [
    # unmatched )
    (")", "unmatched )", 0, 1, True),
    ("a)", "unmatched )", 1, 2, True),
    ("a ) b", "unmatched )", 2, 3, True),
    ("(a))", "unmatched )", 3, 4, True),
    ("(a) b)", "unmatched )", 5, 6, True),
    # missing ): the error points at the ( left open
    ("(", "missing ) for this (", 0, 1, True),
    ("(a", "missing ) for this (", 0, 1, True),
    ("(a OR b", "missing ) for this (", 0, 1, True),
    ("a (b", "missing ) for this (", 2, 3, True),
    ("((a)", "missing ) for this (", 0, 1, True),
    ("(a (b)", "missing ) for this (", 0, 1, True),
    ("a (b (c)", "missing ) for this (", 2, 3, True),
    ("(a (b", "missing ) for this (", 3, 4, True),
    ("-(a", "missing ) for this (", 1, 2, True),
    # empty ()
    ("()", "empty parentheses", 0, 2, True),
    ("( )", "empty parentheses", 0, 3, True),
    ("a ()", "empty parentheses", 2, 4, True),
    ("(())", "empty parentheses", 1, 3, True),
    ("-()", "empty parentheses", 1, 3, True),
    ("a OR ()", "empty parentheses", 5, 7, True),
    # OR at the start, at the end, doubled
    ("OR", "OR needs a term before it", 0, 2, True),
    ("OR a", "OR needs a term before it", 0, 2, True),
    ("a (OR b)", "OR needs a term before it", 3, 5, True),
    ("a OR", "OR needs a term on each side", 2, 4, True),
    ("a OR b OR", "OR needs a term on each side", 7, 9, True),
    ("(a OR)", "OR needs a term on each side", 3, 5, True),
    ("a OR OR b", "OR needs a term on each side", 2, 4, True),
    ("a OR AND b", "OR needs a term on each side", 2, 4, True),
    # AND at the start, at the end, doubled
    ("AND", "AND needs a term on each side", 0, 3, True),
    ("AND a", "AND needs a term on each side", 0, 3, True),
    ("(AND a)", "AND needs a term on each side", 1, 4, True),
    ("a AND", "AND needs a term on each side", 2, 5, True),
    ("(a AND)", "AND needs a term on each side", 3, 6, True),
    ("a AND AND b", "AND needs a term on each side", 2, 5, True),
    ("a AND OR b", "AND needs a term on each side", 2, 5, True),
    # unknown fields
    ("foo:bar", "unknown field foo:", 0, 4, True),
    ("FOO:bar", "unknown field foo:", 0, 4, True),
    ("foo:", "unknown field foo:", 0, 4, True),
    ("gaza foo:bar", "unknown field foo:", 5, 9, True),
    ('foo:"a b"', "unknown field foo:", 0, 4, True),
    ("https://example.com", "unknown field https:", 0, 6, True),
    # a field with no value
    ("title:", "title: needs a value", 0, 6, False),
    ("gaza title:", "title: needs a value", 5, 11, False),
    ("title: gaza", "title: needs a value", 0, 6, True),
    ('title:""', "title: needs a value", 0, 8, True),
    ('tag:"  "', "tag: needs a value", 0, 8, True),
    ("person:", "person: needs a value", 0, 7, False),
    ("is:", "is: needs a value", 0, 3, False),
    ("on:", "on: needs a value", 0, 3, False),
    ("sort:", "sort: needs a value", 0, 5, False),
    ("(title:)", "title: needs a value", 1, 7, True),
    # bad is: / sort: values
    ("is:rea", "is: takes read, unread, starred", 0, 6, False),
    ("is:un", "is: takes read, unread, starred", 0, 5, False),
    ("is:new", "is: takes", 0, 6, True),
    ("is:readx", "is: takes", 0, 8, True),
    ("is:un gaza", "is: takes", 0, 5, True),
    ("gaza is:archived", "is: takes", 5, 16, True),
    ("sort:rel", "sort: takes date, relevance, source", 0, 8, False),
    ("sort:newest", "sort: takes", 0, 11, True),
    ("sort:dates", "sort: takes", 0, 10, True),
    # impossible or malformed dates
    ("on:2025-13", "not a real date", 0, 10, True),
    ("after:2025-13", "not a real date", 0, 13, True),
    ("on:2025-00", "not a real date", 0, 10, True),
    ("on:2025-02-30", "not a real date", 0, 13, True),
    ("on:2025-02-29", "not a real date", 0, 13, True),
    ("on:1900-02-29", "not a real date", 0, 13, True),
    ("on:2025-04-31", "not a real date", 0, 13, True),
    ("before:2025-01-00", "not a real date", 0, 17, True),
    ("on:0000", "not a real date", 0, 7, False),  # 0000d is still to come
    ("gaza on:2025-02-30 x", "not a real date", 5, 18, True),
    ("on:202", "is not a date", 0, 6, False),
    ("on:20250", "is not a date", 0, 8, False),
    ("on:2025-", "is not a date", 0, 8, False),
    ("on:2025-1-", "is not a date", 0, 10, False),
    ("on:2025-001", "is not a date", 0, 11, True),
    ("on:2025.02", "is not a date", 0, 10, True),
    ("on:tomorrow", "is not a date", 0, 11, True),
    ("on:tod", "is not a date", 0, 6, False),
    ("after:7x", "is not a date", 0, 8, True),
    ("after:7", "is not a date", 0, 7, False),
    ("after:-7d", "is not a date", 0, 9, True),
    ("on:123456d", "is not a date", 0, 10, True),
    ("after:2025-02-03x", "is not a date", 0, 17, True),
    ("after:toda x", "is not a date", 0, 10, True),
    ("before:99999y", "before the year 1", 0, 13, True),
    ("on:30000m", "before the year 1", 0, 9, True),
    # unclosed quote when not typing: the error points at the quote
    ('"gaza', "unclosed quote", 0, 1, False),
    ('"', "unclosed quote", 0, 1, False),
    ('a "gaza truce', "unclosed quote", 2, 3, False),
    ('"a" "b', "unclosed quote", 4, 5, False),
    ('-"gaza', "unclosed quote", 1, 2, False),
    ('title:"gaza', "unclosed quote", 6, 7, False),
    ('person:"Israel', "unclosed quote", 7, 8, False),
    ('a title:"', "unclosed quote", 8, 9, False),
    # - or NOT with nothing to exclude
    ("-)", "nothing to exclude after -", 0, 1, True),
    ("(a -)", "nothing to exclude after -", 3, 4, True),
    ("(-)", "nothing to exclude after -", 1, 2, True),
    ("a -OR b", "nothing to exclude after -", 2, 3, True),
    ("a -AND b", "nothing to exclude after -", 2, 3, True),
    ("(NOT)", "nothing to exclude after NOT", 1, None, True),
    ("(a NOT)", "nothing to exclude after NOT", 3, None, True),
    ("NOT", "nothing to exclude after NOT", 0, None, False),
    ("a NOT", "nothing to exclude after NOT", 2, None, False),
    ("NOT OR a", "nothing to exclude after NOT", 0, None, True),
    ("NOT AND a", "nothing to exclude after NOT", 0, None, True),
    ("a OR NOT", "nothing to exclude after NOT", 5, None, False),
]


@pytest.mark.parametrize(
    ("text", "message", "start", "end"),
    [row[:4] for row in ERRORS],
    ids=[row[0] for row in ERRORS],
)
def test_error(text: str, message: str, start: int, end: int | None) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    error = caught.value
    assert message in error.message
    assert error.start == start
    if end is not None:
        assert error.end == end
    assert 0 <= error.start < error.end <= len(text)


@pytest.mark.parametrize(
    ("text", "message", "start", "end"),
    [row[:4] for row in ERRORS if row[4]],
    ids=[row[0] for row in ERRORS if row[4]],
)
def test_error_while_typing(text: str, message: str, start: int, end: int | None) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text, typing=True)
    assert message in caught.value.message
    assert caught.value.start == start
    if end is not None:
        assert caught.value.end == end


def test_error_is_a_value_error_with_a_readable_position() -> None:
    with pytest.raises(ValueError, match="unmatched") as caught:
        parse_query("gaza)")
    assert isinstance(caught.value, QueryError)
    assert str(caught.value) == "unmatched ) (at character 5)"
    assert QueryError("x", 3).end == 4
    assert QueryError("x", 3, 7).end == 7


# --- edge cases: extreme dates, deep nesting, odd letters, half-typed queries -------------


@pytest.mark.parametrize(
    "text", ["on:9999-12-31", "after:9999-12-31", "before:9999/12/31", "date:9999-12-31"]
)
def test_last_representable_day_is_a_query_error(text: str) -> None:
    with pytest.raises(QueryError, match="too far in the future"):
        parse(text)


@pytest.mark.parametrize(
    "text", ["(" * 1000 + "a" + ")" * 1000, "-" * 3000 + "a", "NOT " * 1000 + "a"]
)
def test_deep_nesting_is_a_query_error(text: str) -> None:
    with pytest.raises(QueryError, match=f"nested more than {MAX_NESTING} deep"):
        parse(text)


def test_nesting_up_to_the_limit_is_parsed() -> None:
    assert root("(" * MAX_NESTING + "gaza" + ")" * MAX_NESTING) == GAZA
    assert root("-" * MAX_NESTING + "gaza") == GAZA


# --- bounds: how much a query may hold ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("tag:a " * 1000, 1000),
        ("person:x " * 1000, 1000),
        ("is:read " * 1000, 1000),
        ("-a " * 2000, 2000),
        ("a " * 1000, 1000),
        (" OR ".join(f"w{n}" for n in range(MAX_TERMS + 1)), MAX_TERMS + 1),
    ],
    ids=["tags", "people", "flags", "negations", "words", "alternatives"],
)
@pytest.mark.parametrize("typing", [False, True])
def test_a_query_of_too_many_terms_is_refused(text: str, terms: int, typing: bool) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text, typing=typing)
    assert caught.value.message == f"query too long: {terms:,} terms (at most {MAX_TERMS})"
    starts = [m.start() for m in re.finditer(r"[^\s-]\S*", text) if m[0] != "OR"]
    assert caught.value.start == starts[MAX_TERMS], "it points at the first term too many"


def test_a_query_of_as_many_terms_as_allowed_is_parsed() -> None:
    words = [f"w{n}" for n in range(MAX_TERMS)]
    assert root(" ".join(words)) == And(tuple(T(word) for word in words))
    assert root(" ".join(f"tag:{word}" for word in words)) == And(tuple(Tag(w) for w in words))


def test_a_query_of_too_many_characters_is_refused() -> None:
    text = "x" * 100_000
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.message == f"query too long: 100,000 characters (at most {MAX_CHARS:,})"
    assert caught.value.start == MAX_CHARS
    assert root("x" * MAX_CHARS) == T("x" * MAX_CHARS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a a", A),
        ("a a a a", A),
        ("a b a b", And((A, B))),
        ("a OR a", A),
        ("a OR b OR a", Or((A, B))),
        ("-a -a", Not(A)),
        ("tag:x tag:X", Tag("x")),
        ("(a OR b) (b OR a)", And((Or((A, B)), Or((B, A))))),
        ("(a OR b) (a OR b)", Or((A, B))),
        ("a -a", And((A, Not(A)))),
    ],
)
def test_a_term_repeated_counts_once(text: str, expected: Node) -> None:
    assert root(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "is:" + "x" * 3000,
        "sort:" + "x" * 3000,
        "after:" + "9" * 3000,
        "on:" + "x" * 3000,
        "q" * 3000 + ":x",
    ],
)
def test_an_error_quotes_a_long_value_in_part(text: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert len(caught.value.message) < 200
    assert "…" in caught.value.message


@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        ("short", 0, "short"),
        ("a" * 30 + "X" + "b" * 30, 30, "…" + "a" * 20 + "X" + "b" * 19 + "…"),
        ("X" + "b" * 100, 0, "X" + "b" * 39 + "…"),
        ("a" * 100 + "X", 100, "…" + "a" * 39 + "X"),
    ],
)
def test_excerpt_is_a_short_window_around_the_place(text: str, at: int, expected: str) -> None:
    assert excerpt(text, at) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u210cello", T("hello")),
        ("\U0001d406\U0001d400\U0001d419\U0001d400", T("gaza")),
        ("ᴬb", T("ab")),
        ("Apple™", T("appletm")),
    ],
)
def test_compatibility_capitals_are_folded(text: str, expected: Node) -> None:
    assert root(text) == expected


def test_sort_inside_or_keeps_the_other_alternative() -> None:
    assert parse("gaza OR sort:date") == Query(GAZA, "date")


@pytest.mark.parametrize("text", ["person:!!!", "entity:-", 'org:"..."'])
def test_entity_value_without_words_is_not_an_empty_mention(text: str) -> None:
    try:
        got = root(text)
    except QueryError:
        return
    assert not (isinstance(got, Mention) and got.name == "")


@pytest.mark.parametrize("text", ["gaza NOT", "gaza NOT "])
def test_typing_trailing_not_is_ignored(text: str) -> None:
    assert root(text, typing=True) == GAZA


@pytest.mark.parametrize(
    ("text", "expected"),
    [('"israel ', T("israel")), ('title:"gaza ', T("gaza", field="title"))],
)
def test_typing_word_followed_by_space_in_open_quote_is_complete(text: str, expected: Node) -> None:
    assert root(text, typing=True) == expected


def test_typing_date_that_cannot_become_valid_is_an_error() -> None:
    with pytest.raises(QueryError):
        parse("after:123456", typing=True)
