"""``store.query.match``: a query matched in Python finds exactly what the search index
finds, for every kind of term, over articles with real entities (what rules on arrival
rely on: they judge articles before they are indexed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.article import Article, article_from_document
from store.entities import with_entities
from store.index import SearchIndex
from store.index.names import entity_names, mentions_in
from store.query import parse_query
from store.query.match import Subject, matches
from store.storage.library import create_store, seed_articles

_HAND_MADE = [
    Article(
        id="hand-1",
        title="O\u2019Brien\u2019s café reopens in Zürich",
        body=(
            "Sean O\u2019Brien said on Monday that the café would reopen.\n\n"
            "AT&T paid 1,200 francs."
        ),
        source="Le Temps",
        author="Anne-Marie Dupont",
        published="2025-02-23T10:00:00+00:00",
        tags=("Food", "zurich-news"),
        extra={"feed": "https://feeds.example/temps.xml"},
    ),
    Article(
        id="hand-2",
        title="Sponsored: the best mattresses",
        body="This is a paid post by a sponsor.",
        source="Ads Weekly",
        published="",
        extra={"feed": "https://feeds.example/ads.xml"},
    ),
]

_QUERIES = [
    "zurich",
    "zürich",
    "cafe",
    '"would reopen"',
    '"reopen would"',
    "title:sponsored",
    "source:temps",
    "author:dupont",
    "tag:food",
    "tag:zurich-news",
    "-tag:food",
    'person:"o\'brien"',
    "person:o\u2019brien",
    "org:at&t",
    "entity:zurich",
    "place:zurich OR place:geneva",
    "is:unread",
    "-is:read",
    "is:starred",
    "on:2025-02-23",
    "after:2024-03-10",
    "before:2024-03-05 -tag:food",
    'feed:"https://feeds.example/ads.xml"',
    "-feed:https://feeds.example/temps.xml",
    "(paid OR sponsor) -title:best",
    "francs NOT debated",
    'person:"marc o\'brien" place:basel',
    "person:keller OR org:at&t",
    "sort:date cafe",
]


_PLACES = ("Zürich", "Geneva", "Basel", "Lausanne")
_PEOPLE = ("Anna Keller", "Marc O'Brien", "Lea Frey")


def _made(n: int) -> Article:
    place, person = _PLACES[n % 4], _PEOPLE[n % 3]
    body = (
        f"Residents of {place} debated the plan on Monday, {person} said.\n\n"
        f"Officials said it would cost {1000 + 37 * n} francs; café owners were naïve."
    )
    return Article(
        id=f"art-{n}",
        title=f"Plan debated in {place} (story {n})",
        body=body,
        source=("Reuters", "Le Temps", "Folha")[n % 3],
        author=f"Reporter {n % 3}",
        published=f"2024-03-{1 + n % 28:02d}T{n % 24:02d}:00:00+00:00",
        tags=("food",) if n % 5 == 0 else ("plan", place),
        extra={"feed": f"https://feeds.example/{n % 2}.xml"} if n % 3 else {},
    )


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SearchIndex, dict[int, Subject]]]:
    """The search index of a store, and each of its articles as a query sees it before it
    is stored (its document without entities, and the names its entities file it under)."""
    path = tmp_path_factory.mktemp("match") / "articles"
    seeds = seed_articles(Path(__file__).parents[3] / "seeds")
    articles = [with_entities(a) for a in [*map(_made, range(40)), *seeds, *_HAND_MADE]]
    create_store(path, articles)
    index = SearchIndex.open(path)
    index.catch_up(path)
    rowids = index.search(parse_query("sort:date"))
    subjects = {}
    for rowid, doc in zip(rowids, index.documents(rowids), strict=True):
        article = article_from_document(doc)
        bare = dataclasses.replace(article, entities=None).to_document()
        names = mentions_in(entity_names(article.entities or ()))
        subjects[rowid] = Subject(bare, lambda names=names: names)
    assert len(subjects) == len(articles)
    yield index, subjects
    index.close()


def _agree(
    index: SearchIndex, subjects: dict[int, Subject], text: str, typing: bool = False
) -> set[int]:
    query = parse_query(text, typing=typing)
    found = set(index.search(query))
    assert {r for r, s in subjects.items() if matches(query.root, s)} == found, text
    return found


def test_every_kind_of_term_finds_what_the_index_finds(world) -> None:
    index, subjects = world
    found = {text: _agree(index, subjects, text) for text in _QUERIES}
    # Not vacuous: the terms match some articles and not others.
    assert all(found[text] for text in ("zurich", "person:o\u2019brien", "org:at&t", "tag:food"))
    assert not found['"reopen would"'] and not found["is:starred"]
    assert len(found['feed:"https://feeds.example/ads.xml"']) == 1


@pytest.mark.parametrize(
    "text", ["zuri", '"would reo', "person:o'bri", "place:zur", "tag:fo", "cafe -deba"]
)
def test_a_word_being_typed_matches_as_a_prefix(world, text: str) -> None:
    index, subjects = world
    assert _agree(index, subjects, text, typing=True)


_WORDS = st.sampled_from(
    [
        "zurich",
        "cafe",
        "francs",
        "debated",
        "residents",
        "naive",
        "officials",
        "reopen",
        "plan",
        "monday",
        "sponsor",
        "geneva",
        "story",
        "the",
    ]
)
_TERMS = st.one_of(
    _WORDS,
    _WORDS.map(lambda w: f"title:{w}"),
    st.tuples(_WORDS, _WORDS).map(lambda ws: f'"{ws[0]} {ws[1]}"'),
    st.sampled_from(
        [
            "tag:food",
            "place:zurich",
            "person:o'brien",
            "source:reuters",
            "is:unread",
            "after:2024-03-08",
            "author:reporter",
        ]
    ),
)
_QUERY_TEXT = st.lists(
    st.tuples(st.sampled_from(["", "-", "OR "]), _TERMS), min_size=1, max_size=4
).map(
    lambda parts: " ".join(
        ("" if i == 0 and op == "OR " else op) + term for i, (op, term) in enumerate(parts)
    )
)


@settings(max_examples=150, deadline=None)
@given(text=_QUERY_TEXT)
def test_combined_queries_agree_with_the_index(world, text: str) -> None:
    index, subjects = world
    _agree(index, subjects, text)
