"""The segmented store format: manifest, segment files, copy-on-write commits, kills."""

from __future__ import annotations

import os
import random
from pathlib import Path

import orjson
import pytest
from support.processes import Child
from tinydb import TinyDB

from store.errors import StoreError
from store.storage import segments
from store.storage.segments import (
    Commit,
    Segment,
    create,
    read_document,
    read_manifest,
    read_segment,
)


def commit(folder: Path, manifest, change: Commit):
    """A commit, with where it put each document: segment number -> key -> place."""
    placed: dict[int, dict[str, tuple[int, int]]] = {}

    def written(
        segment: Segment, offsets: dict[str, tuple[int, int]], tags: dict[str, str]
    ) -> None:
        placed[segment.number] = offsets

    return segments.commit(folder, manifest, change, written), placed


def doc(n: int) -> tuple[str, bytes]:
    return f"a{n}", orjson.dumps({"id": f"a{n}", "title": f"Story {n}", "body": "Body " * 20})


def test_new_articles_fill_the_open_segment_then_new_ones(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_ARTICLES", 10)
    manifest = create(tmp_path, 1)
    manifest, _ = commit(tmp_path, manifest, Commit(added=[doc(n) for n in range(7)]))
    assert [s.count for s in manifest.segments] == [7]
    manifest, _ = commit(tmp_path, manifest, Commit(added=[doc(n) for n in range(7, 30)]))

    assert [s.count for s in manifest.segments] == [10, 10, 10]
    assert read_manifest(tmp_path) == manifest
    files = sorted(p.name for p in (tmp_path / "segments").iterdir())
    assert files == sorted(s.file for s in manifest.segments), "replaced files are gone"
    ids = [d["id"] for s in manifest.segments for d in read_segment(tmp_path, s).values()]
    assert ids == [f"a{n}" for n in range(30)]


def test_a_change_rewrites_only_its_segment(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_ARTICLES", 10)
    manifest = create(tmp_path, 1)
    manifest, _ = commit(tmp_path, manifest, Commit(added=[doc(n) for n in range(25)]))
    before = {s.number: s.file for s in manifest.segments}

    changed = orjson.dumps({"id": "a3", "title": "Changed"})
    manifest, placed = commit(tmp_path, manifest, Commit(replaced={1: {"4": changed}}))

    after = {s.number: s.file for s in manifest.segments}
    assert after[1] != before[1] and after[2] == before[2] and after[3] == before[3]
    assert read_segment(tmp_path, manifest.segments[0])["4"]["title"] == "Changed"
    offset, length = placed[1]["4"]
    assert read_document(tmp_path, manifest.segments[0], offset, length)["title"] == "Changed"


def test_every_segment_opens_with_tinydb_alone(tmp_path) -> None:
    manifest = create(tmp_path, 1)
    manifest, _ = commit(tmp_path, manifest, Commit(added=[doc(n) for n in range(5)]))

    for segment in manifest.segments:
        db = TinyDB(segments.segment_path(tmp_path, segment))
        assert [d["id"] for d in db.table("articles").all()] == [f"a{n}" for n in range(5)]
        db.close()


def test_offsets_point_at_each_document(tmp_path) -> None:
    manifest = create(tmp_path, 1)
    manifest, placed = commit(tmp_path, manifest, Commit(added=[doc(n) for n in range(5)]))
    segment = manifest.segments[0]
    for key, (offset, length) in placed[segment.number].items():
        assert read_document(tmp_path, segment, offset, length)["id"] == f"a{int(key) - 1}"
    assert read_document(tmp_path, segment, 1, 10) is None, "not a document there"


def test_removing_every_article_of_a_segment_drops_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_ARTICLES", 2)
    manifest = create(tmp_path, 1)
    manifest, _ = commit(tmp_path, manifest, Commit(added=[doc(n) for n in range(4)]))
    manifest, _ = commit(tmp_path, manifest, Commit(removed={1: {"1", "2"}}))
    assert [s.number for s in manifest.segments] == [2]


BAD_MANIFESTS = {
    "not json": b"{nope",
    "not a manifest": b'{"segments": []}',
    "newer": orjson.dumps(
        {
            "format": segments.FORMAT,
            "version": 99,
            "schema_version": 1,
            "next_file": 1,
            "segments": [],
        }
    ),
    "path out of the folder": orjson.dumps(
        {
            "format": segments.FORMAT,
            "version": 1,
            "schema_version": 1,
            "next_file": 2,
            "segments": [{"number": 1, "file": "../../etc/passwd", "count": 1, "size": 1}],
        }
    ),
}


@pytest.mark.parametrize("raw", BAD_MANIFESTS.values(), ids=BAD_MANIFESTS.keys())
def test_a_bad_manifest_is_one_line(tmp_path, raw: bytes) -> None:
    (tmp_path / "manifest.json").write_bytes(raw)
    with pytest.raises(StoreError) as caught:
        read_manifest(tmp_path)
    assert "\n" not in str(caught.value)


# Commits batches of new articles and changes to old ones, forever, saying "ack" after each.
_COMMITTER = r"""
import sys, orjson
from pathlib import Path
from store.storage import segments
from store.storage.segments import Commit, commit, read_manifest
segments.SEGMENT_ARTICLES = 20
folder, run = Path(sys.argv[1]), sys.argv[2]
print("ready", flush=True)
i = 0
while True:
    manifest = read_manifest(folder)
    segments.sweep(folder, manifest)
    added = [
        (str(k), orjson.dumps({"id": f"{run}-{i}-{k}", "body": "x" * 3000})) for k in range(7)
    ]
    first = manifest.segments[0] if manifest.segments else None
    replaced = {}
    if first:
        kept = segments.read_segment(folder, first)["1"]
        replaced = {first.number: {"1": orjson.dumps(dict(kept, n=i))}}
    commit(folder, manifest, Commit(replaced=replaced, added=added), lambda s, o, t: None)
    print(f"ack {run}-{i}", flush=True)
    i += 1
"""


def test_kill_9_mid_commit_leaves_the_store_as_before_or_after(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    create(tmp_path, 1)
    rng, acknowledged = random.Random(17), set()
    for run in range(12):
        child = Child(_COMMITTER, [str(tmp_path), f"r{run}"], subprocess_env)
        child.wait_ready()
        out = child.kill_after(rng.uniform(0.05, 0.3))
        assert child.process.returncode == -9, "killed while committing"
        acknowledged |= {line.split()[1] for line in out.splitlines() if line.startswith("ack")}
        manifest = read_manifest(tmp_path)
        ids = set()
        for segment in manifest.segments:
            table = read_segment(tmp_path, segment)
            assert len(table) == segment.count
            ids |= {d["id"] for d in table.values()}
        batches = {i.rsplit("-", 1)[0] for i in ids}
        for batch in batches:  # a commit lands whole or not at all
            assert {f"{batch}-{k}" for k in range(7)} <= ids
        assert acknowledged <= batches
    assert len(acknowledged) >= 12, "the committers got to commit"
    segments.sweep(tmp_path, read_manifest(tmp_path))
    names = {p.name for p in (tmp_path / "segments").iterdir()}
    assert names == {s.file for s in read_manifest(tmp_path).segments}


def test_new_documents_are_taken_a_segment_at_a_time(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_ARTICLES", 10)
    taken: list[int] = []
    seen_when_written: list[int] = []

    def incoming():
        for n in range(35):
            taken.append(n)
            yield doc(n)

    def written(
        segment: Segment, offsets: dict[str, tuple[int, int]], tags: dict[str, str]
    ) -> None:
        seen_when_written.append(len(taken))

    manifest = segments.commit(tmp_path, create(tmp_path, 1), Commit(added=incoming()), written)

    assert [s.count for s in manifest.segments] == [10, 10, 10, 5]
    # a segment is written once it is full: at most one document past it has been taken
    assert all(n <= 10 * (k + 1) + 1 for k, n in enumerate(seen_when_written))


def test_a_fifo_as_the_manifest_is_refused_without_waiting(tmp_path) -> None:
    os.mkfifo(tmp_path / "manifest.json")
    with pytest.raises(StoreError, match="not a regular file"):
        read_manifest(tmp_path)


def test_removals_learnt_while_documents_are_taken_are_applied(tmp_path, monkeypatch) -> None:
    """``added`` may add to ``removed`` as it is taken: from the open segment after it was
    written (it is written again) and from a full one (written once)."""
    monkeypatch.setattr(segments, "SEGMENT_ARTICLES", 10)
    manifest = create(tmp_path, 1)
    manifest, _ = commit(tmp_path, manifest, Commit(added=[doc(n) for n in range(15)]))
    change = Commit()

    def added():
        yield doc(15)
        change.removed.setdefault(2, set()).add("1")  # a10, in the open segment
        change.removed.setdefault(1, set()).add("3")  # a2
        yield from (doc(n) for n in range(16, 20))

    change.added = added()
    manifest, placed = commit(tmp_path, manifest, change)

    ids = [d["id"] for s in manifest.segments for d in read_segment(tmp_path, s).values()]
    assert sorted(ids) == sorted(f"a{n}" for n in range(20) if n not in (2, 10))
    files = sorted(p.name for p in (tmp_path / "segments").iterdir())
    assert files == sorted(s.file for s in manifest.segments)
    for segment in manifest.segments:
        for key, (offset, length) in placed[segment.number].items():
            stored = read_document(tmp_path, segment, offset, length)
            assert stored == read_segment(tmp_path, segment)[key]
    for segment in manifest.segments:
        assert len(TinyDB(segments.segment_path(tmp_path, segment)).table("articles")) == (
            segment.count
        )
