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
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from store.errors import StoreError
from store.storage.atomic import (
    describe,
    dump_tables,
    open_regular,
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
        with open_regular(path) as file:
            raw = file.read()
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
    return read_segment_file(segment_path(folder, segment))


def read_segment_file(path: Path) -> dict[str, Any]:
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


Written = Callable[["Segment", dict[str, tuple[int, int]], dict[str, str]], None]
"""Told of each segment file a commit writes: the segment; by key, where each of its
documents' JSON is in the file (offset, length), for reading one without the rest; and the
keys its new documents got (key -> the tag the document came with)."""


@dataclass
class Commit:
    """What one write changes: documents replaced or removed by (segment number, key), and
    new documents (tag, encoded document), which go to the open segment and then to new
    ones. ``added`` may be a generator: documents are taken a segment at a time, never all
    held at once, and it may add to ``removed`` as it goes (``commit`` applies removals
    once it has taken every document)."""

    replaced: dict[int, dict[str, bytes]] = field(default_factory=dict)
    removed: dict[int, set[str]] = field(default_factory=dict)
    added: Iterable[tuple[str, bytes]] = ()


def create(folder: Path, schema_version: int) -> Manifest:
    """Make an empty store at ``folder`` (which must not hold one)."""
    try:
        (folder / SEGMENTS).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{folder}: cannot create the store: {describe(exc)}") from None
    manifest = Manifest(schema_version=schema_version)
    write_or_explain(folder / MANIFEST, manifest.to_bytes())
    return manifest


def commit(folder: Path, manifest: Manifest, change: Commit, written: Written) -> Manifest:
    """Write ``change`` and switch the manifest to it; the new manifest. ``written`` hears
    of each segment file as it is written. Call holding the store's lock, with the manifest
    read under it; on any failure the files written are removed and the store is as it was.

    The new documents are written first (the open segment, then new ones), then every other
    segment the change touches: the open segment is written again only when a removal from
    it became known after it was written."""
    writer = _SegmentWriter(folder, manifest, written)
    added = iter(change.added)
    first = next(added, None)
    open_segment = manifest.open_segment() if first is not None else None
    try:
        if first is not None:
            added = itertools.chain([first], added)
            if open_segment is not None:
                writer.rewrite(open_segment.number, change, added)
            while (item := next(added, None)) is not None:
                writer.write(writer.last + 1, {}, itertools.chain([item], added))
        for number in sorted(set(change.replaced) | set(change.removed)):
            if writer.owes(number, change):
                writer.rewrite(number, change, None)
        new = replace(
            manifest,
            segments=[s for _, s in sorted(writer.segments.items()) if s.count],
            next_file=writer.next_file,
        )
        write_or_explain(folder / MANIFEST, new.to_bytes())
    except BaseException:
        writer.remove_written()
        raise
    sweep(folder, new)
    return new


class _SegmentWriter:
    """Writes the segment files of one commit under fresh names, remembering them."""

    def __init__(self, folder: Path, manifest: Manifest, written: Written) -> None:
        self.folder = folder
        self.segments = {segment.number: segment for segment in manifest.segments}
        self.next_file = manifest.next_file
        self.last = max(self.segments, default=0)
        self.files: list[Path] = []
        self._written = written
        self._applied: dict[int, set[str]] = {}

    def owes(self, number: int, change: Commit) -> bool:
        """Whether segment ``number`` still lacks some of ``change``."""
        applied = self._applied.get(number)
        return applied is None or bool(change.removed.get(number, set()) - applied)

    def rewrite(
        self, number: int, change: Commit, added: Iterator[tuple[str, bytes]] | None
    ) -> None:
        """Write segment ``number`` again with ``change``'s replacements and removals (as
        far as they are known), then as many of ``added`` as fit."""
        path = segment_path(self.folder, self.segments[number])
        table = {key: dump_tables(doc) for key, doc in read_segment_file(path).items()}
        removed = set(change.removed.get(number, ()))
        for key in removed:
            table.pop(key, None)
        table.update(change.replaced.get(number, {}))
        self._applied[number] = removed
        self.write(number, table, added)

    def write(
        self,
        number: int,
        table: dict[str, bytes],
        added: Iterator[tuple[str, bytes]] | None,
    ) -> None:
        """Write segment ``number``: ``table``, then as many of ``added`` as fit."""
        keys = [int(key) for key in table if key.isdigit()]
        next_key = max(keys, default=0) + 1
        size = sum(len(doc) for doc in table.values())
        tags: dict[str, str] = {}
        while added is not None and len(table) < SEGMENT_ARTICLES and size < SEGMENT_BYTES:
            item = next(added, None)
            if item is None:
                break
            tag, doc = item
            tags[str(next_key)] = tag
            table[str(next_key)] = doc
            next_key, size = next_key + 1, size + len(doc)
        name = f"{number:06d}-{self.next_file:06d}.json"
        path = self.folder / SEGMENTS / name
        parts, offsets = _segment_parts(table.items())
        self.files.append(path)
        write_or_explain(path, parts)
        self.next_file += 1
        self.last = max(self.last, number)
        segment = self.segments[number] = Segment(number, name, len(table), path.stat().st_size)
        self._written(segment, offsets, tags)

    def remove_written(self) -> None:
        for path in self.files:
            with contextlib.suppress(OSError):
                path.unlink()


def _segment_parts(
    items: Iterable[tuple[str, bytes]],
) -> tuple[list[bytes], dict[str, tuple[int, int]]]:
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
        with open_regular(segment_path(folder, segment)) as file:
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
