"""AtomicJSONStorage, write_atomically, read_tables and the inter-process lock."""

from __future__ import annotations

import errno
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from store.errors import LockTimeout, StoreError
from store.storage import atomic as storage
from store.storage.atomic import AtomicJSONStorage, holding, lock_for, read_tables, write_atomically

OLD = b'{"things": {"1": {"name": "old"}}}'


def _temp_files(folder: Path) -> list[str]:
    """Leftovers of ``write_atomically`` (``.<name>.<random>.tmp``)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _old_store(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    path.write_bytes(OLD)
    return path


# --- successful writes ---------------------------------------------------------------------


def test_write_replaces_content_with_valid_json_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = _old_store(tmp_path)
    data = {"things": {"1": {"name": "new", "city": "Zürich"}, "2": {"n": 2}}}

    AtomicJSONStorage(path).write(data)

    assert orjson.loads(path.read_bytes()) == data
    assert read_tables(path) == data
    assert _temp_files(tmp_path) == []
    assert {p.name for p in tmp_path.iterdir()} <= {"store.json", "store.json.lock"}


def test_write_atomically_writes_exact_payload(tmp_path: Path) -> None:
    path = _old_store(tmp_path)

    write_atomically(path, b'{"a": {}}')

    assert path.read_bytes() == b'{"a": {}}'
    assert _temp_files(tmp_path) == []


def test_storage_does_not_create_a_file_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"

    reader = AtomicJSONStorage(path)
    with pytest.raises(StoreError):
        reader.read()
    assert not path.exists()

    AtomicJSONStorage(path, create=True)
    assert read_tables(path) == {}


def test_tinydb_through_the_storage_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    db = TinyDB(path, storage=AtomicJSONStorage, create=True)
    db.table("t").insert({"title": "Café in Zürich"})

    assert read_tables(path) == {"t": {"1": {"title": "Café in Zürich"}}}
    assert TinyDB(path, storage=AtomicJSONStorage).table("t").all() == [{"title": "Café in Zürich"}]


def test_nested_holds_of_the_lock_reenter(tmp_path: Path) -> None:
    path = _old_store(tmp_path)

    with holding(lock_for(path)):
        AtomicJSONStorage(path).write({"n": {}})

    assert read_tables(path) == {"n": {}}


# --- crash simulations ---------------------------------------------------------------------


def test_crash_before_replace_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _old_store(tmp_path)
    seen: dict[str, object] = {}

    def crash(src: str, dst: str) -> None:
        seen["temp"] = Path(src)
        seen["temp_content"] = Path(src).read_bytes()
        raise OSError(errno.EIO, "simulated crash")

    monkeypatch.setattr(storage.os, "replace", crash)

    with pytest.raises(OSError, match="simulated crash"):
        write_atomically(path, b'{"things": {}}')

    assert seen["temp_content"] == b'{"things": {}}', "temp file was complete before replace"
    assert path.read_bytes() == OLD
    assert not Path(str(seen["temp"])).exists()
    assert _temp_files(tmp_path) == []


def test_interrupt_before_replace_also_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _old_store(tmp_path)

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(storage.os, "replace", interrupted)

    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, b"{}")

    assert path.read_bytes() == OLD
    assert _temp_files(tmp_path) == []


def test_storage_write_reports_failed_replace_as_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _old_store(tmp_path)

    def crash(src: str, dst: str) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(storage.os, "replace", crash)

    with pytest.raises(StoreError, match="Input/output error"):
        AtomicJSONStorage(path).write({"things": {}})

    assert path.read_bytes() == OLD
    assert _temp_files(tmp_path) == []


TABLES = {
    "_meta": {"1": {"schema_version": 1}},
    "articles": {
        "1": {"id": "a", "title": "Zürich \u2028 “quotes”", "tags": ["x"], "n": 1.5},
        "2": orjson.Fragment(b'{"id":"b","entities":[{"start":0,"end":1}]}'),
        3: {"id": "c", 7: "a number as a key"},
    },
    "empty": {},
}


def test_a_store_is_written_a_document_at_a_time_as_one_dump_would_write_it() -> None:
    whole = orjson.loads(storage.dump_tables(TABLES))
    parts = list(storage.table_parts(TABLES))
    assert orjson.loads(b"".join(parts)) == whole
    assert len(parts) > len(TABLES) + 3  # not one buffer


def test_a_write_that_cannot_encode_a_document_keeps_the_old_file(tmp_path: Path) -> None:
    path = _old_store(tmp_path)
    with pytest.raises(TypeError):
        AtomicJSONStorage(path).write({"things": {"1": {"id": "a"}, "2": {"when": object()}}})
    assert path.read_bytes() == OLD
    assert _temp_files(tmp_path) == []


def test_failed_temp_write_keeps_old_file_and_surfaces_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _old_store(tmp_path)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", no_space)

    with pytest.raises(StoreError) as caught:
        AtomicJSONStorage(path).write({"things": {"1": {"name": "new"}}})

    message = str(caught.value)
    assert "No space left on device" in message
    assert "\n" not in message
    assert path.read_bytes() == OLD
    assert _temp_files(tmp_path) == []


# --- the inter-process lock ----------------------------------------------------------------

# Takes the store's lock in another process, says so, and holds it until stdin has a line.
_HOLD_LOCK = r"""
import sys
from pathlib import Path
from store.storage.atomic import lock_for
with lock_for(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
print("released", flush=True)
"""


def test_write_times_out_while_another_process_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subprocess_env: dict[str, str]
) -> None:
    path = _old_store(tmp_path)
    monkeypatch.setattr(storage, "LOCK_TIMEOUT_S", 0.2)
    monkeypatch.setattr(storage, "_LOCKS", {})  # lock_for caches locks with their timeout

    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=subprocess_env,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "locked"

        writer = AtomicJSONStorage(path)
        with pytest.raises(LockTimeout) as caught:
            writer.write({"things": {}})
        assert "\n" not in str(caught.value)
        assert path.read_bytes() == OLD

        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "released"
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    writer.write({"things": {}})
    assert read_tables(path) == {"things": {}}


# --- read_tables errors --------------------------------------------------------------------


def _assert_one_line_store_error(path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        read_tables(path)
    message = str(caught.value)
    assert message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"

    _assert_one_line_store_error(path)

    assert not path.exists()


def test_directory(tmp_path: Path) -> None:
    path = tmp_path / "folder.json"
    path.mkdir()

    _assert_one_line_store_error(path)

    assert path.is_dir()
    assert list(path.iterdir()) == []


BAD_CONTENTS: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda valid: b"",
    "whitespace": lambda valid: b"  \n\t\r\n  ",
    "truncated": lambda valid: valid[: len(valid) // 2],
    "truncated-multiline": lambda valid: b'{\n  "articles": {\n    "1": {\n',
    "list": lambda valid: b'[{"articles": {}}]',
    "string": lambda valid: b'"articles"',
    "number": lambda valid: b"42",
    "null": lambda valid: b"null",
    "table-is-list": lambda valid: b'{"articles": [1, 2]}',
    "table-is-string": lambda valid: b'{"articles": {}, "meta": "v1"}',
    "two-documents": lambda valid: valid + b"\n" + valid,
    "binary": lambda valid: b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x80garbage",
    "bad-utf8-in-string": lambda valid: b'{"articles": {"1": {"title": "\xff\xfe"}}}',
}


@pytest.mark.parametrize("make_bad", BAD_CONTENTS.values(), ids=BAD_CONTENTS.keys())
def test_unreadable_contents_raise_one_line_store_error_and_stay_untouched(
    tmp_store: Path, make_bad: Callable[[bytes], bytes]
) -> None:
    bad = make_bad(tmp_store.read_bytes())
    tmp_store.write_bytes(bad)

    _assert_one_line_store_error(tmp_store)

    assert tmp_store.read_bytes() == bad


def test_valid_store_reads(tmp_store: Path) -> None:
    """Control for the error cases: the untouched fixture store parses."""
    tables = read_tables(tmp_store)

    assert set(tables) == {"articles", "meta"}


def test_atomic_write_keeps_the_replaced_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    path.write_text("{}")
    path.chmod(0o640)

    AtomicJSONStorage(path).write({"articles": {}})

    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert read_tables(path) == {"articles": {}}
