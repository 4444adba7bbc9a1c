"""The default store of earlier versions (``articles.json`` and the files beside it) moves
into a folder store on first open, losing nothing even when killed at any moment."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.processes import Child

from store.article import Article
from store.errors import StoreError
from store.index import SearchIndex
from store.ingest.importer import import_into
from store.ingest.result import ReadResult, Subscription
from store.ingest.subscriptions import list_feeds
from store.paths import reader_state_path, state_path_for
from store.reading import ReadingState
from store.session import resolve_store
from store.storage.library import open_store


def articles(count: int) -> list[Article]:
    return [
        Article(
            id=f"a{i}",
            title=f"Story {i}",
            body=f"Harbour report {i}. " * 30,
            published=f"2025-03-01T08:{i % 60:02d}:00+00:00",
            entities=(),
        )
        for i in range(count)
    ]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The platform's data folder of newsdesk, empty."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("NEWSDESK_DB", raising=False)
    folder = tmp_path / "data" / "newsdesk"
    folder.mkdir(parents=True)
    return folder


def old_store(data: Path, count: int = 30) -> Path:
    """A default store as earlier versions left it: store, index, state with a journal, a
    remote reader's state."""
    old = data / "articles.json"
    feeds = [Subscription("https://wire.test/feed.xml", "Wire")]
    import_into(old, ReadResult(articles=articles(count), feeds=feeds))
    state = ReadingState(state_path_for(old))
    state.set_read("a1")
    state.toggle_star("a2")
    alice = ReadingState(reader_state_path(old, "alice"))
    alice.set_read("a3")
    return old


def test_the_old_default_store_moves_into_the_folder_with_everything_beside_it(
    data: Path,
) -> None:
    old = old_store(data)

    folder = resolve_store(None)

    assert folder == data / "articles" and (folder / "manifest.json").is_file()
    assert {a.id for a in open_store(folder).articles} == {f"a{i}" for i in range(30)}
    assert [feed.url for feed in list_feeds(folder)] == ["https://wire.test/feed.xml"]
    state = ReadingState(state_path_for(folder))
    assert state.is_read("a1") and state.is_starred("a2") and not state.is_read("a0")
    assert ReadingState(reader_state_path(folder, "alice")).is_read("a3")
    assert sorted(p.name for p in data.iterdir()) == ["articles"], "the old files are gone"
    assert not old.exists()
    index = SearchIndex.open(folder)
    try:
        index.catch_up(folder)
        assert index.count() == 30
    finally:
        index.close()
    assert resolve_store(None) == folder, "a second open finds it moved"


def test_a_broken_old_store_is_left_as_it_was(data: Path) -> None:
    old = data / "articles.json"
    old.write_text("{not json")
    with pytest.raises(StoreError, match="not valid JSON"):
        resolve_store(None)
    assert old.read_text() == "{not json"
    assert sorted(p.name for p in data.iterdir()) == ["articles.json"]


_MIGRATE = """
import sys
from store.session import resolve_store
print("ready", flush=True)
sys.stdin.readline()
print(resolve_store(None), flush=True)
"""


def _migrator(env: dict[str, str]) -> Child:
    """A process about to migrate: it starts when told (``go``)."""
    return Child(_MIGRATE, [], env)


def test_a_migration_killed_at_any_moment_loses_nothing(
    data: Path, subprocess_env: dict[str, str]
) -> None:
    """Killed at random moments, then run again: every article and flag arrives once."""
    old = old_store(data, count=1500)
    pristine = data.parent / "pristine"
    shutil.copytree(data, pristine)
    env = {**subprocess_env, "XDG_DATA_HOME": str(data.parent)}
    rng = random.Random(17)
    timed = _migrator(env)
    timed.wait_ready()
    started = time.monotonic()
    timed.go()
    timed.finish()
    took = time.monotonic() - started
    outcomes = set()
    for _ in range(8):
        shutil.rmtree(data)
        shutil.copytree(pristine, data)
        child = _migrator(env)
        child.go()
        child.kill_after(rng.uniform(0, took))
        folder_done = (data / "articles" / "manifest.json").is_file()
        outcomes.add("moved" if folder_done else "not yet")
        if not folder_done:
            assert old.read_bytes() == (pristine / "articles.json").read_bytes()
        done = subprocess.run(
            [sys.executable, "-c", _MIGRATE], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        folder = data / "articles"
        assert len({a.id for a in open_store(folder).articles}) == 1500
        assert ReadingState(state_path_for(folder)).is_read("a1")
        assert sorted(p.name for p in data.iterdir()) == ["articles"]
    print(f"\nmigration ({took:.2f} s) killed 8 times: {sorted(outcomes)}")
    assert outcomes == {"moved", "not yet"}, "killed both before and after the move"
