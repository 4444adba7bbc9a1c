"""Durability: writers killed mid-write, writers racing, disks that refuse, newer stores.

The crash and race tests run real processes (``sys.executable``) for a bounded number of
rounds or seconds; run with ``-s`` to see their figures.
"""

from __future__ import annotations

import errno
import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from support.processes import Child, race
from tinydb import Query, TinyDB

from store.article import SCHEMA_VERSION, Article
from store.errors import StoreError
from store.ingest.importer import import_into
from store.ingest.result import ReadResult
from store.paths import state_path_for
from store.reading import (
    STATE_TABLE,
    ReadingState,
    fold_journal,
    upsert_documents,
    write_table,
)
from store.reading.snapshot import updating
from store.session import open_store_session
from store.storage import atomic as storage
from store.storage.atomic import (
    AtomicJSONStorage,
    holding,
    lock_for,
    read_tables,
    remove_leftovers,
)
from store.storage.library import create_store, open_store, seed_articles
from store.storage.segments import read_manifest

# --- kill -9 mid-write ---------------------------------------------------------------------

# Waits for "go", then alternately imports a new article into the store and toggles a flag
# in the state file, forever. Before each change it says what it is about to write
# ("begin ..."), after the call returns "ack": the parent kills it at a random moment.
_WRITER = r"""
import sys
from pathlib import Path
from store.article import Article
from store.ingest.importer import import_into
from store.ingest.result import ReadResult
from store.reading import ReadingState

store, state_path, run = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
print("ready", flush=True)
sys.stdin.readline()
state = ReadingState(state_path)
i = 0
while True:
    if i % 2 == 0:
        changed = i % 8 == 0 and i > 0  # an earlier article again, changed: an update
        aid = f"{run}-{i - 8}" if changed else f"{run}-{i}"
        article = Article(id=aid, title=f"Story {aid}", body="Changed." if changed else "Body.",
                          entities=(), published="2025-03-01T10:00:00+00:00")
        print(f"begin import {aid}", flush=True)
        import_into(store, ReadResult([article]))
        print("ack", flush=True)
    else:
        aid, flag = f"s{i % 11}", ("read" if i % 4 == 1 else "starred")
        now = state.is_read(aid) if flag == "read" else state.is_starred(aid)
        print(f"begin {flag} {aid} {not now}", flush=True)
        (state.toggle_read if flag == "read" else state.toggle_star)(aid)
        if state.error:
            print(f"error {state.error}", flush=True)
            break
        print("ack", flush=True)
    i += 1
"""


@dataclass
class Expected:
    """What the files must hold: every acknowledged change; the one in flight when the
    writer died may or may not have landed."""

    imports: set[str] = field(default_factory=set)
    flags: dict[tuple[str, str], bool] = field(default_factory=dict)
    lost: int = 0
    acknowledged: int = 0


def _replay(lines: list[str], expected: Expected) -> str | None:
    """Apply the acknowledged changes of a killed writer's output; the change in flight."""
    in_flight = None
    for line in lines:
        assert not line.startswith("error"), line
        if line.startswith("begin "):
            in_flight = line.removeprefix("begin ")
        elif line == "ack" and in_flight is not None:
            _apply(in_flight, expected)
            expected.acknowledged += 1
            in_flight = None
    return in_flight


def _apply(change: str, expected: Expected) -> None:
    kind, *rest = change.split()
    if kind == "import":
        expected.imports.add(rest[0])
    else:
        expected.flags[(rest[0], kind)] = rest[1] == "True"


def _check_files(store: Path, state_path: Path, expected: Expected, in_flight: str | None) -> None:
    """Both files load and hold every acknowledged change (counted in ``expected.lost``)."""
    if store.is_file():
        read_tables(store)
    else:  # every segment the manifest names is there and is a TinyDB file
        for segment in read_manifest(store).segments:
            TinyDB(store / "segments" / segment.file, storage=AtomicJSONStorage).all()
    loaded = open_store(store)
    assert not loaded.rejects, "an update killed midway leaves one copy of its article"
    stored = {article.id for article in loaded.articles}
    expected.lost += len(expected.imports - stored)
    state = ReadingState(state_path)
    assert state.error is None, state.error
    landed = {"read": state.is_read, "starred": state.is_starred}
    maybe = in_flight.split() if in_flight and not in_flight.startswith("import") else None
    for (aid, flag), value in expected.flags.items():
        if landed[flag](aid) != value and not (maybe and maybe[:2] == [flag, aid]):
            expected.lost += 1
    if in_flight is not None:  # whatever the dead writer left is what the next one sees
        if in_flight.startswith("import ") and in_flight.split()[1] in stored:
            expected.imports.add(in_flight.split()[1])
        elif maybe:
            expected.flags[(maybe[1], maybe[0])] = landed[maybe[0]](maybe[1])


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(storage.TEMP_SUFFIX))


def _leftovers(store: Path) -> list[str]:
    """Files a killed writer left: temporary ones, and segment files no manifest names."""
    if store.is_file():
        return _temp_files(store.parent)
    named = {segment.file for segment in read_manifest(store).segments}
    left = [p for p in store.rglob("*") if p.name.endswith(storage.TEMP_SUFFIX)]
    left += [p for p in (store / "segments").iterdir() if p.name not in named]
    return sorted(p.name for p in left)


@pytest.fixture(params=["file", "folder"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path, seed_path: Path) -> Path:
    """A store of either backend holding the bundled seed articles."""
    path = tmp_path / ("articles.json" if request.param == "file" else "articles")
    create_store(path, seed_articles(seed_path.parent))
    return path


def _writer(store: Path, state_path: Path, run: int, env: dict[str, str]) -> Child:
    return Child(_WRITER, [str(store), str(state_path), f"run{run}"], env)


KILLS = 30
STARTING = 2  # writers starting up while one writes: start-up is most of each round


def test_kill_9_mid_write_never_loses_an_acknowledged_change(
    any_store: Path, subprocess_env: dict[str, str]
) -> None:
    tmp_store = any_store
    state_path = state_path_for(tmp_store)
    expected, rng = Expected(), random.Random(6)
    most_temps = files_checked = mid_write = 0
    upcoming = [_writer(tmp_store, state_path, run, subprocess_env) for run in range(STARTING)]
    for run in range(KILLS):
        child = upcoming.pop(0)
        child.go()
        if run + STARTING < KILLS:
            upcoming.append(_writer(tmp_store, state_path, run + STARTING, subprocess_env))
        out = child.kill_after(rng.uniform(0.02, 0.15))
        assert child.process.returncode == -9, "killed while writing"
        in_flight = _replay(out.splitlines(), expected)
        _check_files(tmp_store, state_path, expected, in_flight)
        files_checked += 2
        temps = _leftovers(tmp_store)
        most_temps = max(most_temps, len(temps))
        mid_write += bool(temps)
        assert not any(name.endswith(".json") for name in temps if name.startswith(".")), temps

    print(
        f"\nkill -9: {KILLS} kills, {files_checked} files checked, "
        f"{expected.acknowledged} acknowledged changes, {expected.lost} lost, "
        f"{mid_write} kills left a temp file (killed mid-write), at most {most_temps} at once"
    )
    assert expected.lost == 0
    assert expected.acknowledged >= KILLS // 3, "the writers got to write"
    assert len(expected.imports) >= KILLS // 6
    # one leftover per file at most (a folder store's manifest, feeds and a segment): the
    # next writer sweeps them
    assert most_temps <= (2 if tmp_store.is_file() else 3)
    _write_both_once(tmp_store, state_path)
    assert _leftovers(tmp_store) == [], "a write sweeps what killed writers left"
    session = open_store_session(tmp_store)  # the search index, killed mid-update too
    try:
        assert all(session.article(aid) is not None for aid in expected.imports)
    finally:
        session.index.close()


def _write_both_once(store: Path, state_path: Path) -> None:
    article = Article(id="after", title="After", body="Body.", entities=())
    import_into(store, ReadResult([article]))
    ReadingState(state_path).toggle_star("after")


def test_leftover_temp_files_are_swept_only_for_their_own_file(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    store.write_bytes(b"{}")
    mine = tmp_path / ".articles.json.x1y2_3z4.tmp"
    others = [
        tmp_path / ".articles.state.json.x1y2_3z4.tmp",
        tmp_path / ".articles.json.bak.x1y2_3z4.tmp",
    ]
    for path in (mine, *others):
        path.write_bytes(b'{"half')

    with holding(lock_for(store)):
        assert remove_leftovers(store) == 1

    assert not mine.exists()
    assert all(path.exists() for path in others), "their writers may be mid-write"
    assert read_tables(store) == {}


# --- processes racing on one state file --------------------------------------------------

# Until its deadline, toggles read and star and sets tags on articles of its own, bumps a
# shared counter (read-modify-write under the lock) and flips flags of shared articles;
# then prints what it wrote, as JSON.
_RACER = r"""
import json, sys, time
from pathlib import Path
from tinydb import Query, TinyDB
from store.reading import ReadingState, write_table, STATE_TABLE

path, name, seconds = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
state = ReadingState(path)
own = {f"{name}-{j}": {"read": False, "starred": False, "tags": []} for j in range(8)}
shared, bumps, writes, i = {}, 0, 0, 0

def bump(table):
    found = table.search(Query().id == "counter")
    count = found[0].get(name, 0) if found else 0
    total = found[0].get("total", 0) if found else 0
    table.upsert({"id": "counter", name: count + 1, "total": total + 1}, Query().id == "counter")

deadline = time.monotonic() + seconds
while time.monotonic() < deadline and state.error is None:
    aid = f"{name}-{i % 8}"
    step = i % 5
    if step == 0:
        own[aid]["read"] = state.toggle_read(aid)
    elif step == 1:
        own[aid]["starred"] = state.toggle_star(aid)
    elif step == 2:
        tags = [f"t{i}", name]
        write_table(path, STATE_TABLE,
                    lambda t: t.upsert({"id": aid, "tags": tags}, Query().id == aid))
        own[aid]["tags"] = tags
    elif step == 3:
        write_table(path, STATE_TABLE, bump)
        bumps += 1
    else:
        sid = f"shared-{i % 3}"
        shared[sid] = state.toggle_star(sid)
    writes += 1
    i += 1
    time.sleep(0.002)  # at a reader's pace; a waiting process polls the lock every 50 ms
print(json.dumps({"own": own, "shared": shared, "bumps": bumps, "writes": writes,
                  "error": state.error}), flush=True)
"""

RACERS = ("left", "right", "third")
RACE_S = 2.5


def _race(path: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    outputs = race(_RACER, [[str(path), name, str(RACE_S)] for name in RACERS], env)
    return [json.loads(out) for out in outputs]


def test_three_processes_toggling_one_state_file_lose_no_update(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    path = tmp_path / "articles.state.json"
    reports = _race(path, subprocess_env)

    fold_journal(path)
    docs = list(read_tables(path)[STATE_TABLE].values())
    by_id = {doc["id"]: doc for doc in docs}
    assert len(by_id) == len(docs), "one document per article"
    final = ReadingState(path)
    assert final.error is None
    lost = 0
    for name, report in zip(RACERS, reports, strict=True):
        assert report["error"] is None, report["error"]
        for aid, wrote in report["own"].items():
            doc = by_id.get(aid, {})
            lost += final.is_read(aid) != wrote["read"]
            lost += final.is_starred(aid) != wrote["starred"]
            lost += doc.get("tags", []) != wrote["tags"]
        lost += by_id["counter"].get(name, 0) != report["bumps"]
    bumps = sum(report["bumps"] for report in reports)
    lost += by_id["counter"]["total"] != bumps
    for sid in {sid for report in reports for sid in report["shared"]}:
        last_writes = {report["shared"][sid] for report in reports if sid in report["shared"]}
        assert final.is_starred(sid) in last_writes, f"{sid} holds a value nobody wrote last"
    writes = sum(report["writes"] for report in reports)
    print(
        f"\nrace: {len(RACERS)} processes, {writes} writes in {RACE_S} s "
        f"({', '.join(str(r['writes']) for r in reports)}), counter {by_id['counter']['total']}"
        f" of {bumps} bumps, {lost} updates lost"
    )
    assert lost == 0
    assert all(report["writes"] >= 10 for report in reports), "each racer got to write"
    assert _temp_files(tmp_path) == []


def test_a_change_by_another_process_is_seen_by_the_next_write(tmp_path: Path) -> None:
    """The kept tables are dropped when the file is replaced behind this process's back."""
    path = tmp_path / "state.json"
    mine = ReadingState(path)
    mine.toggle_star("a")
    fold_journal(path)
    tables = read_tables(path)
    tables[STATE_TABLE]["99"] = {"id": "elsewhere", "read": True}
    storage.write_atomically(path, orjson.dumps(tables))  # as another process would

    mine.toggle_star("b")

    again = ReadingState(path)
    assert again.is_starred("a") and again.is_starred("b")
    assert again.is_read("elsewhere"), "the other process's write survived"


def test_a_file_edited_in_place_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mine = ReadingState(path)
    mine.toggle_star("a")
    fold_journal(path)
    raw = path.read_bytes().replace(b'"a"', b'"z"')
    with path.open("r+b") as file:  # same inode, as an editor saving in place would
        file.write(raw)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))

    mine.toggle_star("b")

    again = ReadingState(path)
    assert again.is_starred("z") and again.is_starred("b")
    assert not again.is_starred("a")


def test_upsert_documents_merges_by_id_like_tinydb(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b'{"state": {"3": {"id": "a", "read": true}, "7": {"id": "b"}}}')

    upsert_documents(path, STATE_TABLE, [{"id": "a", "starred": True}, {"id": "c", "read": 1}])
    write_table(path, STATE_TABLE, lambda table: table.insert({"id": "d"}))
    upsert_documents(path, STATE_TABLE, [{"id": "e"}])

    assert read_tables(path)[STATE_TABLE] == {
        "3": {"id": "a", "read": True, "starred": True},
        "7": {"id": "b"},
        "8": {"id": "c", "read": 1},
        "9": {"id": "d"},
        "10": {"id": "e"},
    }


# --- disks that refuse: full, read-only, permission denied --------------------------------

OLD = b'{"state": {"1": {"id": "kept", "read": true}}}'
REFUSALS = {
    "disk-full": (errno.ENOSPC, "disk full"),
    "read-only": (errno.EROFS, "read-only file system"),
    "denied": (errno.EACCES, "permission denied"),
}


def _refuse(monkeypatch: pytest.MonkeyPatch, where: str, code: int) -> None:
    """Make one step of an atomic write fail as the disk would."""

    def fail(*args: object, **kwargs: object) -> Any:
        raise OSError(code, os.strerror(code))

    if where == "mkstemp":  # the folder refuses a new file
        monkeypatch.setattr(storage.tempfile, "mkstemp", fail)
    elif where == "fsync":  # blocks allocated late: full at flush time
        monkeypatch.setattr(storage.os, "fsync", fail)
    else:
        monkeypatch.setattr(storage.os, "replace", fail)


WRITES: dict[str, Callable[[Path], None]] = {
    "storage": lambda path: AtomicJSONStorage(path).write({"state": {}}),
    "write_table": lambda path: write_table(path, STATE_TABLE, lambda t: t.insert({"id": "x"})),
    "upsert": lambda path: upsert_documents(path, STATE_TABLE, [{"id": "x", "read": True}]),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
@pytest.mark.parametrize("where", ["mkstemp", "fsync", "replace"])
@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_write_is_one_clear_line_and_changes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    refusal: tuple[int, str],
    where: str,
    write: Callable[[Path], None],
) -> None:
    code, cause = refusal
    path = tmp_path / "state.json"
    path.write_bytes(OLD)
    upsert_documents(path, STATE_TABLE, [{"id": "kept", "starred": True}])  # tables now kept
    before = path.read_bytes()
    _refuse(monkeypatch, where, code)

    with pytest.raises(StoreError) as caught:
        write(path)

    message = str(caught.value)
    assert "\n" not in message
    assert cause in message.lower() and str(path) in message
    assert path.read_bytes() == before
    assert _temp_files(tmp_path) == []
    monkeypatch.undo()
    upsert_documents(path, STATE_TABLE, [{"id": "later"}])
    assert [doc["id"] for doc in read_tables(path)[STATE_TABLE].values()] == ["kept", "later"], (
        "the refused change was not kept in memory and written later"
    )


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_reading_state_says_why_it_is_not_saved_and_keeps_the_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusal: tuple[int, str]
) -> None:
    code, cause = refusal
    path = tmp_path / "state.json"
    path.write_bytes(OLD)
    state = ReadingState(path)
    _refuse(monkeypatch, "fsync", code)

    assert state.toggle_star("new") is True

    assert state.error is not None
    assert state.error.startswith("reading state not saved: ")
    assert cause in state.error.lower() and "\n" not in state.error
    assert state.is_starred("new")
    assert path.read_bytes() == OLD


def test_a_lock_file_that_cannot_be_created_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(OLD)
    lock = lock_for(path)

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), lock.lock_file)

    monkeypatch.setattr(lock, "acquire", read_only)

    with pytest.raises(StoreError, match=r"(?i)cannot lock: read-only file system") as caught:
        upsert_documents(path, STATE_TABLE, [{"id": "x"}])
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == OLD


def test_an_import_the_disk_refuses_leaves_the_store_as_it_was(
    tmp_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tmp_store.read_bytes()
    _refuse(monkeypatch, "fsync", errno.ENOSPC)
    article = Article(id="new", title="New", body="Body.", entities=())

    with pytest.raises(StoreError, match="cannot write: disk full"):
        import_into(tmp_store, ReadResult([article]))

    assert tmp_store.read_bytes() == before
    assert _temp_files(tmp_store.parent) == []


def test_a_failure_inside_a_change_writes_nothing_and_keeps_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(OLD)

    with pytest.raises(RuntimeError), updating(path) as snapshot:
        snapshot.tables[STATE_TABLE]["2"] = {"id": "half-made"}
        raise RuntimeError("change failed")

    assert path.read_bytes() == OLD
    upsert_documents(path, STATE_TABLE, [{"id": "next"}])
    assert "half-made" not in path.read_text()


# --- a store written by a newer newsdesk --------------------------------------------------


def newer_store(path: Path) -> Path:
    tables = {
        "meta": {"1": {"schema_version": SCHEMA_VERSION + 1}},
        "articles": {"1": {"id": "a", "title": "From the future", "body": "Body."}},
    }
    path.write_bytes(orjson.dumps(tables))
    return path


def test_a_newer_store_is_refused_by_import_into_and_left_alone(tmp_path: Path) -> None:
    path = newer_store(tmp_path / "articles.json")
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns

    with pytest.raises(StoreError, match="newer newsdesk"):
        import_into(path, ReadResult([Article(id="b", title="B", entities=())]))

    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime


@pytest.fixture
def cli(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """``newsdesk ARGS`` run in this process, with no real user folders."""
    from tui.cli import main

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NEWSDESK_DB", raising=False)
    return lambda *args: main(list(args))


COMMANDS = {
    "app": lambda store, tmp: ["--db", str(store)],
    "import": lambda store, tmp: ["--db", str(store), "import", str(_articles_file(tmp))],
    "search": lambda store, tmp: ["--db", str(store), "search", "future"],
    "feeds-remove": lambda store, tmp: ["--db", str(store), "feeds", "remove", "1"],
}


def _articles_file(folder: Path) -> Path:
    path = folder / "incoming.json"
    path.write_text('[{"id": "b", "title": "Later", "body": "Body."}]', encoding="utf-8")
    return path


@pytest.mark.parametrize("large", [False, True], ids=["small", "streamed"])
@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_newer_store_is_refused_in_one_line_by_every_command_and_left_alone(
    tmp_path: Path,
    cli: Callable[..., int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: Callable[[Path, Path], list[str]],
    large: bool,
) -> None:
    if large:  # opened from a sniff of its head, read in the background
        monkeypatch.setattr("store.session.CATCH_UP_AT_ONCE_BYTES", 10)
    folder = tmp_path / "stores"
    folder.mkdir()
    store = newer_store(folder / "articles.json")
    store_bytes = store.read_bytes()
    tables = read_tables(store)
    tables["feeds"] = {"1": {"url": "https://wire.test/feed.xml"}}
    store.write_bytes(orjson.dumps(tables))
    before, mtime = store.read_bytes(), store.stat().st_mtime_ns
    assert before != store_bytes
    args = command(store, tmp_path)

    status = cli(*args)

    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "newer newsdesk" in err and "upgrade" in err, err
    assert store.read_bytes() == before
    assert store.stat().st_mtime_ns == mtime
    assert {p.name for p in folder.iterdir()} == {"articles.json"}  # no lock, index or state


def test_a_file_rewritten_document_by_document_is_what_orjson_would_write(
    tmp_path: Path,
) -> None:
    """After the first writes only changed documents are encoded again; the file must still
    be byte for byte the JSON of the whole tables."""
    path = tmp_path / "state.json"
    path.write_bytes(b'{"searches": {"1": {"name": "x", "query": "y"}}, "state": {}}')
    rng = random.Random(3)
    model: dict[str, dict[str, Any]] = {}
    for step in range(60):
        aid = f"a{rng.randrange(25)}"
        if step % 10 == 9:
            write_table(path, STATE_TABLE, lambda t, aid=aid: t.remove(Query().id == aid))
            model.pop(aid, None)
        else:
            doc = {"id": aid, "read": step % 2 == 0, "n": step}
            upsert_documents(path, STATE_TABLE, [doc])
            model.setdefault(aid, {}).update(doc)
        if step == 30:
            upsert_documents(path, "other", [{"id": "é", "tags": ["Zürich"]}])
        raw = path.read_bytes()
        assert raw == orjson.dumps(orjson.loads(raw)), f"step {step}"
        table = orjson.loads(raw)[STATE_TABLE]
        assert {doc["id"]: doc for doc in table.values()} == model, f"step {step}"
        assert len(table) == len(model), "one document per article"
    assert read_tables(path)["other"] == {"1": {"id": "é", "tags": ["Zürich"]}}
    assert read_tables(path)["searches"] == {"1": {"name": "x", "query": "y"}}


def test_two_threads_of_one_process_writing_one_file_lose_nothing(tmp_path: Path) -> None:
    """Threads share the file lock (holds nest), so the thread lock is what keeps them apart."""
    import threading

    path = tmp_path / "state.json"

    def mark(prefix: str) -> None:
        for i in range(100):
            upsert_documents(path, STATE_TABLE, [{"id": f"{prefix}{i}", "read": True}])

    threads = [threading.Thread(target=mark, args=(prefix,)) for prefix in ("ui", "worker")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ids = [doc["id"] for doc in read_tables(path)[STATE_TABLE].values()]
    assert len(ids) == len(set(ids)) == 200


def test_a_state_folder_that_cannot_be_created_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "mkdir", denied)
    state = ReadingState(tmp_path / "missing" / "state.json")

    state.toggle_read("a")

    assert state.error is not None and "\n" not in state.error
    assert "cannot create the folder: permission denied" in state.error.lower()
    assert state.is_read("a")


def test_a_list_written_and_changed_afterwards_in_memory_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    tags = ["first"]
    upsert_documents(path, STATE_TABLE, [{"id": "a", "tags": tags}])
    tags.append("never saved")

    upsert_documents(path, STATE_TABLE, [{"id": "b"}])
    write_table(path, STATE_TABLE, lambda table: table.insert({"id": "c"}))

    assert read_tables(path)[STATE_TABLE]["1"] == {"id": "a", "tags": ["first"]}
