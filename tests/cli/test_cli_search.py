"""``newsdesk search``, run as the installed console script, and the index it searches kept in
step with a store changed by imports, by hand, or left with a damaged index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from store.article import Article, Entity
from store.index.schema import index_path_for
from store.paths import state_path_for
from store.query import Query, parse_query
from store.reading import ReadingState
from store.session import open_store_session
from store.storage.library import create_store

NEWSDESK = Path(sys.executable).parent / "newsdesk"

ARTICLES = [
    Article(id="tram", title="Tram line approved in Zürich", source="NZZ",
            body="The council voted on Tuesday.", published="2025-03-14T08:00:00+00:00",
            url="https://example.org/tram"),
    Article(id="airport", title="Zurich airport expands", source="Reuters",
            body="A new terminal opens for flights to Lisbon. Zurich grows.",
            published="2025-03-01T09:00:00+00:00"),
    Article(id="truce", title="Gaza ceasefire holds", source="AP",
            body="Residents queued outside a cafe.", published="2025-02-23T12:00:00+00:00"),
]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "articles.json"
    create_store(path, ARTICLES)
    return path


def command_on(command: str, env: dict[str, str], tmp_path: Path, store: Path):
    """``newsdesk COMMAND --db STORE ARGS...`` as a function of ARGS."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(NEWSDESK), command, "--db", str(store), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


@pytest.fixture
def search(env: dict[str, str], tmp_path: Path, store: Path):
    return command_on("search", env, tmp_path, store)


def ids(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [item["id"] for item in json.loads(result.stdout)]


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_json_lists_the_fields_in_result_order(search) -> None:
    result = search("--json", "zurich", "sort:date")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert [item["id"] for item in items] == ["tram", "airport"]
    assert items[0] == {
        "id": "tram",
        "title": "Tram line approved in Zürich",
        "source": "NZZ",
        "published": "2025-03-14T08:00:00+00:00",
        "url": "https://example.org/tram",
    }


def test_results_come_in_the_order_the_app_shows(search, store: Path) -> None:
    session = open_store_session(store)
    queries = ("zurich", "zurich OR gaza", "cafe OR lisbon", "after:2020 sort:source")
    for query in queries:
        rows = session.search(parse_query(query))
        assert ids(search("--json", query)) == [row.id for row in rows]
    session.index.close()


def test_filters_are_newest_first_unless_sorted(search) -> None:
    assert ids(search("--json", "after:2025-01-01")) == ["tram", "airport", "truce"]
    assert ids(search("--json", "after:2025-01-01", "sort:source")) == ["truce", "tram", "airport"]


def test_words_of_the_query_join_up(search) -> None:
    assert ids(search("--json", "zurich -lisbon")) == ["tram"]
    assert ids(search("--json", "zurich", "NOT", "lisbon")) == ["tram"]
    assert ids(search("--json", "zurich", "-lisbon")) == ["tram"], "the shell split it"
    assert ids(search("--json", '"gaza ceasefire"')) == ["truce"]
    assert ids(search("--json", "xylophone")) == []


def test_limit(search) -> None:
    assert ids(search("--json", "--limit", "1", "after:2025")) == ["tram"]
    error = one_error_line(search("--limit", "0", "gaza"))
    assert "not a positive whole number" in error


def test_plain_output_is_one_clean_line_per_article(tmp_path: Path, env: dict[str, str]) -> None:
    store = tmp_path / "hostile.json"
    title = "Evil \x1b]52;c;cm0gLXJmIH4=\x07title\x1b[2J with\nnewline"
    create_store(store, [Article(id="x", title=title, source="AP", published="2025-01-01")])
    result = subprocess.run(
        [str(NEWSDESK), "search", "--db", str(store), "evil"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert result.stdout.startswith("2025-01-01  AP  Evil")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("gaza)", "unmatched ) (at character 5"),
        ("(gaza", "missing ) for this ("),
        ('"gaza', "unclosed quote"),
        ("colour:red", "unknown field colour:"),
        ("is:maybe", "is: takes read, unread, starred"),
        ("after:2025-13", "not a real date"),
        ("gaza OR", "OR needs a term on each side"),
    ],
)
def test_a_malformed_query_is_one_line_and_exit_2(search, query: str, message: str) -> None:
    error = one_error_line(search(query))
    assert error.startswith("newsdesk: bad query: ")
    assert message in error


def test_a_missing_store_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(
        [str(NEWSDESK), "search", "--db", str(tmp_path / "nope.json"), "gaza"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "no such file" in one_error_line(result)


def test_reading_state_is_searchable(search, store: Path) -> None:
    state = ReadingState(state_path_for(store))
    state.set_read("tram")
    state.toggle_star("truce")
    assert ids(search("--json", "is:read")) == ["tram"]
    assert ids(search("--json", "is:unread")) == ["airport", "truce"]
    assert ids(search("--json", "is:starred OR is:read")) == ["tram", "truce"]


# --- the index follows the store ------------------------------------------------------------


def import_file(store: Path, feed: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEWSDESK), "import", "--db", str(store), str(feed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_import_is_found_at_once(search, store: Path, env: dict[str, str]) -> None:
    assert ids(search("--json", "hippopotamus")) == []
    feed = store.parent / "new.jsonl"
    record = {"id": "hippo", "title": "Hippo escapes", "body": "A hippopotamus swam away."}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    imported = import_file(store, feed, env)
    assert imported.returncode == 0, imported.stderr
    assert ids(search("--json", "hippopotamus")) == ["hippo"]


def test_an_import_that_updates_an_article_replaces_its_words(
    search, store: Path, env: dict[str, str]
) -> None:
    assert ids(search("--json", "ceasefire")) == ["truce"]
    feed = store.parent / "update.jsonl"
    record = {"id": "truce", "title": "Gaza truce collapses", "body": "Fighting resumed."}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    imported = import_file(store, feed, env)
    assert imported.returncode == 0, imported.stderr
    assert "1 updated" in imported.stdout, imported.stdout
    assert ids(search("--json", "ceasefire")) == []
    assert ids(search("--json", "collapses")) == ["truce"]
    assert len(ids(search("--json", "gaza"))) == 1, "one article, not two versions"


def _edit_by_hand(store: Path, change) -> None:
    tables = orjson.loads(store.read_bytes())
    change(tables["articles"])
    store.write_bytes(orjson.dumps(tables))


def test_a_store_edited_by_hand_is_caught_up(search, store: Path) -> None:
    assert ids(search("--json", "zurich", "sort:date")) == ["tram", "airport"]
    assert index_path_for(store).exists()

    def change(articles: dict[str, dict]) -> None:
        for key, doc in list(articles.items()):
            if doc["id"] == "tram":
                doc["title"] = "Tram line approved in Basel"
                doc["body"] = "No longer about that city."
            if doc["id"] == "truce":
                del articles[key]
        articles["99"] = {"id": "new", "title": "Zurich lake freezes", "body": "Ice."}

    _edit_by_hand(store, change)
    assert ids(search("--json", "zurich", "sort:date")) == ["airport", "new"]
    assert ids(search("--json", "basel")) == ["tram"]
    assert ids(search("--json", "gaza")) == []


def test_a_damaged_index_is_rebuilt(search, store: Path) -> None:
    assert ids(search("--json", "gaza")) == ["truce"]
    index_path_for(store).write_bytes(b"this is not a database" * 100)
    assert ids(search("--json", "gaza")) == ["truce"]
    assert index_path_for(store).read_bytes().startswith(b"SQLite format 3")


def test_an_index_that_cannot_be_written_lives_in_memory(search, store: Path) -> None:
    index_path_for(store).mkdir()  # nothing can open a folder as the index
    assert ids(search("--json", "gaza")) == ["truce"]
    assert index_path_for(store).is_dir()
    assert list(index_path_for(store).iterdir()) == []


def test_a_large_store_of_a_newer_schema_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store import session as session_module
    from store.errors import StoreError

    monkeypatch.setattr(session_module, "CATCH_UP_AT_ONCE_BYTES", 0)
    path = tmp_path / "future.json"
    path.write_bytes(orjson.dumps({"meta": {"1": {"schema_version": 99}}, "articles": {}}))
    with pytest.raises(StoreError, match="written by a newer newsdesk"):
        open_store_session(path)


# --- hostile queries: long, starting with "-", emoji tags, ordered without ranking ----------


@pytest.fixture
def export(env: dict[str, str], tmp_path: Path, store: Path):
    return command_on("export", env, tmp_path, store)


def exported_ids(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [orjson.loads(line)["id"] for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tag:a " * 1000, "query too long: 1,000 terms (at most 256)"),
        ("person:x " * 1000, "query too long: 1,000 terms (at most 256)"),
        ("is:read " * 1000, "query too long: 1,000 terms (at most 256)"),
        ("-a " * 2000, "query too long: 2,000 terms (at most 256)"),
        ("a " * 1000, "query too long: 1,000 terms (at most 256)"),
        ("x" * 100_000, "query too long: 100,000 characters (at most 4,096)"),
    ],
    ids=["tags", "people", "flags", "negations", "words", "characters"],
)
def test_a_query_too_long_is_one_line_and_exit_2(search, export, query: str, message: str) -> None:
    for command in (search, export):
        error = one_error_line(command(query))
        assert error.startswith(f"newsdesk: bad query: {message} (at character ")
        assert len(error) < 200, "the query is quoted in part"


@pytest.mark.parametrize(
    "query",
    ["is:" + "x" * 100_000, "colour" * 10_000 + ":red", "(" * 10 + "x" * 100_000],
    ids=["flag", "field", "word"],
)
def test_a_long_malformed_query_is_quoted_in_part(search, query: str) -> None:
    error = one_error_line(search(query))
    assert error.startswith("newsdesk: bad query: ")
    assert len(error) < 250, error
    assert "…" in error


def test_as_many_terms_as_allowed_run(search) -> None:
    many = " OR ".join([*(f"tag:t{n}" for n in range(254)), "zurich", "person:katz"])
    assert ids(search("--json", many)) == ["tram", "airport"]
    assert ids(search("--json", "gaza " * 256)) == ["truce"], "a repeated word counts once"


def test_a_query_may_start_with_a_dash(search, export, store: Path) -> None:
    ReadingState(state_path_for(store)).set_read("tram")
    assert ids(search("--json", "-is:read")) == ["airport", "truce"]
    assert ids(search("-is:read", "--json")) == ["airport", "truce"]
    assert ids(search("--json", "--", "-is:read")) == ["airport", "truce"]
    assert ids(search("--json", "-zurich")) == ["truce"]
    assert ids(search("-hamas", "--limit", "1", "--json")) == ["tram"], "not -h"
    assert ids(search("--js", "-zurich", "--", "--limit")) == [], "an abbreviation; a word"
    assert exported_ids(export("-is:read", "--format", "jsonl")) == ["airport", "truce"]
    assert exported_ids(export("--format=jsonl", "--", "-is:read")) == ["airport", "truce"]
    assert exported_ids(export("--format", "jsonl", "-zurich", "-gaza")) == []


@pytest.mark.parametrize("typo", ["--jsno", "--limt=3", "--formt"])
def test_a_mistyped_option_is_still_an_error(search, export, typo: str) -> None:
    for command in (search, export):
        error = one_error_line(command("gaza", typo))
        assert f"unrecognized arguments: {typo}" in error
    assert "required: QUERY" in one_error_line(search("--"))


def test_a_tag_spelled_with_joiners_is_found(env: dict[str, str], tmp_path: Path) -> None:
    store = tmp_path / "emoji.json"
    dev, pride = "👩\u200d💻", "🏳\ufe0f\u200d🌈"
    create_store(
        store,
        [
            Article(id="dev", title="Coders", tags=(dev,), published="2025-01-03T00:00:00+00:00"),
            Article(id="pride", title="Parade", tags=(pride,), published="2025-01-02"),
            Article(id="woman", title="Portrait", tags=("👩",), published="2025-01-01"),
        ],
    )

    def found(query: str) -> list[str]:
        return ids(
            subprocess.run(
                [str(NEWSDESK), "search", "--json", "--db", str(store), query],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
        )

    assert found(f"tag:{dev}") == ["dev"]
    assert found(f"tag:{pride}") == ["pride"]
    assert found("tag:👩") == ["woman"]
    assert found("tag:\u202e👩\u202c") == [], "a bidi override is not part of a tag"


ORDERED = [
    Article(id=f"r{n}", title=f"Reuters report {n} zurich", source="Reuters", author="Ana Lima",
            body="zurich " * (1 + 40 * (n % 3)) + "words " * (1 + 30 * ((n * 7) % 5)),
            published=f"2025-03-{10 - n:02d}T08:00:00+00:00", tags=("world",),
            entities=(Entity(0, 7, "person", "Israel Katz"),))
    for n in range(8)
]  # fmt: skip
"""Newest first; bodies of very different lengths, so BM25 would order them otherwise."""


@pytest.mark.parametrize(
    "query",
    [
        "source:reuters",
        "title:zurich",
        'title:"reuters report"',
        "author:lima",
        "tag:world",
        "is:unread",
        "person:katz",
        "after:2025-01",
        "source:reuters sort:relevance",
        "title:zurich sort:date",
        "-gaza",
        "source:reuters OR tag:world",
    ],
)
def test_a_query_without_free_text_lists_newest_first(
    env: dict[str, str], tmp_path: Path, query: str
) -> None:
    store = tmp_path / "ordered.json"
    create_store(store, ORDERED)
    newest_first = [article.id for article in ORDERED]
    result = subprocess.run(
        [str(NEWSDESK), "search", "--json", "--db", str(store), query],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ids(result) == newest_first
    session = open_store_session(store)
    parsed = parse_query(query)
    for asked in (parsed, Query(parsed.root, "relevance")):  # the app's default order
        assert [row.id for row in session.search(asked)] == newest_first
    session.index.close()


def test_free_text_is_still_ranked(env: dict[str, str], tmp_path: Path) -> None:
    store = tmp_path / "ordered.json"
    create_store(store, ORDERED)
    session = open_store_session(store)
    ranked = [row.id for row in session.search(parse_query("zurich source:reuters"))]
    assert sorted(ranked) == sorted(a.id for a in ORDERED)
    assert ranked != [a.id for a in ORDERED], "BM25 orders by the words, not the date"
    session.index.close()
