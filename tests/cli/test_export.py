"""``newsdesk export``: Markdown, JSON, JSON Lines and OPML; a JSON export re-imports to the
same articles; bad queries and unwritable files fail in one line and leave no half file."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import orjson
import pytest

from store.article import Article
from store.errors import StoreError
from store.export import (
    escape_paragraph,
    feeds_of,
    to_markdown,
    write_atomically,
)
from store.ingest.html import html_to_text
from store.ingest.result import Subscription
from store.ingest.subscriptions import Feed, add_feeds
from store.storage.library import open_store
from tui.cli import main

INPUT = [
    {
        "id": "katz",
        "title": "Katz orders *West Bank* raid",
        "url": "https://apnews.example/katz",
        "source": "AP",
        "author": "Jo Roe",
        "published": "2025-02-23T08:00:00+00:00",
        "tags": ["war", "west bank"],
        "body": "Israeli Defense Minister Israel Katz said on Sunday the army would stay in "
        "Jenin.\n\n# Not a heading\n> not a quote\n1. not a list\n---\n\nSee "
        "https://example.org/x_(y). [not](a link)",
        "extra_field": {"kept": True},
    },
    {
        "id": "storm",
        "title": "Storm closes northern ports",
        "url": "https://bbc.example/storm",
        "source": "BBC News",
        "published": "2025-02-22T08:00:00+00:00",
        "body": "Ferries between Oslo and Kiel were cancelled for a second day.",
    },
    {
        "id": "rover",
        "title": "Mars rover finds layered rock",
        "source": "NASA Wire",
        "published": "2025-02-21T08:00:00+00:00",
        "body": "Scientists in Pasadena said the rock formed in standing water.",
    },
]


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A store filled by ``newsdesk import``, so its documents carry extracted entities."""
    source = tmp_path / "input.json"
    source.write_text(json.dumps(INPUT), encoding="utf-8")
    path = tmp_path / "articles.json"
    assert main(["import", "--db", str(path), str(source)]) == 0
    capsys.readouterr()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def stored(path: Path) -> dict[str, dict[str, object]]:
    tables = orjson.loads(path.read_bytes())
    return {doc["id"]: doc for doc in tables["articles"].values()}


def test_json_export_is_the_stored_documents(store: Path, capsys):
    status, out, _ = run(capsys, "export", "--db", str(store), "--format", "json")
    assert status == 0
    exported = json.loads(out)
    assert [doc["id"] for doc in exported] == ["katz", "storm", "rover"]  # newest first
    assert {doc["id"]: doc for doc in exported} == stored(store)
    assert exported[0]["entities"], "entities are exported"
    assert exported[0]["extra_field"] == {"kept": True}


def test_json_export_round_trips_through_import(store: Path, tmp_path: Path, capsys):
    exported = tmp_path / "exported.json"
    assert (
        run(capsys, "export", "--db", str(store), "--format", "json", "--output", str(exported))[0]
        == 0
    )
    status, out, _ = run(capsys, "import", "--db", str(store), str(exported))
    assert status == 0
    assert out.startswith("0 added, 0 updated, 3 unchanged")
    fresh = tmp_path / "fresh.json"
    status, out, _ = run(capsys, "import", "--db", str(fresh), str(exported))
    assert out.startswith("3 added, 0 updated, 0 unchanged")
    before, after = stored(store), stored(fresh)
    assert before.keys() == after.keys()
    for article_id, doc in before.items():
        for field in ("title", "body", "published", "entities", "url", "source", "tags"):
            assert after[article_id][field] == doc[field], (article_id, field)


def test_jsonl_export_is_one_document_per_line_and_round_trips(store: Path, tmp_path, capsys):
    status, out, _ = run(
        capsys, "export", "--db", str(store), "--format", "jsonl", "katz OR storm sort:date"
    )
    assert status == 0
    lines = out.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["katz", "storm"]
    exported = tmp_path / "exported.jsonl"
    exported.write_text(out, encoding="utf-8")
    assert run(capsys, "import", "--db", str(store), str(exported))[1].startswith(
        "0 added, 0 updated, 2 unchanged"
    )


def test_markdown_export_reads_well_and_keeps_text_as_text(store: Path, capsys):
    status, out, _ = run(capsys, "export", "--db", str(store), "--format", "md", "--limit", "2")
    assert status == 0
    assert out.startswith("# [Katz orders \\*West Bank\\* raid](https://apnews.example/katz)\n")
    assert "AP · Jo Roe · 2025-02-23" in out
    assert "`#war` `#west bank`" in out
    assert "\\# Not a heading" in out and "\\> not a quote" in out and "1\\. not a list" in out
    assert "\\---" in out
    assert "\\[not\\](a link)" in out
    assert "# [Storm closes northern ports](https://bbc.example/storm)" in out
    assert "Mars rover" not in out  # --limit 2
    for line in out.splitlines():
        if line.startswith("#"):
            assert line.startswith(("# [Katz", "# [Storm")), line


def test_markdown_of_one_article_without_link_or_author():
    article = Article(
        id="a", title="Plain", body="One.\n\nTwo", source="Wire", published="2025-01-02"
    )
    assert to_markdown([article]) == "# Plain\n\nWire · 2025-01-02\n\nOne.\n\nTwo\n"


def test_markdown_keeps_html_in_the_text_as_text():
    text = to_markdown([Article(id="a", title="<i>T</i>", body="<b>not html</b>")])
    assert text == "# \\<i\\>T\\</i\\>\n\n\\<b\\>not html\\</b\\>\n"


def test_markdown_title_heading_nests_articles():
    text = to_markdown([Article(id="a", title="Plain", body="x")], title="newsdesk: gaza")
    assert text.startswith("# newsdesk: gaza\n\n## Plain\n")


def test_markdown_link_with_a_bad_scheme_is_dropped():
    text = to_markdown([Article(id="a", title="T", body="x", url="javascript:alert(1)")])
    assert text.startswith("# T\n") and "javascript" not in text


def test_markdown_keeps_body_links_as_links():
    body = html_to_text(
        '<p>Read <a href="https://example.com/full story">the *full* story</a>, '
        '<a href="https://example.com/Pier_(3)">Pier</a> or mail '
        '<a href="mailto:desk@example.com">the desk</a>.</p>'
        '<p><a href="javascript:alert(1)">no</a> https://example.org/x_y <i>done</i></p>'
    )
    text = to_markdown([Article(id="a", title="T", body=body)])
    assert text == (
        "# T\n\n"
        "Read [the \\*full\\* story](https://example.com/full%20story), "
        "[Pier](https://example.com/Pier_%283%29) or mail [the desk](mailto:desk@example.com).\n\n"
        "\\[no\\](javascript:alert(1)) <https://example.org/x_y> done\n"
    )


def test_markdown_links_cannot_carry_markup():
    body = '[<img src=x onerror=alert(1)>](https://e.com/a"><script>) and https://e.com/<b>'
    text = to_markdown([Article(id="a", title="T", body=body)])
    assert re.findall(r"(?<!\\)<[^>]*>", text) == ["<https://e.com/>"]
    assert "[\\<img src=x onerror=alert(1)\\>](https://e.com/a%22%3E%3Cscript%3E)" in text


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("# heading", "\\# heading"),
        ("   ## deep", "   \\## deep"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("12) item", "12\\) item"),
        ("```", "\\`\\`\\`"),
        ("=====", "\\====="),
        ("| a | b |", "\\| a | b |"),
        ("plain *words*", "plain \\*words\\*"),
    ],
)
def test_escape_paragraph(line: str, escaped: str):
    assert escape_paragraph(line) == escaped


def test_opml_exports_the_feeds_of_the_results_or_all(store: Path, capsys):
    add_feeds(
        store,
        [
            Subscription("https://feeds.bbc.example/news/rss.xml", "BBC News"),
            Subscription("https://apnews.example/rss", ""),
            Subscription("https://elsewhere.example/feed", "Elsewhere"),
        ],
    )
    status, out, _ = run(capsys, "export", "--db", str(store), "--format", "opml", "storm")
    assert status == 0
    assert 'xmlUrl="https://feeds.bbc.example/news/rss.xml"' in out
    assert "apnews" not in out and "elsewhere" not in out
    _, out, _ = run(capsys, "export", "--db", str(store), "--format", "opml", "katz")
    assert 'xmlUrl="https://apnews.example/rss"' in out  # by the host of the article's link
    _, out, _ = run(capsys, "export", "--db", str(store), "--format", "opml")
    assert out.count("xmlUrl=") == 3


def test_feeds_of_matches_source_titles_and_hosts():
    feeds = [Feed("https://www.a.example/rss", "A"), Feed("https://b.example/feed", "Bee")]
    assert feeds_of([{"source": "a", "url": ""}], feeds) == feeds[:1]
    assert feeds_of([{"source": "x", "url": "https://b.example/story"}], feeds) == feeds[1:]
    assert feeds_of([{"source": "x", "url": "not a url"}], feeds) == []


def test_a_malformed_query_exits_2_with_one_line(store: Path, capsys):
    status, out, err = run(capsys, "export", "--db", str(store), "title:")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("newsdesk: bad query:")


def test_an_unknown_format_is_a_usage_error(store: Path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["export", "--db", str(store), "--format", "csv"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("where", ["missing/folder/out.md", "."])
def test_an_unwritable_output_exits_2_with_one_line(store: Path, tmp_path, capsys, where):
    target = tmp_path / where
    status, out, err = run(capsys, "export", "--db", str(store), "--output", str(target))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "cannot write" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_leaves_the_old_file(store: Path, tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "out.md"
    target.write_text("old", encoding="utf-8")
    folder.chmod(0o555)
    try:
        status, _, err = run(capsys, "export", "--db", str(store), "--output", str(target))
    finally:
        folder.chmod(0o755)
    assert status == 2 and "cannot write" in err
    assert target.read_text(encoding="utf-8") == "old"


def test_write_atomically_leaves_no_half_file_when_the_write_fails(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StoreError, match="No space left on device"):
        write_atomically(target, "new " * 10_000)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_write_atomically_replaces_the_whole_file(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("a much longer old text than the new one", encoding="utf-8")
    write_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_export_to_a_file_says_how_many(store: Path, tmp_path, capsys):
    target = tmp_path / "out.json"
    status, out, _ = run(
        capsys, "export", "--db", str(store), "--format", "json", "--output", str(target)
    )
    assert status == 0 and out == f"3 article(s) exported to {target}\n"
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 3
    assert len(open_store(store).articles) == 3


@pytest.mark.parametrize("own", ["articles.json", "articles.state.json", "articles.index.sqlite"])
def test_export_never_writes_over_the_store_itself(store: Path, capsys, own: str):
    target = store.with_name(own)
    before = target.read_bytes() if target.exists() else None
    status, out, err = run(
        capsys, "export", "--db", str(store), "--format", "json", "--output", str(target)
    )
    assert status == 2 and out == "" and "the store's own file" in err
    assert (target.read_bytes() if target.exists() else None) == before


@pytest.mark.parametrize("own", ["manifest.json", "segments/new.json", "state.json", "x.json"])
def test_export_never_writes_into_a_folder_store(tmp_path: Path, capsys, own: str):
    from store.ingest.importer import import_into
    from store.ingest.result import ReadResult

    store = tmp_path / "articles"
    import_into(store, ReadResult([Article(id="a", title="T", body="Body.", entities=())]))

    def files() -> list[str]:  # the index's write-ahead log comes and goes
        return sorted(p.name for p in store.rglob("*") if not p.name.startswith("index."))

    before = files()
    status, out, err = run(
        capsys, "export", "--db", str(store), "--format", "json", "--output", str(store / own)
    )
    assert status == 2 and out == "" and "the store's own file" in err
    assert files() == before
