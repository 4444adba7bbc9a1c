"""ReadingState: persistence, isolation from the article store, corruption, concurrency."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from support.processes import race

from store.paths import state_path_for
from store.reading import STATE_TABLE, ReadingState, fold_journal
from store.reading.journal import journal_path
from store.storage import atomic as storage
from store.storage.atomic import read_tables


def test_set_read_and_toggles_persist_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "articles.state.json"
    state = ReadingState(path)

    state.set_read("a")
    assert state.toggle_star("b") is True
    assert state.toggle_read("c") is True
    assert state.writable

    again = ReadingState(path)
    assert again.is_read("a")
    assert not again.is_starred("a")
    assert again.is_starred("b")
    assert not again.is_read("b")
    assert again.is_read("c")
    assert not again.is_read("never-touched")

    assert again.toggle_read("a") is False
    assert again.toggle_star("b") is False
    again.set_read("c", read=False)

    third = ReadingState(path)
    assert not third.is_read("a")
    assert not third.is_starred("b")
    assert not third.is_read("c")


def test_changes_to_one_flag_keep_the_other(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path)
    state.toggle_star("a")
    state.set_read("a")
    state.toggle_read("a")

    reloaded = ReadingState(path)
    assert reloaded.is_starred("a")
    assert not reloaded.is_read("a")
    fold_journal(path)
    docs = list(read_tables(path)[STATE_TABLE].values())
    assert len(docs) == 1, "one document per article"
    assert docs[0]["id"] == "a"
    assert "opened" in docs[0], "set_read records when the article was opened"


def test_missing_state_file_is_fine_and_not_created_by_reading(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.json"

    state = ReadingState(path)

    assert state.writable
    assert state.error is None
    assert not state.is_read("a")
    assert not path.exists()


def test_state_changes_never_write_the_article_store(tmp_store: Path) -> None:
    before = tmp_store.read_bytes()
    before_mtime = tmp_store.stat().st_mtime_ns
    state_path = state_path_for(tmp_store)
    assert state_path != tmp_store

    state = ReadingState(state_path)
    for i in range(5):
        state.set_read(f"a{i}")
        state.toggle_star(f"a{i}")
        state.toggle_read(f"a{i}")
    ReadingState(state_path).toggle_star("a0")

    assert journal_path(state_path).exists()
    assert ReadingState(state_path).is_starred("a1")
    assert tmp_store.read_bytes() == before
    assert tmp_store.stat().st_mtime_ns == before_mtime


CORRUPT = {
    "truncated": b'{"state": {"1": {"id": "a", "re',
    "empty": b"",
    "binary": b"\x00\xff\xfe\x80 not json",
    "list": b'[{"id": "a"}]',
    "table-not-object": b'{"state": [1, 2]}',
    "documents-not-objects": b'{"state": {"1": "a", "2": [1]}}',
}


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_corrupt_state_file_is_read_only_but_flags_work_in_memory(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)

    state = ReadingState(path)

    assert state.writable is False
    assert state.error
    assert "\n" not in state.error

    assert state.toggle_star("a") is True
    assert state.is_starred("a")
    state.set_read("b")
    assert state.is_read("b")
    assert state.toggle_read("b") is False
    assert not state.is_read("b")

    assert path.read_bytes() == content


def test_write_failure_turns_state_read_only_and_keeps_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path)
    state.toggle_star("a")
    saved = journal_path(path).read_bytes()

    def broken_disk(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(storage.os, "fsync", broken_disk)
    state.set_read("b")

    assert state.writable is False
    assert state.error and "\n" not in state.error
    assert state.is_read("b")
    assert journal_path(path).read_bytes() == saved, "the change that failed is not kept"
    assert not path.exists()


# Toggles star and read on ``n`` ids of its own once stdin says "go"; reports its error state.
_TOGGLER = r"""
import sys
from pathlib import Path
from store.reading import ReadingState
path, prefix, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
state = ReadingState(path)
print("ready", flush=True)
sys.stdin.readline()
for i in range(n):
    state.toggle_star(f"{prefix}-{i}")
    state.toggle_read(f"{prefix}-{i}")
print("ok" if state.writable else f"error: {state.error}", flush=True)
"""


def test_two_processes_toggling_concurrently_lose_no_update(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    path = tmp_path / "shared.state.json"
    n = 30
    prefixes = ("left", "right")
    outputs = race(_TOGGLER, [[str(path), prefix, str(n)] for prefix in prefixes], subprocess_env)
    assert [out.strip() for out in outputs] == ["ok", "ok"]

    fold_journal(path)
    docs = list(read_tables(path)[STATE_TABLE].values())
    ids = [doc["id"] for doc in docs]
    assert len(ids) == len(set(ids)) == 2 * n
    final = ReadingState(path)
    for prefix in prefixes:
        for i in range(n):
            assert final.is_starred(f"{prefix}-{i}"), f"lost star of {prefix}-{i}"
            assert final.is_read(f"{prefix}-{i}"), f"lost read of {prefix}-{i}"
