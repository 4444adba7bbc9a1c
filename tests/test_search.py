"""TextFilter: word matching, case and accent folding, and incremental narrowing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.article import Article
from store.fold import fold
from store.search import TextFilter, query_words

MakeArticles = Callable[[int], list[Article]]

ARTICLES = [
    Article(id="0", title="Tram line approved in Zürich", source="Neue Zürcher Zeitung",
            body="The council voted on Tuesday."),
    Article(id="1", title="Zurich airport expands", source="Reuters",
            body="A new terminal opens for flights to Lisbon."),
    Article(id="2", title="Gaza ceasefire holds", source="AP",
            body="Residents queued outside a cafe for bread."),
    Article(id="3", title="Gazette relaunches in print", source="Le Temps",
            body="The café owner said the hippopotamus mural would stay."),
    Article(id="4", title="Night train returns", source="Folha",
            body="Passengers in São Paulo cheered."),
]  # fmt: skip


@pytest.fixture
def search() -> Callable[[str], list[int]]:
    return TextFilter(ARTICLES).search


def fresh(query: str, articles: list[Article] = ARTICLES) -> list[int]:
    return TextFilter(articles).search(query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zurich tram", [0]),
        ("tram zurich", [0]),
        ("zurich", [0, 1]),
        ("zurich lisbon", [1]),
        ("zurich gaza", []),
        ("reuters airport", [1]),  # source and title
        ("zeitung council", [0]),  # source and body
        ("hippopotamus", [3]),  # only in the body
        ("xylophone", []),
    ],
)
def test_every_word_must_match_somewhere(
    search: Callable[[str], list[int]], query: str, expected: list[int]
) -> None:
    assert search(query) == expected


@pytest.mark.parametrize("query", ["GAZA", "gaza", "GaZa", "  gaza  "])
def test_case_and_surrounding_space_do_not_matter(
    search: Callable[[str], list[int]], query: str
) -> None:
    assert search(query) == [2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zurich", [0, 1]),  # plain query finds "Zürich" and "Zurich"
        ("Zürich", [0, 1]),  # accented query finds plain text too
        ("ZÜRICH", [0, 1]),
        ("zürcher", [0]),
        ("cafe", [2, 3]),  # "cafe" and "café"
        ("café", [2, 3]),
        ("sao paulo", [4]),
        ("São", [4]),
    ],
)
def test_accents_are_ignored_both_ways(
    search: Callable[[str], list[int]], query: str, expected: list[int]
) -> None:
    assert search(query) == expected


@pytest.mark.parametrize("query", ["", "   ", "\t\n", '""'])
def test_empty_query_returns_everything_in_order(
    search: Callable[[str], list[int]], query: str
) -> None:
    search("zurich")  # a previous narrow result must not leak into the empty query

    assert search(query) == list(range(len(ARTICLES)))


def test_quotes_around_words_are_ignored(search: Callable[[str], list[int]]) -> None:
    assert search("\"zurich\" 'tram'") == [0]


def test_narrowing_while_typing_matches_a_fresh_filter(search: Callable[[str], list[int]]) -> None:
    assert search("gaz") == [2, 3]
    assert search("gaza") == fresh("gaza") == [2]
    assert search("gaza cease") == fresh("gaza cease") == [2]


def test_widening_after_deleting_characters_is_correct(search: Callable[[str], list[int]]) -> None:
    assert search("gaza") == [2]
    assert search("gaz") == fresh("gaz") == [2, 3]
    assert search("zurich tram") == [0]
    assert search("zurich") == fresh("zurich") == [0, 1]
    assert search("zurich lisbon") == [1]
    assert search("lisbon") == fresh("lisbon") == [1]


def test_replacing_a_word_is_not_mistaken_for_narrowing(
    search: Callable[[str], list[int]],
) -> None:
    assert search("cafe") == [2, 3]
    assert search("tram") == [0]
    assert search("tram cafe") == []
    assert search("cafe") == [2, 3]


def test_generated_articles_are_searchable(make_articles: MakeArticles) -> None:
    articles = make_articles(10)
    expected = [i for i, a in enumerate(articles) if "Zürich" in a.title]
    assert expected

    assert fresh("zurich", articles) == expected
    assert fresh("naive", articles) == [i for i, a in enumerate(articles) if "naïve" in a.body]


# --- property: incremental results always equal a from-scratch search ----------------------


def _brute_force(articles: list[Article], query: str) -> list[int]:
    words = query_words(query)
    return [
        i
        for i, a in enumerate(articles)
        if all(word in fold(f"{a.title}\n{a.source}\n{a.body}") for word in words)
    ]


def _vocabulary(articles: list[Article]) -> list[str]:
    text = " ".join(f"{a.title} {a.source} {a.body}" for a in articles)
    return sorted(set(re.findall(r"\w+", text)))


def _queries(vocabulary: list[str]) -> st.SearchStrategy[str]:
    prefix = st.sampled_from(vocabulary).flatmap(
        lambda word: st.integers(1, len(word)).map(lambda k: word[:k])
    )
    noise = st.text(alphabet="aeizüéÜ\"' ", max_size=4)
    word = st.one_of(prefix, prefix.map(str.upper), noise)
    return st.lists(word, max_size=3).map(" ".join)


def _typing(query: str) -> list[str]:
    """What the search box holds while ``query`` is typed and then erased again."""
    typed = [query[:k] for k in range(len(query) + 1)]
    return typed + typed[::-1]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # stateless factory
)
@given(data=st.data())
def test_incremental_search_equals_fresh_search(
    make_articles: MakeArticles, data: st.DataObject
) -> None:
    articles = make_articles(14)
    queries = _queries(_vocabulary(articles))
    steps = data.draw(st.lists(st.one_of(queries.map(lambda q: [q]), queries.map(_typing))))
    history = [query for step in steps for query in step]
    final = data.draw(queries)

    live = TextFilter(articles)
    for query in [*history, final]:
        expected = _brute_force(articles, query)
        assert fresh(query, articles) == expected
        assert live.search(query) == expected, f"after {history!r}"
