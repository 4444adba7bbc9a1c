"""Stores, indexes and inputs that are not what they should be: a damaged search index is
rebuilt from the store and never shows as a SQLite traceback; a FIFO or a device is refused
without waiting on it; documents a store holds that cannot be shown are reported on every
open; and a refused store gains nothing beside it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from store.article import Article
from store.index.schema import index_path_for
from store.session import open_store_session
from store.storage.library import create_store

NEWSDESK = Path(sys.executable).parent / "newsdesk"
COUNT = 400


def _articles(count: int = COUNT) -> list[Article]:
    return [
        Article(
            id=f"a{i}",
            title=f"Harbour story {i}",
            body=f"Report {i} from the harbour. " * 20,
            source="Wire",
            published=f"2024-01-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
        )
        for i in range(count)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store whose index has been built once (large enough for damage to hit its pages)."""
    path = tmp_path / "articles.json"
    create_store(path, _articles())
    open_store_session(path).index.close()
    assert index_path_for(path).stat().st_size > 64 * 1024
    return path


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEWSDESK), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def _garbage(path: Path) -> None:
    """Every page but the first overwritten: whatever a command reads of it is damaged."""
    size = max(path.stat().st_size, 16 * 1024)
    with path.open("r+b") as file:
        file.seek(4096)
        file.write(os.urandom(size - 4096))


def _truncated(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage-after-header": _garbage,
    "truncated": _truncated,
    "zero-bytes": lambda path: path.write_bytes(b""),
    "garbage-wal": lambda path: path.with_name(path.name + "-wal").write_bytes(os.urandom(40_000)),
    "garbage-shm": lambda path: path.with_name(path.name + "-shm").write_bytes(os.urandom(32_768)),
}


def _healthy(index: Path) -> None:
    conn = sqlite3.connect(index)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == COUNT
    finally:
        conn.close()


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
@pytest.mark.parametrize("command", ["search", "export"])
def test_a_damaged_index_is_rebuilt_by_every_command(
    store: Path, env: dict[str, str], damage: Callable[[Path], None], command: str
) -> None:
    damage(index_path_for(store))
    extra = ["--format", "json"] if command == "export" else ["--json"]

    result = run(env, command, "--db", str(store), "harbour", *extra)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "sqlite3" not in result.stderr
    assert len(json.loads(result.stdout)) == COUNT
    _healthy(index_path_for(store))


def test_a_damaged_index_is_rebuilt_after_the_store_changed(
    store: Path, env: dict[str, str]
) -> None:
    _garbage(index_path_for(store))
    tables = orjson.loads(store.read_bytes())
    tables["articles"]["9999"] = {"id": "new", "title": "Harbour freezes", "body": "Ice."}
    store.write_bytes(orjson.dumps(tables))

    for _ in range(2):  # the first run rebuilds; the next finds it in step
        result = run(env, "search", "--db", str(store), "harbour", "--json")
        assert result.returncode == 0, result.stderr
        assert "new" in [item["id"] for item in json.loads(result.stdout)]
    assert "Traceback" not in result.stderr


def test_an_import_into_a_store_with_a_damaged_index_leaves_it_rebuilt(
    store: Path, env: dict[str, str], tmp_path: Path
) -> None:
    _garbage(index_path_for(store))
    incoming = tmp_path / "incoming.json"
    incoming.write_text('[{"id": "late", "title": "Harbour late", "body": "Body."}]')

    imported = run(env, "import", "--db", str(store), str(incoming))
    found = run(env, "search", "--db", str(store), "harbour", "--json")

    assert imported.returncode == 0, imported.stderr
    assert found.returncode == 0, found.stderr
    assert len(json.loads(found.stdout)) == COUNT + 1


def test_damage_found_after_opening_is_rebuilt_on_the_next_command(store: Path) -> None:
    """The index was sound when opened and is damaged under the open connection."""
    from store.errors import IndexDamaged
    from store.query import parse_query

    session = open_store_session(store)
    _garbage(index_path_for(store))
    session.index.forget_cache()
    with pytest.raises(IndexDamaged):
        session.index.documents(session.index.search(parse_query("harbour")))
    session.catch_up()
    assert len(session.index.search(parse_query("harbour"))) == COUNT
    session.index.close()
    _healthy(index_path_for(store))


# --- not a regular file ------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "articles.json"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["search", "x"],
        ["export", "x"],
        ["store", "info"],
        ["feeds", "list"],
        ["feeds", "add", "https://wire.test/feed.xml"],
        ["fetch"],
        [],  # the app
    ],
    ids=lambda args: " ".join(args) or "app",
)
def test_a_fifo_as_the_store_is_refused_in_one_line_creating_nothing(
    fifo: Path, env: dict[str, str], args: list[str]
) -> None:
    result = run(env, "--db", str(fifo), *args)

    assert result.returncode == 2
    assert result.stderr == f"newsdesk: {fifo}: not a regular file, not a store file\n"
    assert [p.name for p in fifo.parent.iterdir() if p.name != "home"] == [fifo.name]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_as_the_store_is_refused(env: dict[str, str], device: str) -> None:
    result = run(env, "--db", device, "search", "x")
    assert result.returncode == 2
    assert result.stderr == f"newsdesk: {device}: not a regular file, not a store file\n"


def test_a_fifo_or_device_to_import_is_rejected_and_the_rest_imported(
    tmp_path: Path, env: dict[str, str]
) -> None:
    pipe = tmp_path / "incoming.json"
    os.mkfifo(pipe)
    good = tmp_path / "good.json"
    good.write_text('[{"id": "ok", "title": "Fine", "body": "Body."}]')
    store = tmp_path / "store.json"

    result = run(env, "import", "--db", str(store), str(pipe), "/dev/null", str(good))

    assert result.returncode == 1, result.stderr
    assert f"rejected: {pipe}: cannot read (not a regular file)" in result.stdout
    assert "rejected: /dev/null: cannot read (not a regular file)" in result.stdout
    assert result.stdout.startswith("1 added")


def test_a_fifo_as_the_only_input_creates_no_store(tmp_path: Path, env: dict[str, str]) -> None:
    pipe = tmp_path / "incoming.json"
    os.mkfifo(pipe)
    result = run(env, "import", "--db", str(tmp_path / "new.json"), str(pipe))
    assert result.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "incoming.json"]


def test_a_fifo_as_the_opml_to_add_is_refused(
    store: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    pipe = tmp_path / "feeds.opml"
    os.mkfifo(pipe)
    result = run(env, "feeds", "add", "--db", str(store), str(pipe))
    assert result.returncode == 2
    assert result.stderr == f"newsdesk: {pipe}: cannot read (not a regular file)\n"
    assert "feeds" not in orjson.loads(store.read_bytes())


def test_a_fifo_as_the_config_file_is_a_warning(
    store: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    pipe = tmp_path / "config.toml"
    os.mkfifo(pipe)
    result = run({**env, "NEWSDESK_CONFIG": str(pipe)}, "config", "show")
    assert result.returncode == 1  # a config with a problem, the defaults in effect
    assert f"{pipe}: cannot be read (not a regular file)" in result.stderr


def test_a_fifo_beside_the_store_as_its_index_keeps_the_index_in_memory(
    tmp_path: Path, env: dict[str, str]
) -> None:
    store = tmp_path / "articles.json"
    create_store(store, _articles(3))
    os.mkfifo(index_path_for(store))
    result = run(env, "search", "--db", str(store), "harbour", "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3


# --- documents a store holds that are left out -------------------------------------------


@pytest.fixture
def flawed(tmp_path: Path) -> Path:
    """A store with two invalid documents and a second copy of an id."""
    path = tmp_path / "articles.json"
    create_store(path, _articles(3))
    tables = orjson.loads(path.read_bytes())
    tables["articles"].update(
        {
            "10": {"id": "bad-1"},
            "11": {"id": "a1", "title": "A second a1", "body": "Copy."},
            "12": ["not", "a", "document"],
        }
    )
    path.write_bytes(orjson.dumps(tables))
    return path


def test_skipped_documents_are_said_on_every_run_not_only_the_first(
    flawed: Path, env: dict[str, str]
) -> None:
    line = (
        f"newsdesk: skipped 3 documents of {flawed} (2 invalid, 1 duplicate id); "
        "see newsdesk store info\n"
    )
    for _ in range(2):  # the second run opens an index already in step
        result = run(env, "search", "--db", str(flawed), "harbour", "--json")
        assert result.returncode == 0
        assert result.stderr == line
        assert len(json.loads(result.stdout)) == 3


def test_store_info_lists_the_skipped_documents_and_why(flawed: Path, env: dict[str, str]) -> None:
    run(env, "search", "--db", str(flawed), "x")
    result = run(env, "store", "info", "--db", str(flawed), "--json")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    info = json.loads(result.stdout)
    assert info["articles"] == 3
    assert [(s["item"], s["kind"]) for s in info["skipped"]] == [
        ("document 10", "invalid"),
        ("document 11", "duplicate id"),
        ("document 12", "invalid"),
    ]
    assert info["index"] == str(index_path_for(flawed))
    assert info["index_bytes"] > 0 and info["store_bytes"] == flawed.stat().st_size


def test_a_session_opened_on_an_index_in_step_reports_the_skipped(flawed: Path) -> None:
    open_store_session(flawed).index.close()
    session = open_store_session(flawed)  # in step: the store is not read again
    session.index.close()
    assert session.skipped() == f"skipped 3 documents of {flawed} (2 invalid, 1 duplicate id)"


# --- a refused store gains nothing -------------------------------------------------------

REFUSED: dict[str, Callable[[Path], None]] = {
    "not-json": lambda path: path.write_text("hello"),
    "newer-schema": lambda path: path.write_text('{"meta": {"1": {"schema_version": 99}}}'),
    "empty": lambda path: path.write_bytes(b""),
    "folder": lambda path: path.mkdir(),
}
WRITERS = {
    "import": lambda tmp: ["import", str(_incoming(tmp))],
    "feeds-add": lambda tmp: ["feeds", "add", "https://wire.test/feed.xml"],
    "feeds-remove": lambda tmp: ["feeds", "remove", "1"],
    "fetch": lambda tmp: ["fetch"],
    "search": lambda tmp: ["search", "x"],
    "app": lambda tmp: [],
}


def _incoming(folder: Path) -> Path:
    path = folder / "incoming.json"
    path.write_text('[{"id": "b", "title": "Later", "body": "Body."}]', encoding="utf-8")
    return path


@pytest.mark.parametrize("command", WRITERS.values(), ids=WRITERS.keys())
@pytest.mark.parametrize("kind", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_store_gains_no_lock_index_or_state_file(
    tmp_path: Path,
    env: dict[str, str],
    kind: Callable[[Path], None],
    command: Callable[[Path], list[str]],
) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    store = folder / "articles.json"
    kind(store)

    result = run(env, "--db", str(store), *command(tmp_path))

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert [p.name for p in folder.iterdir()] == ["articles.json"]
