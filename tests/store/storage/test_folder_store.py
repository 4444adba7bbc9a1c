"""The folder store: TinyDB segment files under a manifest, where a write costs what it
changes, the index reads only the segments that changed, and the reading pane reads one
document from its place in its segment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support.processes import Child
from tinydb import TinyDB

from store.article import Article
from store.errors import StoreError
from store.index import SearchIndex
from store.ingest.importer import import_into
from store.ingest.result import ReadResult, Subscription
from store.ingest.subscriptions import list_feeds, remove_feeds
from store.query import parse_query
from store.session import open_store_session
from store.storage import FolderBackend
from store.storage.atomic import AtomicJSONStorage
from store.storage.library import open_store
from store.storage.segments import read_manifest


def articles(count: int, start: int = 0, word: str = "harbour") -> list[Article]:
    return [
        Article(
            id=f"a{i}",
            title=f"Story {i} on the {word}",
            body=f"The {word} froze on day {i}. " * 20,
            source=f"Wire {i % 3}",
            published=f"2025-03-{1 + i % 28:02d}T08:{i % 60:02d}:00+00:00",
            entities=(),
        )
        for i in range(start, start + count)
    ]


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    from store.storage import segments

    monkeypatch.setattr(segments, "SEGMENT_ARTICLES", 10)


def segment_files(store: Path) -> dict[str, int]:
    """Segment file name -> modification time (ns)."""
    return {p.name: p.stat().st_mtime_ns for p in (store / "segments").iterdir()}


def search(store: Path, text: str) -> set[str]:
    index = SearchIndex.open(store)
    try:
        index.catch_up(store)
        return {row.id for row in index.rows(index.search(parse_query(text))).values()}
    finally:
        index.close()


@pytest.mark.usefixtures("small_segments")
def test_every_file_of_a_folder_store_is_a_tinydb_file(tmp_path: Path) -> None:
    store = tmp_path / "articles"
    feeds = [Subscription("https://wire.test/feed.xml", "Wire")]
    import_into(store, ReadResult(articles=articles(25), feeds=feeds))

    manifest = read_manifest(store)
    assert [segment.count for segment in manifest.segments] == [10, 10, 5]
    ids = set()
    for segment in manifest.segments:
        db = TinyDB(store / "segments" / segment.file, storage=AtomicJSONStorage)
        ids |= {doc["id"] for doc in db.table("articles").all()}
    assert ids == {f"a{i}" for i in range(25)}
    feeds_db = TinyDB(store / "feeds.json", storage=AtomicJSONStorage)
    assert [doc["url"] for doc in feeds_db.table("feeds").all()] == [feeds[0].url]
    assert {p.name for p in store.iterdir()} >= {"manifest.json", "segments", "feeds.json"}
    assert (store / "index.sqlite").is_file(), "the index lives inside the store's folder"


@pytest.mark.usefixtures("small_segments")
def test_adding_articles_rewrites_only_the_open_segment(tmp_path: Path) -> None:
    store = tmp_path / "articles"
    import_into(store, ReadResult(articles=articles(25)))
    before = segment_files(store)

    summary = import_into(store, ReadResult(articles=articles(3, start=25)))

    after = segment_files(store)
    assert summary.added == 3
    kept = set(before) & set(after)
    assert len(kept) == 2 and all(before[name] == after[name] for name in kept)
    assert len(set(after) - set(before)) == 1, "the open segment, written anew"
    assert search(store, "harbour") == {f"a{i}" for i in range(28)}


@pytest.mark.usefixtures("small_segments")
def test_a_changed_article_leaves_its_segment_and_loses_its_old_words(tmp_path: Path) -> None:
    store = tmp_path / "articles"
    import_into(store, ReadResult(articles=articles(25)))

    summary = import_into(store, ReadResult(articles=articles(1, start=3, word="quokka")))

    assert (summary.added, summary.updated) == (0, 1)
    assert search(store, "quokka") == {"a3"}
    assert "a3" not in search(store, "harbour")
    assert sum(segment.count for segment in read_manifest(store).segments) == 25
    assert len(open_store(store)) == 25


@pytest.mark.usefixtures("small_segments")
def test_a_segment_edited_by_hand_is_caught_up_reading_that_segment_alone(
    tmp_path: Path,
) -> None:
    store = tmp_path / "articles"
    import_into(store, ReadResult(articles=articles(25)))
    index = SearchIndex.open(store)
    index.catch_up(store)
    second = store / "segments" / read_manifest(store).segments[1].file
    tables = json.loads(second.read_text())
    key = next(iter(tables["articles"]))
    edited_id = tables["articles"][key]["id"]
    tables["articles"][key]["title"] = "Edited by hand: zeppelin"
    second.write_text(json.dumps(tables, indent=2))  # another layout: places are not known

    assert not index.in_step(store)
    report = index.catch_up(store)

    assert (report.parts_read, report.updated, report.added, report.removed) == (1, 1, 0, 0)
    [rowid] = index.search(parse_query("zeppelin"))
    article = index.article(rowid)
    assert article is not None and article.id == edited_id
    assert article.title == "Edited by hand: zeppelin"
    others = index.search(parse_query("harbour"))
    assert len(index.documents(others)) == 25, "every document still read from its segment"
    index.close()


@pytest.mark.usefixtures("small_segments")
def test_the_reading_pane_reads_a_document_from_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "articles"
    import_into(store, ReadResult(articles=articles(25)))
    session = open_store_session(store)

    def not_whole(self: FolderBackend, part: int) -> dict[str, object]:
        raise AssertionError("a whole segment was parsed for one document")

    monkeypatch.setattr(FolderBackend, "read_part", not_whole)
    article = session.article("a17")
    assert article is not None and article.title == "Story 17 on the harbour"
    session.index.close()


@pytest.mark.usefixtures("small_segments")
def test_a_segment_missing_or_a_broken_manifest_is_one_clear_line(tmp_path: Path) -> None:
    store = tmp_path / "articles"
    import_into(store, ReadResult(articles=articles(25)))
    first = store / "segments" / read_manifest(store).segments[0].file
    os.rename(first, first.with_suffix(".bak"))
    with pytest.raises(StoreError, match="missing"):
        open_store_session(store)
    os.rename(first.with_suffix(".bak"), first)
    (store / "manifest.json").write_text("{not json")
    with pytest.raises(StoreError, match="not a newsdesk manifest"):
        open_store_session(store)
    with pytest.raises(StoreError, match="not a newsdesk manifest"):
        import_into(store, ReadResult(articles=articles(1, start=90)))


def test_a_folder_holding_other_things_is_not_made_a_store(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(StoreError, match="is a folder, not a newsdesk store"):
        import_into(folder, ReadResult(articles=articles(1)))
    assert [p.name for p in folder.iterdir()] == ["cat.jpg"]


def test_a_refused_first_import_leaves_no_folder(tmp_path: Path) -> None:
    from store.entities import BackendUnavailable

    store = tmp_path / "articles"
    plain = [Article(id="x", title="T", body="Body.")]  # entities to extract
    with pytest.raises(BackendUnavailable):
        import_into(store, ReadResult(articles=plain), entities="spacy-missing-model")
    assert not store.exists()


def test_subscriptions_live_in_the_folder(tmp_path: Path) -> None:
    store = tmp_path / "articles"
    feeds = [Subscription(f"https://wire.test/{n}.xml", f"Wire {n}") for n in range(3)]
    import_into(store, ReadResult(articles=articles(2), feeds=feeds))
    manifest = (store / "manifest.json").read_bytes()

    assert remove_feeds(store, ["2"]) == ["https://wire.test/1.xml"]

    assert [feed.url for feed in list_feeds(store)] == [
        "https://wire.test/0.xml",
        "https://wire.test/2.xml",
    ]
    assert (store / "manifest.json").read_bytes() == manifest, "no article was rewritten"
    index = SearchIndex.open(store)
    assert index.in_step(store)
    index.close()


@pytest.fixture
def tiny_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    from store.storage import compaction, segments

    monkeypatch.setattr(segments, "SEGMENT_ARTICLES", 10)
    monkeypatch.setattr(compaction, "SMALL", 5)


def shrunk_store(tmp_path: Path, segments: int = 3) -> Path:
    """Full segments of ten, then seven articles of each but the last changed: they move
    to new segments, leaving three in each of the others."""
    store = tmp_path / "articles"
    import_into(store, ReadResult(articles=articles(10 * segments)))
    kept = {i for i in range(10 * (segments - 1)) if i % 10 >= 7}
    changed = articles(10 * (segments - 1) - 3, word="quokka")
    import_into(store, ReadResult(articles=[a for a in changed if int(a.id[1:]) not in kept]))
    return store


@pytest.mark.usefixtures("tiny_segments")
def test_compacting_merges_small_segments_and_keeps_the_index_in_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.storage.compaction import compact

    store = shrunk_store(tmp_path)
    counts = [segment.count for segment in read_manifest(store).segments]
    assert counts[:2] == [3, 3] and sum(counts) == 30

    report = compact(store)

    assert (report.merged, report.documents) == (2, 6)
    assert sum(s.count for s in read_manifest(store).segments) == 30
    assert all(s.count >= 5 for s in read_manifest(store).segments[:-1])
    index = SearchIndex.open(store)
    try:
        assert index.in_step(store), "compacting tells the index; nothing to catch up"

        def not_whole(self: FolderBackend, part: int) -> dict[str, object]:
            raise AssertionError("a document's place was not known after compacting")

        monkeypatch.setattr(FolderBackend, "read_part", not_whole)
        everything = index.search(parse_query(""))
        assert len(index.documents(everything)) == 30
        assert len(index.search(parse_query("quokka"))) == 14
    finally:
        index.close()


@pytest.mark.usefixtures("tiny_segments")
def test_compacting_rewrites_schema_1_documents_and_drops_lingering_words(
    tmp_path: Path,
) -> None:
    from store.storage.compaction import compact

    store = tmp_path / "articles"
    import_into(store, ReadResult(articles=articles(10)))
    first = store / "segments" / read_manifest(store).segments[0].file
    tables = json.loads(first.read_text())
    doc = tables["articles"]["1"]
    doc["entities"] = [{"start": 4, "end": 11, "kind": "place", "text": "harbour"}]
    tables["articles"]["2"]["body"] = "Rewritten by hand: zeppelin."
    first.write_text(json.dumps(tables))  # schema 1 entities; a body edited away
    index = SearchIndex.open(store)
    index.catch_up(store)
    assert index.lingering() == 2, "both documents changed by hand were gone to delete by"
    index.close()

    report = compact(store)

    assert report.words_rebuilt and report.documents == 10
    segment = read_manifest(store).segments[0]
    stored = json.loads((store / "segments" / segment.file).read_text())["articles"]
    assert [[4, 11, "place"]] in [d.get("entities") for d in stored.values()]
    index = SearchIndex.open(store)
    try:
        assert index.lingering() == 0 and index.in_step(store)
        assert len(index.search(parse_query("froze"))) == 9
        assert len(index.search(parse_query("zeppelin"))) == 1
    finally:
        index.close()


_COMPACTOR = """
import sys
from pathlib import Path
from store.storage import compaction, segments
segments.SEGMENT_ARTICLES = 10
compaction.SMALL = 5
print("ready", flush=True)
sys.stdin.readline()
compaction.compact(Path(sys.argv[1]))
print("done", flush=True)
"""


@pytest.mark.usefixtures("tiny_segments")
def test_a_compaction_killed_at_any_moment_loses_nothing(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    import random
    import shutil
    import time

    pristine = shrunk_store(tmp_path / "pristine", segments=20)
    everything = {f"a{i}" for i in range(200)}
    rng = random.Random(5)
    finished, took = 0, 0.0
    for run in range(9):
        store = tmp_path / f"run{run}" / "articles"
        shutil.copytree(pristine, store)
        child = Child(_COMPACTOR, [str(store)], subprocess_env)
        child.wait_ready()
        started = time.monotonic()
        child.go()
        # The first is timed, the others killed within that time.
        out = child.kill_after(rng.uniform(0, took)) if run else child.finish()
        took = took or time.monotonic() - started
        finished += "done" in out
        stored = open_store(store)
        assert len(stored) == 200 and not stored.rejects
        assert search(store, "harbour") | search(store, "quokka") == everything
    assert 1 <= finished < 9, "some compactions were killed before they were done"


def test_store_commands_on_a_folder_and_a_single_file_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    folder, single = tmp_path / "articles", tmp_path / "old.json"
    import_into(folder, ReadResult(articles=articles(12)))
    import_into(single, ReadResult(articles=articles(5)))

    assert main(["store", "info", "--db", str(folder), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["format"], info["segments"], info["articles"]) == ("folder", 1, 12)
    assert main(["store", "compact", "--db", str(single)]) == 2
    assert capsys.readouterr().err.count("\n") == 1

    target = tmp_path / "converted"
    assert main(["store", "convert", "--db", str(single), str(target)]) == 0
    assert {a.id for a in open_store(target).articles} == {f"a{i}" for i in range(5)}
    assert single.is_file(), "the single-file store is left as it was"
    assert main(["store", "convert", "--db", str(single), str(target)]) == 2


_APPENDER = """
import sys
from pathlib import Path
from store.article import Article
from store.ingest.importer import import_into
from store.ingest.result import ReadResult
from store.paths import state_path_for
from store.reading import ReadingState

store, name = Path(sys.argv[1]), sys.argv[2]
state = ReadingState(state_path_for(store))
for i in range(15):
    article = Article(id=f"{name}-{i}", title=f"{name} {i} harbour", body="Body.", entities=())
    import_into(store, ReadResult([article]))
    state.set_read(f"{name}-{i}")
print("done", flush=True)
"""


def test_two_processes_appending_and_marking_at_once_lose_nothing(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    import subprocess
    import sys

    from store.paths import state_path_for
    from store.reading import ReadingState

    store = tmp_path / "articles"
    import_into(store, ReadResult(articles=articles(5)))
    env = {**subprocess_env}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _APPENDER, str(store), name],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("left", "right")
    ]
    assert [child.communicate(timeout=120)[0] for child in children] == ["done\n"] * 2

    expected = {f"{name}-{i}" for name in ("left", "right") for i in range(15)}
    assert {a.id for a in open_store(store).articles} == expected | {f"a{i}" for i in range(5)}
    state = ReadingState(state_path_for(store))
    assert all(state.is_read(article_id) for article_id in expected)
    index = SearchIndex.open(store)
    try:
        assert index.in_step(store), "each import kept the index in step"
        assert len(index.search(parse_query("harbour"))) == 35
    finally:
        index.close()
