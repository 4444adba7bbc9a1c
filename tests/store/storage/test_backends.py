"""Both backends behind one interface: documents read from their place, files written by
other programs read by their keys, and the single-file format of earlier versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from store.article import Article
from store.ingest.importer import import_into
from store.ingest.result import ReadResult
from store.query import parse_query
from store.session import open_store_session
from store.storage import FileBackend, FolderBackend, open_backend
from store.storage.base import locate


def articles(count: int) -> list[Article]:
    return [
        Article(id=f"a{i}", title=f"Story {i}", body=f"Harbour day {i}.", entities=())
        for i in range(count)
    ]


@pytest.mark.parametrize("name", ["articles", "articles.json"])
def test_an_article_is_read_from_its_place_without_parsing_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    store = tmp_path / name
    import_into(store, ReadResult(articles=articles(30)))
    session = open_store_session(store)

    def whole(self: object, part: int) -> dict[str, object]:
        raise AssertionError("the whole file was parsed for one document")

    monkeypatch.setattr(FileBackend, "read_part", whole)
    monkeypatch.setattr(FolderBackend, "read_part", whole)
    try:
        article = session.article("a7")
        assert article is not None and article.title == "Story 7"
    finally:
        session.index.close()


def test_a_store_tinydb_itself_wrote_is_read_by_keys(tmp_path: Path) -> None:
    store = tmp_path / "tiny.json"
    db = TinyDB(store, storage=JSONStorage, indent=2)  # not the layout newsdesk writes
    db.table("articles").insert_multiple(
        {"id": f"t{i}", "title": f"Tiny {i}", "body": "Harbour."} for i in range(5)
    )
    db.close()

    session = open_store_session(store)
    try:
        rows = session.index.search(parse_query("harbour"))
        assert len(rows) == 5
        assert {doc["id"] for doc in session.index.documents(rows)} == {f"t{i}" for i in range(5)}
    finally:
        session.index.close()


def test_locating_gives_up_after_the_first_document_it_cannot_find() -> None:
    raw = b'{"articles":{"1":{"a":1},"2":{"a": 2},"3":{"a":3}}}'
    found = list(locate(raw, [("1", {"a": 1}), ("2", {"a": 2}), ("3", {"a": 3})]))
    assert found[0][2:] == (raw.index(b'{"a":1}'), 7)
    assert [place[2:] for place in found[1:]] == [(None, None), (None, None)]


def test_which_backend_a_path_names(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("{}")
    assert isinstance(open_backend(tmp_path / "new"), FolderBackend)
    assert isinstance(open_backend(tmp_path / "folder"), FolderBackend)
    assert isinstance(open_backend(tmp_path / "new.json"), FileBackend)
    assert isinstance(open_backend(tmp_path / "file"), FileBackend)
