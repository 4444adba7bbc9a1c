"""Rules on arrival in the importer: each action, entity terms, rules kept to one feed,
and an index that stays in step with what was stored (ignored articles leave no trace)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.article import Article
from store.index import SearchIndex
from store.index.schema import index_path_for, remove_index_files
from store.ingest.importer import ImportSummary, import_into
from store.ingest.result import ReadResult
from store.ingest.rules import RuleError, Rules, make_rule, rules_from_config
from store.paths import state_path_for
from store.query import parse_query
from store.reading.state import ReadingState
from store.session import open_store_session
from store.storage.library import open_store

ADS = "https://ads.example/feed.xml"


def _articles() -> list[Article]:
    return [
        Article(
            id="merkel",
            title="Summit in Paris",
            body="Angela Merkel met Emmanuel Macron in Paris on Monday.",
            source="Wire",
            published="2025-02-01T10:00:00+00:00",
        ),
        Article(
            id="un",
            title="Aid pledged",
            body="The United Nations pledged aid on Tuesday.",
            source="Wire",
            published="2025-02-02T10:00:00+00:00",
        ),
        Article(
            id="ad",
            title="Sponsored: best mattresses",
            body="A paid post.",
            source="Ads",
            published="2025-02-03T10:00:00+00:00",
            extra={"feed": ADS},
        ),
        Article(
            id="ad-elsewhere",
            title="Sponsored: a concert",
            body="Tickets on sale.",
            source="Arts",
            published="2025-02-04T10:00:00+00:00",
        ),
    ]


def _rules(*specs: tuple[str, str] | tuple[str, str, str]) -> Rules:
    return Rules(tuple(make_rule(*spec) for spec in specs))


def _import(path: Path, rules: Rules, articles: list[Article] | None = None) -> ImportSummary:
    return import_into(path, ReadResult(articles=articles or _articles()), rules=rules)


def _stored_ids(path: Path) -> set[str]:
    return {a.id for a in open_store(path).articles}


def _search(path: Path, text: str) -> set[str]:
    index = SearchIndex.open(path)
    try:
        index.catch_up(path)
        return {doc["id"] for doc in index.documents(index.search(parse_query(text)))}
    finally:
        index.close()


@pytest.mark.parametrize(
    "existing", ["", "in step", "no index"], ids=["new store", "existing store", "no index"]
)
def test_ignore_keeps_articles_out_of_the_store_and_the_index(
    tmp_path: Path, existing: str
) -> None:
    path = tmp_path / "articles"
    if existing:
        import_into(path, ReadResult(articles=[Article(id="old", title="Old news", body="x")]))
    if existing == "no index":  # the import cannot keep the index in step: it catches up
        remove_index_files(index_path_for(path))
    summary = _import(path, _rules(("title:sponsored", "ignore")))
    assert summary.added == 2 and summary.ignored == 2
    assert summary.to_dict()["ignored"] == 2
    assert _stored_ids(path) == {"merkel", "un"} | ({"old"} if existing else set())
    # Nothing of the ignored articles reached the index: no words, no rows.
    assert _search(path, "mattresses OR concert OR sponsored") == set()
    index = SearchIndex.open(path)
    words = "SELECT COUNT(*) FROM fts WHERE fts MATCH 'mattresses OR concert'"
    assert index.conn.execute(words).fetchone() == (0,)
    rows = index.conn.execute("SELECT COUNT(*) FROM meta").fetchone()[0]
    assert rows == len(_stored_ids(path))
    index.close()


def test_read_star_and_tag_set_the_reading_state(tmp_path: Path) -> None:
    path = tmp_path / "articles"
    rules = _rules(("source:wire", "read"), ("paris", "star"), ("aid", "tag:Humanitarian"))
    summary = _import(path, rules)
    assert summary.added == 4 and summary.ignored == 0
    assert summary.rules.to_dict() == {"read": 2, "starred": 1, "tagged": 1, "notify": 0}
    state = ReadingState(state_path_for(path))
    assert state.is_read("merkel") and state.is_read("un") and not state.is_read("ad")
    assert state.is_starred("merkel") and not state.is_starred("un")
    assert state.tags_of("un") == ("Humanitarian",)
    session = open_store_session(path)
    assert [row.id for row in session.search(parse_query("tag:humanitarian"))] == ["un"]
    session.index.close()
    # The documents stay as the feed wrote them.
    assert {a.id: a.tags for a in open_store(path).articles}["un"] == ()


def test_entity_terms_judge_by_the_articles_entities(tmp_path: Path) -> None:
    path = tmp_path / "articles"
    rules = _rules(('person:"angela merkel"', "notify"), ('org:"united nations"', "ignore"))
    summary = _import(path, rules)
    assert _stored_ids(path) == {"merkel", "ad", "ad-elsewhere"}
    assert summary.ignored == 1
    assert summary.rules.notified == 1 and summary.rules.titles == ["Summit in Paris"]
    # A surname alone names the person too, as in a search.
    again = _import(tmp_path / "second", _rules(("person:merkel", "star")))
    assert again.rules.starred == 1


def test_a_rule_kept_to_one_feed_leaves_other_articles_alone(tmp_path: Path) -> None:
    path = tmp_path / "articles"
    summary = _import(path, _rules(("title:sponsored", "ignore", ADS)))
    assert summary.ignored == 1
    assert "ad" not in _stored_ids(path) and "ad-elsewhere" in _stored_ids(path)


def test_ignore_wins_and_every_other_action_adds_up(tmp_path: Path) -> None:
    path = tmp_path / "articles"
    rules = _rules(("paris", "star"), ("paris", "ignore"), ("aid", "read"), ("aid", "notify"))
    summary = _import(path, rules)
    assert "merkel" not in _stored_ids(path)
    assert summary.rules.read == 1 and summary.rules.notified == 1
    assert summary.rules.starred == 0


def test_rules_judge_new_articles_only(tmp_path: Path) -> None:
    path = tmp_path / "articles"
    _import(path, Rules())
    changed = [Article(id="un", title="Aid pledged again", body="The United Nations again.")]
    summary = _import(path, _rules(("aid", "ignore"), ("aid", "star")), changed)
    assert summary.updated == 1 and summary.ignored == 0
    assert "un" in _stored_ids(path)
    assert not ReadingState(state_path_for(path)).is_starred("un")


def test_rules_from_config_skip_what_cannot_be_used_whole() -> None:
    rules, problems = rules_from_config(
        [
            {"query": "title:sponsored", "action": "ignore"},
            {"query": "((", "action": "ignore"},
            {"query": "x", "action": "delete"},
            {"query": "x", "action": "read", "feed": "ftp://x"},
            {"query": "x", "action": "read", "when": "now"},
            {"action": "read"},
            {"query": "sort:date", "action": "read"},
            {"query": "y", "action": "tag:"},
            {"query": "y", "action": "Tag:Later"},
        ]
    )
    assert [(r.query_text, r.action) for r in rules] == [
        ("title:sponsored", "ignore"),
        ("y", "tag:Later"),
    ]
    assert [p.split(":", 1)[0] for p in problems] == [f"rule {n}" for n in range(2, 9)]
    assert all(p.endswith("; skipped") and "\n" not in p for p in problems)
    with pytest.raises(RuleError, match="matches every article"):
        make_rule("sort:date", "read")
