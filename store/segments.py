"""A store as a folder of TinyDB segment files named by a manifest: a write costs what it
changes.

::

    articles/                     the store (``--db articles``)
      manifest.json               which segment files make up the store, replaced atomically
      segments/000001-000001.json TinyDB files ({"articles": {"1": {...}, ...}}), each
      segments/000002-000007.json readable on its own with TinyDB(path)

Each segment holds up to ``SEGMENT_ARTICLES`` articles. New articles go to the last segment
while it has room, then to a new one; a changed article rewrites only its segment. A file
is never changed in place: a commit writes the segments it changes under new names
(``<segment>-<file number>.json``), then replaces the manifest, then deletes the files the
manifest no longer names. A writer killed at any moment leaves the old manifest, naming the
old files, which are all still there; the files it had written are named by no manifest
and are deleted by the next writer (writers hold the store's lock).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from store.errors import StoreError
from store.storage import (
    describe,
    dump_tables,
    read_tables,
    write_or_explain,
)

FORMAT = "newsdesk segmented store"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SEGMENTS = "segments"
ARTICLES = "articles"
SEGMENT_ARTICLES = 1_000
"""Articles per segment: adding 50 articles rewrites at most one segment of 1,000 (about
4 MB), and a 1,000,000-article store is 1,000 files, stat'ed in a few milliseconds."""
SEGMENT_BYTES = 16 * 1024 * 1024
"""A segment also fills up at this size (articles of very long bodies)."""


@dataclass(frozen=True)
class Segment:
    """One segment as the manifest names it: its number (stable across rewrites), the file
    holding it now, and how many articles and bytes that file holds."""

    number: int
    file: str
    count: int
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "file": self.file, "count": self.count, "size": self.size}


@dataclass
class Manifest:
    segments: list[Segment] = field(default_factory=list)
    schema_version: int = 1
    next_file: int = 1
    """The number the next segment file written gets: file names are never reused."""

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "schema_version": self.schema_version,
                "next_file": self.next_file,
                "segments": [segment.to_dict() for segment in self.segments],
            },
            option=orjson.OPT_INDENT_2,
        )

    def open_segment(self) -> Segment | None:
        """The segment new articles go to: the last one, while it has room."""
        if self.segments:
            last = self.segments[-1]
            if last.count < SEGMENT_ARTICLES and last.size < SEGMENT_BYTES:
                return last
        return None

    @property
    def articles(self) -> int:
        return sum(segment.count for segment in self.segments)


def is_segmented(path: Path) -> bool:
    """Whether ``path`` is a segmented store (a folder with a manifest)."""
    return (path / MANIFEST).is_file()


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the store at ``folder``, refusing anything that is not one."""
    path = folder / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{folder}: not a newsdesk store (no {MANIFEST})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({describe(exc)})") from None
    try:
        data = orjson.loads(raw)
        return _manifest_from(data)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{path}: not a newsdesk manifest ({_reason(exc)})") from None


def _reason(exc: Exception) -> str:
    return f"missing {exc}" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__


def _manifest_from(data: Any) -> Manifest:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a manifest")
    if data["version"] > FORMAT_VERSION:
        raise ValueError(
            f"format version {data['version']}: written by a newer newsdesk, upgrade to open it"
        )
    segments = [
        Segment(int(s["number"]), _file_name(s["file"]), int(s["count"]), int(s["size"]))
        for s in data["segments"]
    ]
    if len({s.number for s in segments}) != len(segments):
        raise ValueError("a segment is named twice")
    return Manifest(segments, int(data["schema_version"]), int(data["next_file"]))


def _file_name(name: Any) -> str:
    """A segment file's name: a plain name inside ``segments/``, never a path out of it."""
    if not isinstance(name, str) or "/" in name or name.startswith(".") or not name:
        raise ValueError(f"bad segment file name {name!r}")
    return name


def segment_path(folder: Path, segment: Segment) -> Path:
    return folder / SEGMENTS / segment.file


def read_segment(folder: Path, segment: Segment) -> dict[str, Any]:
    """The articles table of one segment (key -> document)."""
    path = segment_path(folder, segment)
    tables = read_tables(path)
    table = tables.get(ARTICLES, {})
    if not isinstance(table, dict):
        raise StoreError(f"{path}: not a segment (no articles table)")
    return table


def documents(folder: Path, manifest: Manifest) -> Iterator[tuple[Segment, str, Any]]:
    """Every (segment, key, document) of the store, a segment at a time."""
    for segment in manifest.segments:
        for key, doc in read_segment(folder, segment).items():
            yield segment, key, doc


Encoded = tuple[str, bytes]
"""A document under its key, already JSON."""


@dataclass
class Placed:
    """Where a commit put each document: segment number -> key -> (offset, length) of the
    document's JSON in the segment file."""

    offsets: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)


@dataclass
class Commit:
    """What one write changes: documents replaced or removed by (segment number, key), and
    new documents, which go to the open segment and then to new ones."""

    replaced: dict[int, dict[str, bytes]] = field(default_factory=dict)
    removed: dict[int, set[str]] = field(default_factory=dict)
    added: list[bytes] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.replaced or self.removed or self.added)


def create(folder: Path, schema_version: int) -> Manifest:
    """Make an empty store at ``folder`` (which must not hold one)."""
    try:
        (folder / SEGMENTS).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{folder}: cannot create the store: {describe(exc)}") from None
    manifest = Manifest(schema_version=schema_version)
    write_or_explain(folder / MANIFEST, manifest.to_bytes())
    return manifest


def commit(folder: Path, manifest: Manifest, change: Commit) -> tuple[Manifest, Placed]:
    """Write ``change`` and switch the manifest to it; the new manifest and where each
    written document is. Call holding the store's lock, with the manifest read under it."""
    placed = Placed()
    segments = {segment.number: segment for segment in manifest.segments}
    next_file = manifest.next_file
    touched = set(change.replaced) | set(change.removed)
    added = list(change.added)
    open_segment = manifest.open_segment()
    if added and open_segment is not None:
        touched.add(open_segment.number)
    written: list[Segment] = []
    try:
        for number in sorted(touched):
            old = segments[number]
            extra = added if open_segment is not None and number == open_segment.number else []
            table = _changed_table(folder, old, change, number)
            segment, left = _write_segment(folder, number, next_file, table, extra, placed)
            next_file += 1
            added = left if extra else added
            segments[number] = segment
            written.append(segment)
        number = max(segments, default=0) + 1
        while added:
            segment, added = _write_segment(folder, number, next_file, {}, added, placed)
            next_file += 1
            segments[number] = segment
            written.append(segment)
            number += 1
        kept = [s for _, s in sorted(segments.items()) if s.count]
        new = replace(manifest, segments=kept, next_file=next_file)
        write_or_explain(folder / MANIFEST, new.to_bytes())
    except BaseException:
        for segment in written:
            with contextlib.suppress(OSError):
                segment_path(folder, segment).unlink()
        raise
    sweep(folder, new)
    return new, placed


def _changed_table(folder: Path, old: Segment, change: Commit, number: int) -> dict[str, bytes]:
    """The documents of segment ``old`` (encoded) with the commit's changes to it."""
    table = {key: dump_tables(doc) for key, doc in read_segment(folder, old).items()}
    for key in change.removed.get(number, ()):
        table.pop(key, None)
    table.update(change.replaced.get(number, {}))
    return table


def _write_segment(
    folder: Path,
    number: int,
    file_number: int,
    table: Mapping[str, bytes],
    added: list[bytes],
    placed: Placed,
) -> tuple[Segment, list[bytes]]:
    """Write a segment file of ``table`` and as many of ``added`` as fit; the segment and
    the documents that did not fit."""
    keys = [int(key) for key in table if key.isdigit()]
    next_key = max(keys, default=0) + 1
    room = max(0, SEGMENT_ARTICLES - len(table))
    size = sum(len(doc) for doc in table.values())
    fitting = 0
    while fitting < len(added) and fitting < room and size < SEGMENT_BYTES:
        size += len(added[fitting])
        fitting += 1
    items: list[Encoded] = list(table.items())
    items += [(str(next_key + n), doc) for n, doc in enumerate(added[:fitting])]
    name = f"{number:06d}-{file_number:06d}.json"
    parts, offsets = _segment_parts(items)
    path = folder / SEGMENTS / name
    write_or_explain(path, parts)
    placed.offsets[number] = offsets
    return Segment(number, name, len(items), path.stat().st_size), added[fitting:]


def _segment_parts(items: Iterable[Encoded]) -> tuple[list[bytes], dict[str, tuple[int, int]]]:
    """The JSON of a segment file in parts, and each document's offset and length in it."""
    head = b'{"' + ARTICLES.encode() + b'":{'
    parts, offsets, at = [head], {}, len(head)
    for n, (key, doc) in enumerate(items):
        prefix = (b"," if n else b"") + orjson.dumps(key) + b":"
        parts.append(prefix)
        at += len(prefix)
        offsets[key] = (at, len(doc))
        parts.append(doc)
        at += len(doc)
    parts.append(b"}}")
    return parts, offsets


def read_document(folder: Path, segment: Segment, offset: int, length: int) -> Any:
    """One document read straight from its place in a segment file (``Placed``); ``None``
    when the bytes there are not a document any more (the file was changed by hand)."""
    try:
        with segment_path(folder, segment).open("rb") as file:
            file.seek(offset)
            raw = file.read(length)
        doc = orjson.loads(raw)
    except (OSError, orjson.JSONDecodeError):
        return None
    return doc if isinstance(doc, dict) else None


def sweep(folder: Path, manifest: Manifest) -> int:
    """Delete the files of ``segments/`` that ``manifest`` does not name (replaced ones, and
    those of writers killed mid-commit); how many. Call holding the store's lock."""
    named = {segment.file for segment in manifest.segments}
    removed = 0
    try:
        entries = list(os.scandir(folder / SEGMENTS))
    except OSError:
        return 0
    for entry in entries:
        if entry.name not in named and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed
