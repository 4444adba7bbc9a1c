"""Searching the index: every operator by example, and (property) the index returns exactly
the articles a direct reading of the parsed query selects."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.article import Article, Entity
from store.entities import mention_names
from store.fold import fold, folded_name
from store.index import SearchIndex
from store.index.names import KIND_MARKS
from store.query import QueryError, parse_query
from store.query.nodes import (
    And,
    Everything,
    Flag,
    Mention,
    Node,
    Not,
    Or,
    Published,
    Query,
    Tag,
    Text,
    words_of,
)
from store.storage.library import create_store

NOW = datetime(2025, 3, 15, 12, tzinfo=UTC)

ARTICLES = [
    Article(id="tram", title="Tram line approved in Zürich", source="Neue Zürcher Zeitung",
            body="The council voted on Tuesday.", published="2025-03-14T08:00:00+00:00",
            tags=("Transport",)),
    Article(id="airport", title="Zurich airport expands", source="Reuters", author="Ana Lima",
            body="A new terminal opens for flights to Lisbon.",
            published="2025-03-01T09:00:00+00:00", tags=("travel", "transport")),
    Article(id="truce", title="Gaza ceasefire holds", source="AP", author="Sam Obi",
            body="Residents queued outside a cafe for bread. Israel Katz spoke.",
            published="2025-02-23T12:00:00+00:00",
            entities=(Entity(44, 55, "person", "Israel Katz"),)),
    Article(id="gazette", title="Gazette relaunches in print", source="Le Temps",
            body="The café owner said the hippopotamus mural would stay.",
            published="2024-12-31T23:59:59+00:00"),
    Article(id="train", title="Night train returns", source="Folha",
            body="Passengers in São Paulo cheered the night train.", published=""),
]  # fmt: skip


def indexed(
    folder: Path, articles: list[Article], flags: dict[str, tuple[bool, bool]]
) -> SearchIndex:
    """A store of ``articles`` in ``folder``, its index caught up, with reading ``flags``."""
    store = folder / "articles.json"
    create_store(store, articles)
    opened = SearchIndex.open(store)
    opened.catch_up(store)
    opened.set_flags((i, read, starred) for i, (read, starred) in flags.items())
    return opened


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    flags = {"tram": (True, False), "truce": (True, True), "train": (False, True)}
    opened = indexed(tmp_path_factory.mktemp("search"), ARTICLES, flags)
    yield opened
    opened.close()


def found(index: SearchIndex, text: str, typing: bool = False) -> list[str]:
    rows = index.rows(rowids := index.search(parse_query(text, typing=typing, now=NOW)))
    return [rows[rowid].id for rowid in rowids]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zurich tram", {"tram"}),
        ("zurich", {"tram", "airport"}),
        ("ZÜRICH", {"tram", "airport"}),
        ("zürcher", {"tram"}),
        ("cafe", {"truce", "gazette"}),
        ("café", {"truce", "gazette"}),
        ("sao paulo", {"train"}),
        ("hippopotamus", {"gazette"}),  # only in the body
        ("reuters airport", {"airport"}),  # source and title
        ("xylophone", set()),
        ('"night train"', {"train"}),
        ('"train night"', set()),
        ('"zurich airport"', {"airport"}),
        ("zurich -airport", {"tram"}),
        ("zurich NOT airport", {"tram"}),
        ("lisbon OR hippopotamus", {"airport", "gazette"}),
        ("(lisbon OR hippopotamus) -cafe", {"airport"}),
        ("title:zurich", {"tram", "airport"}),
        ("title:council", set()),
        ("source:reuters", {"airport"}),
        ('source:"le temps"', {"gazette"}),
        ("author:lima", {"airport"}),
        ("tag:transport", {"tram", "airport"}),
        ("tag:TRAVEL", {"airport"}),
        ("tag:trav", set()),
        ("person:katz", {"truce"}),
        ('person:"israel katz"', {"truce"}),
        ("entity:katz", {"truce"}),
        ("org:katz", set()),
        ("is:read", {"tram", "truce"}),
        ("is:unread", {"airport", "gazette", "train"}),
        ("is:starred", {"truce", "train"}),
        ("is:unread -is:starred", {"airport", "gazette"}),
        ("after:2025-03-01", {"tram", "airport"}),
        ("before:2025-01-01", {"gazette"}),
        ("on:2025-02-23", {"truce"}),
        ("date:2025-03", {"tram", "airport"}),
        ("date:2024", {"gazette"}),
        ("after:7d", {"tram"}),
        ("on:yesterday", {"tram"}),
        ("-is:read", {"airport", "gazette", "train"}),
        ("", {"tram", "airport", "truce", "gazette", "train"}),
    ],
)
def test_operator(index: SearchIndex, text: str, expected: set[str]) -> None:
    assert set(found(index, text)) == expected


def test_the_word_being_typed_is_a_prefix(index: SearchIndex) -> None:
    assert set(found(index, "gaz", typing=True)) == {"truce", "gazette"}
    assert found(index, "gaz") == []
    assert set(found(index, "tag:trav", typing=True)) == {"airport"}
    assert set(found(index, "person:kat", typing=True)) == {"truce"}
    everything = found(index, "")
    assert found(index, "g", typing=True) == everything, "one letter is not a filter yet"
    assert found(index, "person:ka", typing=True) == everything
    assert found(index, "zurich -ai", typing=True) == found(index, "zurich")
    assert found(index, "zurich -air", typing=True) == ["tram"]
    assert found(index, "tag:t", typing=True) == everything
    assert found(index, "person:k") == [], "a whole query is taken as it stands"


def test_date_order_is_newest_first_and_undated_last(index: SearchIndex) -> None:
    assert found(index, "") == ["tram", "airport", "truce", "gazette", "train"]
    assert found(index, "sort:date cafe") == ["truce", "gazette"]


def test_relevance_and_date_order_hold_the_same_articles(index: SearchIndex) -> None:
    assert sorted(found(index, "zurich")) == ["airport", "tram"]
    assert found(index, "zurich sort:date") == ["tram", "airport"]
    assert found(index, "is:unread sort:relevance") == ["airport", "gazette", "train"], (
        "no words to rank by: date order"
    )


def test_title_beats_body(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    body_only = Article(id="old", title="Budget", body="The storm passed.", published="2025-01-02")
    title = Article(id="new", title="Storm warning", body="Rain.", published="2025-01-01")
    create_store(store, [body_only, title])
    index = SearchIndex.open(store)
    index.catch_up(store)
    assert found(index, "storm") == ["new", "old"]
    assert found(index, "storm sort:date") == ["old", "new"]
    index.close()


def test_sort_by_source(index: SearchIndex) -> None:
    assert found(index, "sort:source") == ["truce", "train", "gazette", "tram", "airport"]


def test_thousands_of_undated_articles_get_distinct_keys(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    articles = [Article(id=f"u{i}", title=f"Undated {i}") for i in range(6_000)]
    create_store(store, articles[:5_000])
    index = SearchIndex.open(store)
    index.catch_up(store)
    store.unlink()
    create_store(store, articles)
    index.catch_up(store)
    assert index.count() == 6_000
    assert len(found(index, "undated")) == 6_000
    index.close()


# --- property: results are exactly what the query selects -----------------------------------

VOCABULARY = ["gaza", "truce", "zürich", "zurich", "café", "bank", "rent", "rents", "cap",
              "storm", "paris", "oslo", "naïve", "river", "rates", "Über", "uber"]  # fmt: skip
SOURCES = ["Reuters", "AP", "Le Monde", "Neue Zürcher Zeitung"]
AUTHORS = ["", "Ana Lima", "Sam Obi", "Zoë Park"]
TAGS = ["world", "economy", "Politics", "café"]


NAMED = [("person", "Ana Lima"), ("person", "Sam Obi"), ("place", "Oslo"),
         ("place", "Gaza City"), ("org", "NATO"), ("org", "Red Cross")]  # fmt: skip


def _corpus() -> list[Article]:
    pick = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)

    def words(low: int, high: int) -> str:
        return " ".join(pick.choice(VOCABULARY) for _ in range(pick.randint(low, high)))

    def mentioning(body: str) -> tuple[str, tuple[Entity, ...]]:
        entities = []
        for kind, name in pick.sample(NAMED, pick.randint(0, 3)):
            body += " "
            entities.append(Entity(len(body), len(body) + len(name), kind, name))
            body += name
        return body + ".", tuple(entities)

    articles = []
    for i in range(60):
        moment = start + timedelta(hours=pick.randint(0, 24 * 500))
        body, entities = mentioning(words(5, 30) + ".\n\n" + words(0, 10))
        articles.append(
            Article(
                id=f"a{i:02d}",
                title=words(2, 5).capitalize(),
                body=body,
                entities=entities,
                source=pick.choice(SOURCES),
                author=pick.choice(AUTHORS),
                published="" if i % 13 == 0 else moment.isoformat(),
                tags=tuple(pick.sample(TAGS, pick.randint(0, 2))),
            )
        )
    return articles


CORPUS = _corpus()
CORPUS_FLAGS = {a.id: (i % 3 == 0, i % 4 == 1) for i, a in enumerate(CORPUS)}


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    opened = indexed(tmp_path_factory.mktemp("corpus"), CORPUS, CORPUS_FLAGS)
    yield opened
    opened.close()


def _columns(article: Article) -> dict[str, tuple[str, ...]]:
    return {
        "title": words_of(article.title),
        "source": words_of(article.source),
        "author": words_of(article.author),
        "body": words_of(article.body),
        "tags": words_of(" ".join(article.tags)),
    }


def _has_phrase(tokens: tuple[str, ...], text: Text) -> bool:
    n = len(text.words)
    for at in range(len(tokens) - n + 1):
        window = tokens[at : at + n]
        if window[:-1] == text.words[:-1] and (
            window[-1].startswith(text.words[-1]) if text.prefix else window[-1] == text.words[-1]
        ):
            return True
    return False


def _published(article: Article) -> datetime | None:
    return datetime.fromisoformat(article.published) if article.published else None


def selects(node: Node, article: Article) -> bool:
    """What the query means, read directly off the tree."""
    if isinstance(node, Everything):
        return True
    if isinstance(node, Text):
        columns = _columns(article)
        chosen = [columns[node.field]] if node.field else list(columns.values())
        return any(_has_phrase(tokens, node) for tokens in chosen)
    if isinstance(node, Not):
        return not selects(node.child, article)
    if isinstance(node, And):
        return all(selects(child, article) for child in node.children)
    if isinstance(node, Or):
        return any(selects(child, article) for child in node.children)
    if isinstance(node, Tag):
        tags = [fold(tag) for tag in article.tags]
        return any(t.startswith(node.value) if node.prefix else t == node.value for t in tags)
    if isinstance(node, Flag):
        read, starred = CORPUS_FLAGS[article.id]
        return {"read": read, "unread": not read, "starred": starred}[node.name]
    if isinstance(node, Published):
        moment = _published(article)
        if moment is None:
            return False
        return (node.start is None or moment >= node.start) and (
            node.end is None or moment < node.end
        )
    assert isinstance(node, Mention)
    kinds = KIND_MARKS if node.kind is None else (node.kind,)
    names = {(kind, folded_name(name)) for kind, name in mention_names(article.entities or ())}
    return any(
        kind in kinds and (name.startswith(node.name) if node.prefix else name == node.name)
        for kind, name in names
    )


def _prefixes(word: str) -> list[str]:
    return [word[:k] for k in range(1, len(word) + 1)]


_WORD = st.sampled_from(VOCABULARY).flatmap(lambda w: st.sampled_from(_prefixes(w)))
_TERM = st.one_of(
    _WORD,
    _WORD.map(str.upper),
    st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=3).map(
        lambda ws: '"' + " ".join(ws) + '"'
    ),
    st.builds("{}:{}".format, st.sampled_from(["title", "source", "author"]), _WORD),
    st.sampled_from(["source:reuters", 'source:"le monde"', "author:lima", "author:zoe"]),
    st.sampled_from(TAGS).map(lambda t: f"tag:{t}"),
    st.sampled_from(["is:read", "is:unread", "is:starred"]),
    st.builds(
        "{}:{}".format,
        st.sampled_from(["person", "place", "org", "entity"]),
        st.sampled_from(["lima", '"ana lima"', "obi", "oslo", '"gaza city"', "nato", "cross"]),
    ),
    st.sampled_from(["person:ana", "place:gaz", "org:red", "entity:sam"]),
    st.sampled_from(["after:2024-06", "before:2024-03-15", "date:2025-01", "on:2024"]),
)


@st.composite
def queries(draw: st.DrawFn) -> str:
    def unit() -> str:
        term = draw(_TERM)
        shape = draw(st.sampled_from(["plain", "plain", "not", "or", "group"]))
        if shape == "not":
            return "-" + term
        if shape == "or":
            return f"{term} OR {draw(_TERM)}"
        if shape == "group":
            return f"({term} OR -{draw(_TERM)})"
        return term

    return " ".join(unit() for _ in range(draw(st.integers(1, 3))))


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=queries(), typing=st.booleans())
def test_results_are_exactly_what_the_query_selects(
    corpus_index: SearchIndex, text: str, typing: bool
) -> None:
    try:
        query = parse_query(text, typing=typing, now=NOW)
    except QueryError:
        return
    rowids = corpus_index.search(query)
    rows = corpus_index.rows(rowids)
    got = [rows[rowid].id for rowid in rowids]
    assert len(got) == len(set(got)), "an article listed twice"
    expected = {a.id for a in CORPUS if selects(query.root, a)}
    assert set(got) == expected, query
    if query.order == "date":
        moments = [_published(a) for a in CORPUS if a.id in expected]
        order = sorted(moments, key=lambda m: (m is None, -(m.timestamp() if m else 0)))
        by_id = {a.id: _published(a) for a in CORPUS}
        assert [by_id[i] for i in got] == order


def test_a_query_of_every_kind_parses_to_a_tree(corpus_index: SearchIndex) -> None:
    query = parse_query("(rent OR cap) -gaza title:storm tag:world is:unread after:2024-06")
    assert isinstance(query, Query)
    assert isinstance(query.root, And)
    assert {a.id for a in CORPUS if selects(query.root, a)} == {
        corpus_index.rows([r])[r].id for r in corpus_index.search(query)
    }


# --- large stores are streamed into the index ------------------------------------------------


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    from store.storage import file

    monkeypatch.setattr(file, "STREAM_ABOVE_BYTES", 0)


@pytest.mark.usefixtures("streamed")
def test_a_streamed_store_is_indexed_like_a_read_one(tmp_path: Path) -> None:
    streamed_index = indexed(tmp_path, CORPUS, CORPUS_FLAGS)
    for text in ("rent", "zurich -cafe", "tag:world", "is:unread after:2024-06", ""):
        query = parse_query(text, now=NOW)
        expected = {a.id for a in CORPUS if selects(query.root, a)}
        rows = streamed_index.rows(rowids := streamed_index.search(query))
        assert {rows[r].id for r in rowids} == expected, text
    streamed_index.close()


@pytest.mark.usefixtures("streamed")
def test_catching_up_a_streamed_store_applies_only_the_changes(tmp_path: Path) -> None:
    import orjson

    index = indexed(tmp_path, CORPUS, {})
    store = tmp_path / "articles.json"
    tables = orjson.loads(store.read_bytes())
    docs = tables["articles"]
    first, second = sorted(docs)[:2]
    docs[first]["title"] = "Hippopotamus parade"
    del docs[second]
    docs["9999"] = {"id": "new", "title": "Hippopotamus again", "body": "x"}
    docs["10000"] = {"id": "empty"}  # no title, summary or body
    store.write_bytes(orjson.dumps(tables))
    report = index.catch_up(store)
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert [r.item for r in report.rejects] == ["document 10000"]
    assert set(found(index, "hippopotamus")) == {"new", docs[first]["id"]}
    assert index.count() == len(CORPUS)
    index.close()


@pytest.mark.usefixtures("streamed")
def test_a_broken_streamed_store_is_a_store_error(tmp_path: Path) -> None:
    from store.errors import StoreError

    index = indexed(tmp_path, CORPUS[:3], {})
    store = tmp_path / "articles.json"
    store.write_bytes(store.read_bytes()[:-40])
    with pytest.raises(StoreError, match="not valid JSON"):
        index.catch_up(store)
    assert not index.in_step(store), "an interrupted catch-up is redone next time"
    index.close()


def test_a_keystroke_shows_a_common_word_newest_first_and_the_whole_result_ranked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.index import searcher

    monkeypatch.setattr(searcher, "RANK_WINDOW", 3)
    monkeypatch.setattr(searcher, "RANK_WHILE_TYPING", 6)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    articles = [
        Article(
            id=f"a{i:02d}",
            title="Storm and walrus" if i == 10 else "Harbour news",
            body="A storm passed." + (" Rare walrus." if i in (10, 11) else ""),
            published=(start + timedelta(days=i)).isoformat(),
        )
        for i in range(12)
    ]
    index = indexed(tmp_path, articles, {})

    def ids(rowids: list[int]) -> list[str]:
        rows = index.rows(rowids)
        return [rows[rowid].id for rowid in rowids]

    newest = [f"a{i:02d}" for i in range(11, 3, -1)]

    quick, in_order = index.search_first(parse_query("storm"), 8)
    assert ids(quick) == newest and not in_order, "12 of 12 match: not ranked while typing"
    ranked = index.search(parse_query("storm"))
    assert ids(ranked)[0] == "a10", "the whole result is ranked: the title counts most"
    rare, in_order = index.search_first(parse_query("walrus"), 8)
    assert in_order and ids(rare) == ["a10", "a11"], "two matches: ranked at once"
    index.close()
