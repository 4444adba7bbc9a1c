"""``newsdesk import`` and ``newsdesk feeds ...`` run as the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
import support

from store.ingest.mapping import Context
from store.ingest.opml import read_opml
from store.storage.library import open_store

NEWSDESK = Path(sys.executable).parent / "newsdesk"
FIXTURES = support.FIXTURES / "ingest"
SUMMARY_KEYS = {
    "added",
    "updated",
    "unchanged",
    "duplicates",
    "feeds_added",
    "rejected",
    "ignored",
    "rules",
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "articles.json"


@pytest.fixture
def newsdesk(env: dict[str, str], tmp_path: Path):
    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(NEWSDESK), *map(str, args)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


@pytest.fixture
def good_files(tmp_path: Path) -> list[Path]:
    """Three articles in three formats."""
    folder = tmp_path / "in"
    folder.mkdir()
    note = folder / "note.txt"
    note.write_text("A note from Zürich\nThe tram runs again.\n", encoding="utf-8")
    records = folder / "records.json"
    records.write_text(
        json.dumps([{"id": "r-1", "title": "Record one", "body": "Body one."}]), encoding="utf-8"
    )
    lines = folder / "lines.jsonl"
    lines.write_text(
        json.dumps({"id": "l-1", "title": "Line one", "body": "x"})
        + "\n"
        + json.dumps({"id": "l-2", "title": "Line two", "body": "y"})
        + "\n",
        encoding="utf-8",
    )
    return [note, records, lines]


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsdesk:")
    return lines[0]


def _feeds(newsdesk, db: Path) -> list[dict[str, str]]:
    listed = newsdesk("feeds", "list", "--json", "--db", db)
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


# --- import --------------------------------------------------------------------------------------


def test_import_good_files(newsdesk, db: Path, good_files: list[Path]) -> None:
    result = newsdesk("import", *good_files, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "4 added" in result.stdout
    assert "0 rejected" in result.stdout
    titles = {article.title for article in open_store(db).articles}
    assert titles == {"A note from Zürich", "Record one", "Line one", "Line two"}


def test_import_a_folder(newsdesk, db: Path, good_files: list[Path]) -> None:
    (good_files[0].parent / ".hidden.json").write_text("not json at all {")
    result = newsdesk("import", good_files[0].parent, "--json", "--db", db)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["added"] == 4


def test_import_json_summary(newsdesk, db: Path, good_files: list[Path], tmp_path: Path) -> None:
    dups = tmp_path / "dups.json"
    dups.write_text(json.dumps([{"id": "d", "title": "D", "body": "1"}] * 2))
    result = newsdesk("import", *good_files, dups, "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == SUMMARY_KEYS
    assert summary == {
        "added": 5,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 1,
        "feeds_added": 0,
        "rejected": [],
        "ignored": 0,
        "rules": {"read": 0, "starred": 0, "tagged": 0, "notify": 0},
    }


def test_import_good_and_bad_is_partial(
    newsdesk, db: Path, good_files: list[Path], tmp_path: Path
) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64)))
    result = newsdesk("import", good_files[0], binary, "--json", "--db", db)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["added"] == 1
    [reject] = summary["rejected"]
    assert set(reject) == {"source", "item", "reason"}
    assert reject["source"].endswith("photo.jpg")
    assert "binary" in reject["reason"]
    assert len(open_store(db)) == 1

    text = newsdesk("import", good_files[1], binary, "--db", db)
    assert text.returncode == 1
    assert "1 added" in text.stdout
    assert any("photo.jpg" in line and "binary" in line for line in text.stdout.splitlines())


def test_import_bad_line_is_partial(newsdesk, db: Path, tmp_path: Path) -> None:
    lines = tmp_path / "x.jsonl"
    lines.write_text('{"title": "ok", "body": "b"}\n{oops\n{"title": "ok 2", "body": "c"}\n')
    result = newsdesk("import", lines, "--json", "--db", db)
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert summary["added"] == 2
    assert [r["item"] for r in summary["rejected"]] == ["line 2"]


def test_import_only_bad_or_missing_inputs(newsdesk, db: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = newsdesk("import", empty, tmp_path / "missing.json", "--json", "--db", db)
    assert result.returncode == 2
    summary = json.loads(result.stdout)
    assert summary["added"] == 0
    reasons = sorted(reject["reason"] for reject in summary["rejected"])
    assert len(reasons) == 2
    assert "empty" in reasons[0] and "no such file" in reasons[1]
    assert "Traceback" not in result.stderr


def test_import_into_a_corrupt_store(newsdesk, db: Path, good_files: list[Path]) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b'{"articles": {"1": {"title": "trunc')
    result = newsdesk("import", *good_files, "--db", db)
    line = _one_error_line(result)
    assert str(db) in line or db.name in line
    assert db.read_bytes() == b'{"articles": {"1": {"title": "trunc'


def test_import_into_a_newer_store(newsdesk, db: Path, good_files: list[Path]) -> None:
    db.parent.mkdir(parents=True)
    content = b'{"meta": {"1": {"schema_version": 999}}, "articles": {}}'
    db.write_bytes(content)
    assert "newer" in _one_error_line(newsdesk("import", *good_files, "--db", db))
    assert db.read_bytes() == content


def test_reimport_changes_nothing(newsdesk, db: Path, good_files: list[Path]) -> None:
    assert newsdesk("import", *good_files, "--db", db).returncode == 0
    before = db.read_bytes()
    again = newsdesk("import", *good_files, "--json", "--db", db)
    assert again.returncode == 0
    summary = json.loads(again.stdout)
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (0, 0, 4)
    assert db.read_bytes() == before
    text = newsdesk("import", *good_files, "--db", db)
    assert "0 added" in text.stdout and "4 unchanged" in text.stdout


def test_import_feed_fixtures(newsdesk, db: Path) -> None:
    feeds = [FIXTURES / name for name in ("rss2.xml", "atom.xml", "rss1.rdf", "rss091.xml")]
    result = newsdesk("import", *feeds, "--json", "--db", db)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["added"] == 6


def test_import_opml_subscribes(newsdesk, db: Path) -> None:
    result = newsdesk("import", FIXTURES / "subscriptions.opml", "--json", "--db", db)
    summary = json.loads(result.stdout)
    assert summary["feeds_added"] == 2
    assert result.returncode == 1  # the file:// outline is rejected


# --- feeds --------------------------------------------------------------------------------------


def test_feeds_add_list_remove(newsdesk, db: Path) -> None:
    urls = [
        "https://one.example.com/feed",
        "https://two.example.com/rss",
        "http://three.example.com/",
    ]
    added = newsdesk("feeds", "add", *urls, "--db", db)
    assert added.returncode == 0, added.stderr
    assert "3 feed(s) added" in added.stdout
    again = newsdesk("feeds", "add", urls[0], "--db", db)
    assert again.returncode == 0
    assert "0 feed(s) added, 1 already subscribed" in again.stdout

    listed = _feeds(newsdesk, db)
    assert [feed["url"] for feed in listed] == urls
    assert {"url", "title", "last_status"} <= set(listed[0])
    text = newsdesk("feeds", "list", "--db", db)
    assert [line.split()[:2] for line in text.stdout.splitlines()] == [
        ["1", urls[0]],
        ["2", urls[1]],
        ["3", urls[2]],
    ]

    by_url = newsdesk("feeds", "remove", urls[1], "--db", db)
    assert by_url.returncode == 0
    assert f"removed {urls[1]}" in by_url.stdout
    assert [feed["url"] for feed in _feeds(newsdesk, db)] == [urls[0], urls[2]]

    by_number = newsdesk("feeds", "remove", "2", "--db", db)
    assert by_number.returncode == 0
    assert f"removed {urls[2]}" in by_number.stdout
    assert [feed["url"] for feed in _feeds(newsdesk, db)] == [urls[0]]

    nothing = newsdesk("feeds", "remove", "https://never.example.com/", "--db", db)
    _one_error_line(nothing)
    assert [feed["url"] for feed in _feeds(newsdesk, db)] == [urls[0]]


def test_feeds_list_when_empty(newsdesk, db: Path, good_files: list[Path]) -> None:
    newsdesk("import", good_files[0], "--db", db)
    assert _feeds(newsdesk, db) == []
    assert "no subscriptions" in newsdesk("feeds", "list", "--db", db).stdout


def test_feeds_add_opml(newsdesk, db: Path) -> None:
    result = newsdesk("feeds", "add", FIXTURES / "subscriptions.opml", "--db", db)
    assert result.returncode == 0, result.stderr
    assert [(f["url"], f["title"]) for f in _feeds(newsdesk, db)] == [
        ("https://wire.example.com/rss", "Wire Feed"),
        ("https://deep.example.com/atom.xml", "Deep Atom"),
    ]


def test_feeds_export_is_opml_of_the_subscriptions(newsdesk, db: Path) -> None:
    urls = ["https://one.example.com/feed?a=1&b=2", "https://two.example.com/rss"]
    newsdesk("feeds", "add", *urls, "--db", db)
    exported = newsdesk("feeds", "export", "--db", db)
    assert exported.returncode == 0
    assert exported.stdout.startswith("<?xml")
    parsed = read_opml(exported.stdout.encode(), Context.now("export.opml"))
    assert parsed.rejects == []
    assert [feed.url for feed in parsed.feeds] == urls


def test_feeds_export_reimports_to_the_same_subscriptions(
    newsdesk, db: Path, tmp_path: Path
) -> None:
    urls = ["https://one.example.com/feed?a=1&b=2", "https://two.example.com/rss"]
    newsdesk("feeds", "add", *urls, "--db", db)
    exported = tmp_path / "export.opml"
    exported.write_text(newsdesk("feeds", "export", "--db", db).stdout)
    other = tmp_path / "other.json"
    result = newsdesk("feeds", "add", exported, "--db", other)
    assert result.returncode == 0, result.stderr
    assert _feeds(newsdesk, other) == _feeds(newsdesk, db)


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "javascript:alert(1)", "ftp://x.example.com/f"]
)
def test_feeds_add_refuses_other_schemes(newsdesk, db: Path, target: str) -> None:
    newsdesk("feeds", "add", "https://ok.example.com/", "--db", db)
    before = db.read_bytes()
    line = _one_error_line(newsdesk("feeds", "add", target, "--db", db))
    assert target in line
    assert db.read_bytes() == before


def test_feeds_on_a_corrupt_store(newsdesk, db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_text("[not a store")
    for args in (("list",), ("export",), ("add", "https://x.example.com/"), ("remove", "1")):
        _one_error_line(newsdesk("feeds", *args, "--db", db))
    assert db.read_text() == "[not a store"


# --- where --db goes -----------------------------------------------------------------------------


def test_db_after_the_subcommand(newsdesk, db: Path, good_files: list[Path], env) -> None:
    result = newsdesk("import", "--db", db, good_files[1])
    assert result.returncode == 0, result.stderr
    assert [article.id for article in open_store(db).articles] == ["r-1"]
    assert not Path(env["XDG_DATA_HOME"], "newsdesk").exists()  # the default store is untouched


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("import", "{file}"), id="import"),
        pytest.param(("feeds", "add", "https://x.example.com/"), id="feeds-add"),
    ],
)
def test_db_before_the_subcommand(newsdesk, db: Path, good_files: list[Path], env, args) -> None:
    argv = [arg.format(file=good_files[1]) for arg in args]
    result = newsdesk("--db", db, *argv)
    assert result.returncode == 0, result.stderr
    assert db.exists()
    assert not Path(env["XDG_DATA_HOME"], "newsdesk").exists()


def test_store_written_by_import_is_a_valid_tinydb_file(
    newsdesk, db: Path, good_files: list[Path]
) -> None:
    newsdesk("import", *good_files, "--db", db)
    tables = orjson.loads(db.read_bytes())
    assert set(tables) >= {"meta", "articles"}
    assert all(isinstance(doc, dict) for doc in tables["articles"].values())
