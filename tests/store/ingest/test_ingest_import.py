"""``import_into``: idempotent merges, one atomic write, and a store that survives crashes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
import support

from store.article import ENTITY_KINDS, SCHEMA_VERSION, Article
from store.errors import StoreError
from store.ingest.importer import import_into
from store.ingest.mapping import Context
from store.ingest.opml import read_opml
from store.ingest.reader import read_bytes, read_paths
from store.ingest.result import ReadResult
from store.query import parse_query
from store.session import open_store_session
from store.storage import FileBackend
from store.storage.library import open_store

FIXTURES = support.FIXTURES / "ingest"


def _json(records: object, source: str = "in.json") -> ReadResult:
    return read_bytes(json.dumps(records).encode(), source)


def _tables(store: Path) -> dict:
    return orjson.loads(store.read_bytes())


def _docs(store: Path) -> dict[str, dict]:
    return {doc["id"]: doc for doc in _tables(store)["articles"].values()}


@pytest.fixture
def fetch_time(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set the time readers take as "now" for records without a date."""

    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(Context, "now", classmethod(lambda cls, source: cls(source, moment)))

    return set_now


_RECORDS = [
    {"id": "a-1", "title": "Tram vote", "body": "Officials in Zürich met on Monday.",
     "published": "2024-03-01T10:00:00Z"},
    {"id": "a-2", "title": "Harbour", "body": "The harbour in Lisbon reopened.",
     "published": "2024-03-02T10:00:00Z"},
    {"title": "No id, no date", "body": "Residents of Geneva were consulted."},
]  # fmt: skip


# --- idempotence -----------------------------------------------------------------------------


def test_same_input_twice_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "articles.json"
    first = import_into(store, _json(_RECORDS))
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    before = store.read_bytes()
    mtime = store.stat().st_mtime_ns

    writes: list[object] = []
    monkeypatch.setattr(FileBackend, "write", lambda *args: writes.append(1))
    second = import_into(store, _json(_RECORDS))
    assert (second.added, second.updated, second.unchanged) == (0, 0, 3)
    assert writes == []  # nothing changed, so the store is not rewritten
    assert store.read_bytes() == before
    assert store.stat().st_mtime_ns == mtime


def test_changed_article_is_updated_not_duplicated(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    import_into(store, _json(_RECORDS))
    changed = dict(_RECORDS[0], body="Officials in Paris met the mayor of Oslo on Tuesday.")
    summary = import_into(store, _json([changed, _RECORDS[1]]))
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 1)
    docs = _docs(store)
    assert len(_tables(store)["articles"]) == 3
    doc = docs["a-1"]
    assert doc["body"] == changed["body"]
    texts = {doc["body"][start:end] for start, end, _ in doc["entities"]}
    assert {"Paris", "Oslo"} <= texts
    assert "Zürich" not in texts
    assert all(len(entity) == 3 for entity in doc["entities"]), "the text is the body's"


def test_guessed_date_is_not_a_change(tmp_path: Path, fetch_time) -> None:
    store = tmp_path / "articles.json"
    record = {"id": "undated", "title": "Undated", "body": "No date here."}
    fetch_time(datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    assert import_into(store, _json([record])).added == 1
    fetch_time(datetime(2024, 6, 1, 12, 0, tzinfo=UTC))
    summary = import_into(store, _json([record]))
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 1)
    doc = _docs(store)["undated"]
    assert doc["published"] == "2024-05-01T12:00:00+00:00"
    assert doc["published_estimated"] == "missing"


def test_changed_article_with_guessed_date_keeps_the_first_guess(
    tmp_path: Path, fetch_time
) -> None:
    store = tmp_path / "articles.json"
    fetch_time(datetime(2024, 5, 1, tzinfo=UTC))
    import_into(store, _json([{"id": "u", "title": "Undated", "body": "Old body."}]))
    fetch_time(datetime(2024, 6, 1, tzinfo=UTC))
    summary = import_into(store, _json([{"id": "u", "title": "Undated", "body": "New body."}]))
    assert summary.updated == 1
    doc = _docs(store)["u"]
    assert (doc["body"], doc["published"]) == ("New body.", "2024-05-01T00:00:00+00:00")


def test_missing_date_does_not_override_a_real_one(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    dated = {"id": "k", "title": "T", "body": "B", "published": "2024-01-01T00:00:00Z"}
    import_into(store, _json([dated]))
    undated = {"id": "k", "title": "T", "body": "B"}
    summary = import_into(store, _json([undated]))
    assert (summary.updated, summary.unchanged) == (0, 1)
    assert "published_estimated" not in _docs(store)["k"]


def test_same_file_by_another_path_is_not_added_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "noid.json").write_text(json.dumps([{"title": "No id", "body": "Body"}]))
    (folder / "note.txt").write_text("Text title\nbody text\n")
    store = tmp_path / "articles.json"
    monkeypatch.chdir(tmp_path)
    relative = [Path("in/noid.json"), Path("in/note.txt")]
    assert import_into(store, read_paths(relative)).added == 2
    again = import_into(store, read_paths([folder.resolve() / p.name for p in relative]))
    assert again.added == 0


# --- the store file ----------------------------------------------------------------------------


def test_missing_store_is_created(tmp_path: Path) -> None:
    store = tmp_path / "deep" / "er" / "articles.json"
    summary = import_into(store, _json(_RECORDS[:1]))
    assert summary.added == 1
    tables = _tables(store)
    assert list(tables["meta"].values()) == [{"schema_version": SCHEMA_VERSION}]
    assert [article.id for article in open_store(store).articles] == ["a-1"]


def test_empty_result_still_creates_a_valid_store(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    import_into(store, ReadResult())
    assert len(open_store(store)) == 0


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"articles": {"1": {"title": "x"', id="truncated-json"),
        pytest.param(b"", id="empty"),
        pytest.param(b"[1, 2, 3]", id="array"),
        pytest.param(b'{"articles": []}', id="table-not-object"),
        pytest.param(b"\x00\x01binary", id="binary"),
    ],
)
def test_corrupt_store_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    store = tmp_path / "articles.json"
    store.write_bytes(content)
    with pytest.raises(StoreError):
        import_into(store, _json(_RECORDS))
    assert store.read_bytes() == content


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    content = json.dumps({"meta": {"1": {"schema_version": SCHEMA_VERSION + 1}}, "articles": {}})
    store.write_text(content)
    with pytest.raises(StoreError, match="newer"):
        import_into(store, _json(_RECORDS))
    assert store.read_text() == content


def test_entities_stored_for_every_article(tmp_path: Path, make_articles) -> None:
    store = tmp_path / "articles.json"
    result = _json(_RECORDS)
    result.articles.extend(make_articles(12))
    assert import_into(store, result).added == 15
    docs = _tables(store)["articles"].values()
    assert len(docs) == 15
    total = 0
    for doc in docs:
        assert isinstance(doc["entities"], list), doc["id"]
        for start, end, kind in doc["entities"]:  # schema 2: [start, end, kind]
            assert 0 <= start < end <= len(doc["body"])
            assert kind in ENTITY_KINDS
            total += 1
    assert total >= 15
    # What the app loads agrees with what was stored.
    for article in open_store(store).articles:
        assert article.entities is not None


def test_entities_from_the_input_are_replaced(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    import_into(store, read_paths([FIXTURES / "tinydb-articles.json"]))
    doc = _docs(store)["tiny-1"]
    assert all(entity["text"] != "bogus" for entity in doc["entities"])


def test_feeds_from_opml_are_added_once(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    opml = read_opml((FIXTURES / "subscriptions.opml").read_bytes(), Context.now("s.opml"))
    assert import_into(store, opml).feeds_added == 2
    before = store.read_bytes()
    again = import_into(store, opml)
    assert again.feeds_added == 0
    assert store.read_bytes() == before
    urls = sorted(doc["url"] for doc in _tables(store)["feeds"].values())
    assert urls == ["https://deep.example.com/atom.xml", "https://wire.example.com/rss"]


# --- crashes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(OSError(28, "No space left on device"), (StoreError, OSError), id="oserror"),
        pytest.param(KeyboardInterrupt(), KeyboardInterrupt, id="interrupt"),
    ],
)
def test_failed_write_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, expected
) -> None:
    store = tmp_path / "articles.json"
    import_into(store, _json(_RECORDS[:1]))
    before = store.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise error

    monkeypatch.setattr("store.storage.atomic.os.replace", broken_replace)
    with pytest.raises(expected):
        import_into(store, _json(_RECORDS))
    monkeypatch.undo()
    assert store.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert [article.id for article in open_store(store).articles] == ["a-1"]


_BIG = 20_000


def _big_jsonl(path: Path) -> set[str]:
    ids = [f"big-{n:05d}" for n in range(_BIG)]
    with path.open("w", encoding="utf-8") as out:
        for n, article_id in enumerate(ids):
            record = {
                "id": article_id,
                "title": f"Story {n} from Zürich",
                "body": f"Officials in Geneva met on Monday about item {n}. It cost $5 million.",
                "published": "2024-03-01T10:00:00Z",
            }
            out.write(json.dumps(record) + "\n")
    return set(ids)


def test_killed_import_leaves_the_old_store_or_the_new_one(
    tmp_path: Path, make_articles, subprocess_env: dict[str, str]
) -> None:
    store = tmp_path / "articles.json"
    before_articles: list[Article] = make_articles(5)
    import_into(store, ReadResult(articles=before_articles))
    before_bytes = store.read_bytes()
    before_ids = {article.id for article in before_articles}
    big = tmp_path / "big.jsonl"
    all_ids = before_ids | _big_jsonl(big)
    home = tmp_path / "home"
    env = dict(subprocess_env, HOME=str(home), XDG_DATA_HOME=str(home / "data"))
    command = [sys.executable, "-m", "tui", "import", "--db", str(store), str(big)]

    def stored_ids() -> set[str]:
        loaded = open_store(store)  # raises StoreError if the file is not a whole store
        assert len(_tables(store)["articles"]) == len(loaded)  # no doubled documents
        return {article.id for article in loaded.articles}

    # One complete run, to know how long an import takes.
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    full = time.monotonic() - started
    assert stored_ids() == all_ids

    # Kill early, then bisect towards the moment the import commits, so that later kills
    # land around the write itself. Whatever the moment, the store is the old one or the new.
    early, late = 0.3, max(full, 0.6)
    delay = early
    for _ in range(7):
        store.write_bytes(before_bytes)
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.kill()  # SIGKILL: no cleanup, no finally blocks
        process.wait(timeout=30)
        ids = stored_ids()
        assert ids in (before_ids, all_ids), f"partial import after {delay:.2f}s: {len(ids)}"
        if ids == before_ids:
            early = delay
        else:
            late = delay
        delay = (early + late) / 2

    leftovers = {path.name for path in tmp_path.iterdir()}
    leftovers -= {store.name, big.name, f"{store.name}.lock", home.name}
    derived = r"articles\.index\.sqlite(-wal|-shm|-journal)?"
    temporary = r"\.articles\.json\.[^/]+\.tmp"
    assert all(re.fullmatch(f"{derived}|{temporary}", name) for name in leftovers), leftovers
    # Whatever the kill left in the derived index, it catches up with the store.
    session = open_store_session(store)
    assert {row.id for row in session.search(parse_query(""))} == stored_ids()
    session.index.close()
    # The store, not a leftover temporary file, is what the next import reads and replaces.
    store.write_bytes(before_bytes)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{_BIG} added" in done.stdout
    assert stored_ids() == all_ids


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(child) for child in task.read_text().split())
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_workers_of_a_killed_import_end_too(tmp_path: Path, subprocess_env) -> None:
    """SIGKILL (or the out-of-memory killer) leaves no extraction workers behind."""
    big = tmp_path / "big.jsonl"
    _big_jsonl(big)
    env = dict(subprocess_env, HOME=str(tmp_path / "home"))
    command = [sys.executable, "-m", "tui", "import", "--db", str(tmp_path / "a.json"), str(big)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        workers = {
            pid
            for pid in _children(process.pid)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        }
        time.sleep(0.02)
    assert len(workers) >= 2, "the import started no workers"
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = set(filter(_running, workers))
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "workers outlived the import"


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (an ended one may wait as a zombie to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")
