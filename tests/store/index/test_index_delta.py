"""An import writes its changes straight into an index that was in step with the store: the
result must be exactly what catching up from scratch builds, and a failure anywhere must
leave an index that is either in step or knows it is not."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from store.article import Article
from store.errors import StoreError
from store.index import SearchIndex, sync
from store.index.delta import ImportDelta
from store.index.schema import index_path_for
from store.ingest import extraction, importer
from store.ingest.importer import import_into
from store.ingest.result import ReadResult
from store.query import parse_query
from store.storage import FileBackend, FolderBackend, open_backend
from store.storage.library import open_store

NAMES = ("Israel Katz", "Ana Lima", "United Nations", "São Paulo", "Bank of England")


@pytest.fixture(params=["folder", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A store of either backend, not there yet."""
    return tmp_path / "store" / ("articles" if request.param == "folder" else "articles.json")


def store_files(store: Path) -> dict[str, bytes]:
    """The store's own files (not its index or lock), by name."""
    if store.is_file():
        return {store.name: store.read_bytes()}
    skip = ("index.sqlite", ".lock")
    return {
        str(path.relative_to(store)): path.read_bytes()
        for path in sorted(store.rglob("*"))
        if path.is_file() and not any(part in path.name for part in skip)
    }


def edit_by_hand(store: Path, change: Any) -> None:
    """Change the first stored document's table (``change(table)``) behind the index's back:
    the file of a single-file store, the first segment of a folder store, in place."""
    path = store if store.is_file() else sorted((store / "segments").iterdir())[0]
    tables = json.loads(path.read_text())
    change(tables["articles"])
    path.write_text(json.dumps(tables))


def stored_count(store: Path) -> int:
    return len(open_store(store))


def articles(count: int, start: int = 0, word: str = "zeppelin") -> list[Article]:
    """Articles with entities to extract, tags, shared publication seconds, and no date."""
    made = []
    for i in range(start, start + count):
        name = NAMES[i % len(NAMES)]
        made.append(
            Article(
                id=f"a{i}",
                title=f"Report {i} on {name}",
                body=f"{name} said on Tuesday that {i},000 people saw the {word} in Geneva. "
                f"Mr Obi of the World Bank agreed.",
                source=f"Source {i % 3}",
                author="Sam Obi" if i % 2 else "",
                published="" if i % 7 == 0 else f"2025-03-{1 + i % 5:02d}T08:00:00+00:00",
                tags=("world",) if i % 4 == 0 else (),
            )
        )
    return made


def contents(store: Path) -> dict[str, Any]:
    """Everything the index holds, keyed by article id rather than row id."""
    conn = sqlite3.connect(index_path_for(store))
    try:
        ids = dict(conn.execute("SELECT rowid, id FROM meta"))
        conn.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, fts, 'instance')")
        conn.execute("CREATE VIRTUAL TABLE temp.name_terms USING fts5vocab(main, names, 'row')")
        filed = {token for (token,) in conn.execute("SELECT token FROM name_tokens")}
        terms = {term for (term,) in conn.execute("SELECT term FROM temp.name_terms")}
        assert terms <= filed, "every name filed is there to expand a prefix to"
        return {
            "meta": sorted(
                conn.execute(
                    "SELECT id, fingerprint, published, source, title, sourcekey, indexed, "
                    "part, key, offset, length FROM meta"
                )
            ),
            "docs": documents(store, list(ids)),
            "pending": conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0],
            "lingering": conn.execute("SELECT COUNT(*) FROM lingering").fetchone()[0],
            "tags": sorted((tag, ids[r]) for tag, r in conn.execute("SELECT * FROM tags")),
            "names": sorted(
                (ids[r], forms) for r, forms in conn.execute("SELECT rowid, forms FROM names")
            ),
            "name_counts": sorted(conn.execute("SELECT term, doc FROM temp.name_terms")),
            "words": sorted(
                (term, ids[r], column, offset)
                for term, r, column, offset in conn.execute("SELECT * FROM temp.words")
                if r in ids  # not the words a removed article left behind (``lingering``)
            ),
            # row ids are time keys (ties may be broken either way)
            "dates": [d for (d,) in conn.execute("SELECT published FROM meta ORDER BY rowid")],
        }
    finally:
        conn.close()


def documents(store: Path, rowids: list[int]) -> dict[str, Any]:
    """The documents of ``rowids`` as the reading pane gets them, by article id."""
    index = SearchIndex.open(store)
    try:
        return {doc["id"]: doc for doc in index.documents(rowids)}
    finally:
        index.close()


def rebuilt(store: Path, folder: Path) -> dict[str, Any]:
    """What catching up a copy of ``store`` with no index builds."""
    folder.mkdir()
    copy = folder / store.name
    if store.is_file():
        shutil.copy(store, copy)
    else:
        shutil.copytree(store, copy, ignore=shutil.ignore_patterns("index.sqlite*", "*.lock"))
    index = SearchIndex.open(copy)
    try:
        index.catch_up(copy)
    finally:
        index.close()
    return contents(copy)


def catch_up(store: Path) -> None:
    index = SearchIndex.open(store)
    try:
        index.catch_up(store)
    finally:
        index.close()


def in_step(store: Path) -> bool:
    index = SearchIndex.open(store)
    try:
        return index.in_step(store)
    finally:
        index.close()


@pytest.fixture
def no_catching_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import must keep the index in step by itself."""

    def refused(*args: object) -> None:
        raise AssertionError("the index was caught up instead of updated")

    monkeypatch.setattr(importer, "refresh_index", refused)


@pytest.mark.usefixtures("no_catching_up")
def test_a_first_import_indexes_what_catching_up_builds(tmp_path: Path, store: Path) -> None:
    import_into(store, ReadResult(articles=articles(40)))

    assert contents(store) == rebuilt(store, tmp_path / "copy")
    assert len(contents(store)["meta"]) == 40
    assert in_step(store)


@pytest.mark.usefixtures("no_catching_up")
def test_changed_articles_lose_their_old_words_and_names(tmp_path: Path, store: Path) -> None:
    import_into(store, ReadResult(articles=articles(20)))

    summary = import_into(store, ReadResult(articles=articles(30, start=10, word="quokka")))

    assert (summary.added, summary.updated) == (20, 10)
    assert contents(store) == rebuilt(store, tmp_path / "copy")
    index = SearchIndex.open(store)
    try:
        zeppelins = {index.rows([r])[r].id for r in index.search(parse_query("zeppelin"))}
        assert zeppelins == {f"a{i}" for i in range(10)}
        assert len(index.search(parse_query("quokka"))) == 30
    finally:
        index.close()


@pytest.mark.usefixtures("no_catching_up")
def test_entities_extracted_in_worker_processes_are_indexed_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    monkeypatch.setattr(extraction, "PARALLEL_FROM", 2)
    monkeypatch.setattr(extraction, "CHUNK", 7)

    import_into(store, ReadResult(articles=articles(40)))

    assert contents(store) == rebuilt(store, tmp_path / "copy")
    names = [name for _, forms in contents(store)["names"] for name in forms.split()]
    assert any(name.startswith("p") for name in names)  # a person


def test_an_index_out_of_step_is_caught_up_after_the_import(tmp_path: Path, store: Path) -> None:
    import_into(store, ReadResult(articles=articles(10)))
    edit_by_hand(store, lambda table: table["1"].update(title="Edited by hand"))

    import_into(store, ReadResult(articles=articles(5, start=10)))

    # the words of the version edited away are not in the store to delete them by: they stay,
    # under a row id no search returns and no article takes
    found, expected = contents(store), rebuilt(store, tmp_path / "copy")
    assert (found.pop("lingering"), expected.pop("lingering")) == (1, 0)
    assert found == expected
    index = SearchIndex.open(store)
    try:
        hits = index.search(parse_query("report"))
        assert len(hits) == 14 and set(index.rows(hits)) == set(hits)
    finally:
        index.close()
    assert ("a0", "Edited by hand") in {(m[0], m[4]) for m in contents(store)["meta"]}
    assert in_step(store)


def test_a_failed_store_write_leaves_the_index_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    import_into(store, ReadResult(articles=articles(10)))
    before = contents(store)

    def full_disk(*args: object) -> None:
        raise StoreError("cannot write: no space left on device")

    monkeypatch.setattr(FileBackend, "write", full_disk)
    monkeypatch.setattr(FolderBackend, "write", full_disk)
    with pytest.raises(StoreError):
        import_into(store, ReadResult(articles=articles(10, start=5, word="quokka")))

    assert contents(store) == before
    assert in_step(store)


def test_a_failure_while_new_documents_are_being_written_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    """New documents go into the store file as their entities arrive: a failure after some
    were written leaves the old file, no temporary one, and the index as it was."""
    import_into(store, ReadResult(articles=articles(10)))
    before, stored = contents(store), store_files(store)
    chunk = extraction.Batch.chunk

    def second_fails(self: extraction.Batch, number: int) -> list[extraction.Found]:
        if number == 1:
            raise RuntimeError("worker died")
        return chunk(self, number)

    monkeypatch.setattr(extraction, "CHUNK", 4)
    monkeypatch.setattr(extraction.Batch, "chunk", second_fails)
    with pytest.raises(RuntimeError, match="worker died"):
        import_into(store, ReadResult(articles=articles(10, start=5, word="quokka")))

    assert store_files(store) == stored
    assert [path.name for path in store.parent.rglob("*") if ".tmp" in path.name] == []
    assert contents(store) == before
    assert in_step(store)


def test_an_index_that_cannot_take_the_changes_is_caught_up_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    import_into(store, ReadResult(articles=articles(10)))

    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sync, "relocate", broken)
    summary = import_into(store, ReadResult(articles=articles(10, start=5, word="quokka")))

    assert (summary.added, summary.updated) == (5, 5)
    assert contents(store) == rebuilt(store, tmp_path / "copy")
    assert in_step(store)


def test_dying_between_the_store_and_the_index_is_caught_up_on_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    import_into(store, ReadResult(articles=articles(10)))

    def killed(self: ImportDelta) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(ImportDelta, "commit", killed)
    with pytest.raises(KeyboardInterrupt):
        import_into(store, ReadResult(articles=articles(10, start=5, word="quokka")))
    monkeypatch.undo()

    assert stored_count(store) == 15  # the store was written
    assert not in_step(store)
    catch_up(store)
    # the five replaced versions are gone from the store: their words stay (``lingering``)
    found, expected = contents(store), rebuilt(store, tmp_path / "copy")
    assert (found.pop("lingering"), expected.pop("lingering")) == (5, 0)
    assert found == expected


def test_while_an_import_writes_the_index_others_open_it_and_wait_their_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    """A reader opens the index as it was; catching up says "busy" (the app retries) rather
    than failing, or building an index of its own in memory."""
    from store.errors import IndexBusy
    from store.index import schema
    from store.index.delta import import_delta

    monkeypatch.setattr(schema, "BUSY_MS", 50)
    import_into(store, ReadResult(articles=articles(10)))
    with import_delta(open_backend(store), new_store=False) as delta:
        assert delta is not None  # holds the index's write lock from here
        edit_by_hand(store, lambda table: table.pop("1"))
        index = SearchIndex.open(store)
        try:
            assert index.path is not None and index.note == ""
            assert len(index.search(parse_query(""))) == 10
            with pytest.raises(IndexBusy):
                index.catch_up(store)
        finally:
            index.close()
    assert not in_step(store)


def test_an_import_that_cannot_get_the_index_writes_the_store_and_catches_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    """Another process writing the index for longer than the import will wait: the import
    still lands, and the index is caught up (or left to the next open)."""
    from store.index import schema

    monkeypatch.setattr(schema, "BUSY_MS", 50)
    import_into(store, ReadResult(articles=articles(10)))
    other = schema.connect(index_path_for(store))
    other.execute("BEGIN IMMEDIATE")
    try:
        summary = import_into(store, ReadResult(articles=articles(5, start=10)))
    finally:
        other.rollback()
        other.close()

    assert summary.added == 5
    assert stored_count(store) == 15
    catch_up(store)
    assert contents(store) == rebuilt(store, tmp_path / "copy")


@pytest.mark.usefixtures("no_catching_up")
def test_an_import_taken_in_batches_writes_once_and_indexes_what_catching_up_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    """Batches of 7: new articles fill the open segment while later batches still change
    articles stored in it (a removal known only after it was written), duplicates span
    batches, and the index ends exactly as catching up builds it."""
    monkeypatch.setattr(importer, "BATCH", 7)
    import_into(store, ReadResult(articles=articles(12)))
    signature = open_backend(store).signature()
    incoming = articles(20, start=12) + articles(12, word="quokka") + articles(3, start=12)

    summary = import_into(store, ReadResult(articles=incoming))

    assert (summary.added, summary.updated, summary.duplicates) == (20, 12, 3)
    assert stored_count(store) == 32
    assert contents(store) == rebuilt(store, tmp_path / "copy")
    assert open_backend(store).signature() != signature
    index = SearchIndex.open(store)
    try:
        zeppelins = {index.rows([r])[r].id for r in index.search(parse_query("zeppelin"))}
        assert zeppelins == {f"a{i}" for i in range(12, 32)}
        assert len(index.search(parse_query("zeppelin"))) == 20
        assert len(index.search(parse_query("quokka"))) == 12
    finally:
        index.close()


def test_an_import_that_fails_in_a_later_batch_leaves_store_and_index_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Path
) -> None:
    """All or nothing across batches: documents of the first batches were already written
    when the input fails."""
    import_into(store, ReadResult(articles=articles(10)))
    before, stored = contents(store), store_files(store)

    def batches() -> Any:
        yield ReadResult(articles=articles(5, start=10))
        yield ReadResult(articles=articles(5, start=0, word="quokka"))
        yield ReadResult(articles=articles(5, start=15))
        raise OSError("the input went away")

    monkeypatch.setattr(extraction, "CHUNK", 2)
    with pytest.raises(OSError, match="went away"):
        importer.import_batches(store, batches())

    assert store_files(store) == stored
    assert [path.name for path in store.parent.rglob("*") if ".tmp" in path.name] == []
    assert contents(store) == before
    assert in_step(store)


def test_an_import_of_nothing_usable_makes_no_store(tmp_path: Path, store: Path) -> None:
    from store.rejects import Reject

    summary = importer.import_batches(store, [ReadResult(rejects=[Reject("x", "", "bad")])])

    assert summary.rejected and not summary.usable
    assert not store.exists()
