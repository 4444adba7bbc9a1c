"""Entity names filed as words (``store.index.names``): any name is one word, found whole or
by its beginning, never confused with another kind's; names learnt after indexing are kept
in step with the article."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from string import ascii_lowercase, digits

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.article import Article, Entity
from store.index import SearchIndex, searcher
from store.index.names import KIND_MARKS, names_match, names_text, token
from store.index.schema import connect
from store.query import parse_query
from store.storage.atomic import AtomicJSONStorage, read_tables
from store.storage.library import create_store

NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)
KINDS = st.sampled_from(sorted(KIND_MARKS))


def matching(conn: sqlite3.Connection, kind: str | None, name: str, prefix: bool) -> set[int]:
    sql = "SELECT rowid FROM names WHERE names MATCH ?"
    return {row[0] for row in conn.execute(sql, (names_match(kind, name, prefix),))}


def spellings(name: str) -> set[str]:
    """A name as typed, with its apostrophes all straight, and all curly."""
    return {name, name.replace("'", "\u2019"), name.replace("\u2019", "'")}


def test_an_apostrophe_matches_both_its_forms() -> None:
    conn = connect(None)
    filed = [("person", "sean o\u2019brien"), ("person", "o'neill"), ("org", "o\u2019brien")]
    for rowid, pair in enumerate(filed, 1):
        conn.execute("INSERT INTO names(rowid, forms) VALUES (?, ?)", (rowid, names_text([pair])))
    assert matching(conn, "person", "sean o'brien", prefix=False) == {1}
    assert matching(conn, "person", "sean o'bri", prefix=True) == {1}
    assert matching(conn, "person", "o\u2019neill", prefix=False) == {2}
    assert matching(conn, None, "o'brien", prefix=False) == {3}
    conn.close()


@given(KINDS, NAMES, NAMES)
def test_a_name_is_one_word_and_its_beginning_a_prefix_of_it(
    kind: str, head: str, tail: str
) -> None:
    word = token(kind, head + tail)
    assert word.startswith(token(kind, head))
    # the tokenizer splits at ASCII characters other than letters and digits, and folds case
    assert all(not char.isascii() or char in ascii_lowercase + digits for char in word)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(KINDS, NAMES), min_size=1, max_size=8), KINDS, NAMES)
def test_searches_find_exactly_the_articles_filed_under_a_name(
    filed: list[tuple[str, str]], kind: str, name: str
) -> None:
    conn = connect(None)
    for rowid, pair in enumerate(filed, 1):
        conn.execute("INSERT INTO names(rowid, forms) VALUES (?, ?)", (rowid, names_text([pair])))
    rows = dict(enumerate(filed, 1))
    probes = [(kind, name), *filed, (filed[0][0], filed[0][1][:2])]
    for probe_kind, probe in probes:
        forms = spellings(probe)
        exact = {r for r, (k, n) in rows.items() if k == probe_kind and n in forms}
        begun = {r for r, (k, n) in rows.items() if k == probe_kind and n.startswith(tuple(forms))}
        anykind = {r for r, (_, n) in rows.items() if n in forms}
        assert matching(conn, probe_kind, probe, prefix=False) == exact
        assert matching(conn, probe_kind, probe, prefix=True) == begun
        assert matching(conn, None, probe, prefix=False) == anykind
    conn.close()


def integrity(index: SearchIndex) -> None:
    index.conn.execute("INSERT INTO names(names) VALUES ('integrity-check')")


def test_names_learnt_after_indexing_are_searched_and_forgotten_with_the_article(
    tmp_path: Path,
) -> None:
    body = "Israel Katz met Ana Lima in Lisbon."
    store = tmp_path / "articles.json"
    katz = Entity(0, 11, "person", "Israel Katz")
    article = Article(
        id="a", title="Talks", body=body, published="2025-03-01T08:00:00+00:00", entities=(katz,)
    )
    create_store(store, [article])
    index = SearchIndex.open(store)
    index.catch_up(store)
    (rowid,) = index.search(parse_query("person:katz"))
    lisbon = parse_query('place:"lisbon"')
    assert index.search(lisbon) == []
    for _ in range(2):  # learning the same names twice files them once
        index.learn_entities(
            dataclasses.replace(article, entities=(katz, Entity(28, 34, "place", "Lisbon")))
        )
    assert index.search(lisbon) == index.search(parse_query("person:katz")) == [rowid]
    integrity(index)

    tables = read_tables(store)
    tables["articles"] = {}
    AtomicJSONStorage(store).write(tables)
    index.catch_up(store)
    assert index.search(parse_query("entity:katz")) == index.search(lisbon) == []
    assert index.conn.execute("SELECT count(*) FROM names").fetchone() == (0,)
    integrity(index)
    index.close()


def test_a_prefix_expands_to_the_names_it_begins_or_stays_a_prefix() -> None:
    gaza, gaziantep = token("place", "gaza"), token("place", "gaziantep")
    assert names_match("place", "gaz", True, lambda start: [gaza, gaziantep]) == (
        f'("{gaza}" OR "{gaziantep}")'
    )
    assert names_match("place", "gaz", True, lambda start: None) == f'"{token("place", "gaz")}"*'
    assert names_match("place", "gaz", True, lambda start: []) == f'"{token("place", "gaz")}"'
    assert names_match("place", "gaza", False, lambda start: [gaziantep]) == f'"{gaza}"'


def test_expanded_prefixes_find_what_prefix_queries_find(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``name_tokens`` keeps every name ever filed: one whose article is gone expands the
    prefix but finds nothing; past ``EXPAND_AT_MOST`` names the prefix query answers."""
    places = ["Gaza", "Gaziantep", "Gazipur", "Ghent", "Gaza City"]
    articles = [
        Article(
            id=f"a{i}",
            title=place,
            body=f"News from {place}.",
            published=f"2025-03-0{i + 1}T08:00:00+00:00",
            entities=(Entity(10, 10 + len(place), "place", place),),
        )
        for i, place in enumerate(places)
    ]
    store = tmp_path / "articles.json"
    create_store(store, articles)
    index = SearchIndex.open(store)
    index.catch_up(store)
    tables = read_tables(store)
    del tables["articles"][next(k for k, d in tables["articles"].items() if d["id"] == "a2")]
    AtomicJSONStorage(store).write(tables)
    index.catch_up(store)
    assert index.conn.execute("SELECT count(*) FROM name_tokens").fetchone() == (5,)
    typed = ["place:gaz", "place:gaza", "place:g", "place:gazi", "-place:gaz", "place:x"]
    expanded = {text: index.search(parse_query(text, typing=True)) for text in typed}
    monkeypatch.setattr(searcher, "EXPAND_AT_MOST", 1)
    assert {text: index.search(parse_query(text, typing=True)) for text in typed} == expanded

    def titles(text: str) -> list[str]:
        rows = index.rows(expanded[text])
        return [rows[rowid].title for rowid in expanded[text]]

    assert titles("place:gaz") == ["Gaza City", "Gaziantep", "Gaza"]
    assert titles("place:gazi") == ["Gaziantep"]
    assert titles("-place:gaz") == ["Ghent"]
    index.close()
