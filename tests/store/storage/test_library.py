"""open_store, create_store and seed_articles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from store.article import SCHEMA_VERSION, Article, Entity, content_id
from store.errors import StoreError
from store.seed import parse_seed
from store.storage.atomic import read_tables
from store.storage.library import create_store, open_store, seed_articles

MakeArticles = Callable[[int], list[Article]]


def _write_tables(path: Path, tables: dict[str, Any]) -> bytes:
    raw = orjson.dumps(tables)
    path.write_bytes(raw)
    return raw


def _store_of(path: Path, *docs: Any) -> Path:
    """A store file whose ``articles`` table holds ``docs`` under ids "1", "2", ..."""
    articles = {str(i): doc for i, doc in enumerate(docs, start=1)}
    _write_tables(path, {"meta": {"1": {"schema_version": 1}}, "articles": articles})
    return path


# --- round trips ---------------------------------------------------------------------------


def test_round_trip_keeps_every_field_newest_first(
    tmp_path: Path, make_articles: MakeArticles
) -> None:
    articles = make_articles(9)
    newest_first = sorted(articles, key=lambda a: a.published, reverse=True)
    assert articles != newest_first, "fixture should not already be sorted"
    path = tmp_path / "articles.json"

    create_store(path, articles)
    store = open_store(path)

    assert store.articles == newest_first
    assert store.rejects == []
    assert len(store) == 9
    assert store.get("art-004") == articles[4]
    assert store.get("nope") is None


def test_round_trip_keeps_entities_tags_and_extra(tmp_path: Path) -> None:
    body = "Alice met Bob in Zürich."
    article = Article(
        id="x1",
        title="Café talk",
        body=body,
        published="2024-05-01T12:00:00+02:00",
        tags=("people", "Zürich"),
        entities=(Entity(0, 5, "person", "Alice"), Entity(17, 23, "place", "Zürich")),
        extra={"feed_rank": 3, "via": {"name": "rss", "ids": [1, 2]}},
    )
    path = tmp_path / "articles.json"

    create_store(path, [article])

    assert open_store(path).articles == [replace(article, published="2024-05-01T10:00:00+00:00")]


def test_dates_are_stored_in_utc_and_sorted_by_time_not_text(tmp_path: Path) -> None:
    east = Article(id="east", title="East", body="x", published="2025-02-23T01:00:00+05:00")
    west = Article(id="west", title="West", body="y", published="2025-02-22T23:00:00+00:00")
    naive = Article(id="naive", title="Naive", body="z", published="2025-02-22T21:00:00")
    path = tmp_path / "articles.json"

    create_store(path, [east, west, naive])
    store = open_store(path)

    assert [a.id for a in store.articles] == ["west", "naive", "east"]
    assert store.get("east").published == "2025-02-22T20:00:00+00:00"
    assert store.get("naive").published == "2025-02-22T21:00:00+00:00"


def test_create_store_writes_schema_version_and_creates_folders(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "articles.json"

    create_store(path, [])

    tables = read_tables(path)
    assert list(tables["meta"].values()) == [{"schema_version": SCHEMA_VERSION}]
    assert tables["articles"] == {}
    assert len(open_store(path)) == 0


def test_tmp_store_fixture_holds_the_seed_article(tmp_store: Path, seed_path: Path) -> None:
    store = open_store(tmp_store)

    assert store.articles == [parse_seed(seed_path.read_text(encoding="utf-8"))]


def test_create_store_leaves_an_existing_file_alone(
    tmp_path: Path, make_articles: MakeArticles
) -> None:
    path = tmp_path / "articles.json"
    create_store(path, make_articles(2))
    before = path.read_bytes()

    create_store(path, make_articles(5))

    assert path.read_bytes() == before
    assert len(open_store(path)) == 2


def test_create_store_does_not_overwrite_a_foreign_file(
    tmp_path: Path, make_articles: MakeArticles
) -> None:
    path = tmp_path / "notes.json"
    path.write_bytes(b"my notes, not JSON")

    create_store(path, make_articles(3))

    assert path.read_bytes() == b"my notes, not JSON"


# --- refusing files that are not (current) stores ------------------------------------------


@pytest.mark.parametrize(
    "tables",
    [{}, {"_default": {"1": {"title": "x"}}}, {"meta": {"1": {"schema_version": 1}}}],
    ids=["empty", "tinydb-default-table", "meta-only"],
)
def test_store_without_articles_table_is_refused(tmp_path: Path, tables: dict) -> None:
    path = tmp_path / "other.json"
    raw = _write_tables(path, tables)

    with pytest.raises(StoreError, match="articles"):
        open_store(path)

    assert path.read_bytes() == raw


def test_newer_schema_is_refused_and_file_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.json"
    raw = _write_tables(
        path,
        {
            "meta": {"1": {"schema_version": 99}},
            "articles": {"1": {"id": "a", "title": "From the future"}},
        },
    )

    with pytest.raises(StoreError) as caught:
        open_store(path)

    assert "99" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == raw


def test_current_schema_opens(tmp_path: Path) -> None:
    path = _store_of(tmp_path / "now.json", {"id": "a", "title": "Today"})

    assert [a.id for a in open_store(path).articles] == ["a"]


# --- documents -----------------------------------------------------------------------------


def test_invalid_documents_become_rejects_while_valid_ones_load(tmp_path: Path) -> None:
    path = _store_of(
        tmp_path / "mixed.json",
        {"id": "good-1", "title": "First", "published": "2024-01-02T00:00:00+00:00"},
        [1, 2, 3],
        {"url": "https://news.example/only-a-url", "tags": ["x"]},
        {"title": {"en": "Nested"}, "body": "text"},
        "just a string",
        {"id": "good-2", "body": "Body only", "published": "2024-01-01T00:00:00+00:00"},
    )

    store = open_store(path)

    assert [a.id for a in store.articles] == ["good-1", "good-2"]
    reasons = {reject.item: reject.reason for reject in store.rejects}
    assert set(reasons) == {"document 2", "document 3", "document 4", "document 5"}
    assert "object" in reasons["document 2"]
    assert "object" in reasons["document 5"]
    assert "title" in reasons["document 3"] and "body" in reasons["document 3"]
    assert "'title'" in reasons["document 4"]
    assert all("\n" not in reason for reason in reasons.values())


def test_document_with_only_a_title_gets_defaults(tmp_path: Path) -> None:
    path = _store_of(tmp_path / "t.json", {"title": "Only a headline"})

    (article,) = open_store(path).articles

    assert article == Article(id=content_id("", "Only a headline", ""), title="Only a headline")
    assert article.entities is None
    assert article.extra == {}


def test_document_without_title_gets_one_from_its_summary(tmp_path: Path) -> None:
    path = _store_of(tmp_path / "t.json", {"summary": "First line\nsecond line"})

    (article,) = open_store(path).articles

    assert article.title == "First line"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tags", 5),
        ("tags", "politics"),
        ("tags", {"a": 1}),
        ("published", "not a date"),
        ("published", 20240101),
        ("entities", "none yet"),
    ],
)
def test_malformed_optional_fields_fall_back_instead_of_failing(
    tmp_path: Path, field: str, value: Any
) -> None:
    path = _store_of(tmp_path / "t.json", {"id": "a", "title": "T", field: value})

    store = open_store(path)

    (article,) = store.articles
    assert store.rejects == []
    assert article.tags in ((), ("politics",))  # never split into characters
    assert article.published == ""
    assert article.entities is None


def test_unknown_fields_are_kept_and_survive_to_document(tmp_path: Path) -> None:
    extra = {"feed_rank": 3, "via": {"name": "rss", "ids": [1, 2]}, "lang": "de-CH"}
    path = _store_of(tmp_path / "t.json", {"id": "a", "title": "T", "body": "B", **extra})

    (article,) = open_store(path).articles

    assert dict(article.extra) == extra
    doc = article.to_document()
    assert {key: doc[key] for key in extra} == extra

    copy = tmp_path / "copy.json"
    create_store(copy, [article])
    assert dict(open_store(copy).articles[0].extra) == extra


def test_duplicate_ids_load_once_keeping_the_first(tmp_path: Path) -> None:
    path = _store_of(
        tmp_path / "t.json",
        {"id": "dup", "title": "First copy"},
        {"id": "other", "title": "Other"},
        {"id": "dup", "title": "Second copy"},
        {"title": "No id", "body": "same"},
        {"title": "No id", "body": "same"},
    )

    store = open_store(path)

    assert sorted(a.title for a in store.articles) == ["First copy", "No id", "Other"]
    assert store.get("dup").title == "First copy"
    assert len(store) == 3


def test_bad_entity_spans_are_dropped(tmp_path: Path) -> None:
    body = "Alice met Bob in Paris."
    good = [
        {"start": 0, "end": 5, "kind": "person", "text": "Alice"},
        {"start": 17, "end": 22, "kind": "place", "text": "Paris"},
    ]
    bad = [
        {"start": 17, "end": 99, "kind": "place", "text": "Paris"},
        {"start": -1, "end": 3, "kind": "person", "text": "Ali"},
        {"start": 5, "end": 5, "kind": "misc", "text": ""},
        {"start": 10, "end": 6, "kind": "person", "text": "?"},
        {"start": 10, "end": 13, "kind": "planet", "text": "Bob"},
        {"start": 0, "kind": "person", "text": "Alice"},
        {"start": "zero", "end": 5, "kind": "person", "text": "Alice"},
        "Alice",
        None,
    ]
    path = _store_of(
        tmp_path / "t.json",
        {"id": "a", "title": "T", "body": body, "entities": [bad[0], good[0], *bad[1:], good[1]]},
    )

    (article,) = open_store(path).articles

    assert article.entities == (
        Entity(0, 5, "person", "Alice"),
        Entity(17, 22, "place", "Paris"),
    )


def test_empty_entity_list_means_extracted_with_no_results(tmp_path: Path) -> None:
    path = _store_of(tmp_path / "t.json", {"id": "a", "title": "T", "entities": []})

    assert open_store(path).articles[0].entities == ()


# --- seeds ---------------------------------------------------------------------------------


def test_seed_articles_reads_the_txt_files_in_name_order(tmp_path: Path, seed_path: Path) -> None:
    (tmp_path / "b.txt").write_text("date 2024-02-02\n\nSecond seed story.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("date 2024-01-01\n\nFirst seed story.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a seed", encoding="utf-8")

    assert [a.title for a in seed_articles(tmp_path)] == ["First seed story", "Second seed story"]
    assert seed_articles(seed_path.parent) == [parse_seed(seed_path.read_text(encoding="utf-8"))]


def test_entities_are_stored_compactly_and_version_1_ones_still_read() -> None:
    from store.article import article_from_document, compacted

    body = "Ana Lima met the Bank of England."
    old = {
        "id": "x",
        "title": "T",
        "body": body,
        "entities": [
            {"start": 0, "end": 8, "kind": "person", "text": "Ana Lima"},
            {"start": 17, "end": 32, "kind": "org", "text": "Bank of England"},
            {"start": 0, "end": 3, "kind": "person", "text": "Anna"},  # by hand: kept
        ],
    }
    article = article_from_document(old)
    doc = article.to_document()
    assert doc["entities"] == [[0, 8, "person"], [17, 32, "org"], [0, 3, "person", "Anna"]]
    assert article_from_document(doc) == article
    assert compacted(old)["entities"] == doc["entities"]
    assert len(orjson.dumps(doc["entities"])) * 2 < len(orjson.dumps(old["entities"]))
