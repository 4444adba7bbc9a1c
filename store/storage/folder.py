"""The folder store: articles in TinyDB segment files named by a manifest
(``store.storage.segments``), subscriptions in ``feeds.json``. A write costs what it changes."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from store.article import SCHEMA_VERSION
from store.errors import StoreError
from store.storage.atomic import (
    describe,
    lock_for,
    open_regular,
    parse_tables,
    read_tables,
    remove_leftovers,
    write_or_explain,
)
from store.storage.base import (
    Change,
    Located,
    Part,
    Placed,
    file_signature,
    locate,
    refuse_newer,
)
from store.storage.segments import (
    MANIFEST,
    SEGMENTS,
    Commit,
    Manifest,
    Segment,
    commit,
    create,
    is_segmented,
    read_manifest,
    segment_path,
    sweep,
)

FEEDS_FILE = "feeds.json"
FEEDS = "feeds"
LOCK_NAME = "store.lock"
PART_CACHE = 2
"""Segments kept parsed for documents whose place is not known (a segment edited by hand)."""


class FolderBackend:
    kind = "folder"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = lock_for(path / LOCK_NAME.removesuffix(".lock"))
        self._cache: dict[tuple[int, str], dict[str, Any]] = {}
        self._segments: tuple[str, dict[int, Segment]] | None = None

    def exists(self) -> bool:
        return is_segmented(self.path)

    def check(self) -> None:
        self.manifest()

    def manifest(self) -> Manifest:
        manifest = read_manifest(self.path)
        refuse_newer(self.path, manifest.schema_version)
        return manifest

    def segments(self) -> dict[int, Segment]:
        """The segments the manifest names now, by number (read again only when the
        manifest file changed: reading a document asks for its segment)."""
        try:
            signature = file_signature(self.path / MANIFEST)
        except FileNotFoundError:
            return {}
        if self._segments is None or self._segments[0] != signature:
            found = {segment.number: segment for segment in self.manifest().segments}
            self._segments = (signature, found)
        return self._segments[1]

    def parts(self) -> list[Part]:
        folder = os.path.join(self.path, SEGMENTS)
        found = []
        for segment in self.segments().values():
            name = os.path.join(folder, segment.file)
            try:
                info = os.stat(name)
            except FileNotFoundError:
                raise StoreError(f"{name}: missing (the manifest names it)") from None
            signature = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"
            found.append(Part(segment.number, name, signature, segment.size))
        return found

    def signature(self, parts: list[Part] | None = None) -> str:
        """The manifest's, the segments' (``parts``, when just listed) and the feeds
        file's signatures, hashed."""
        if not self.exists():
            return "none"
        names = [file_signature(self.path / MANIFEST)]
        names += [part.signature for part in (self.parts() if parts is None else parts)]
        with contextlib.suppress(FileNotFoundError):
            names.append(file_signature(self.path / FEEDS_FILE))
        return hashlib.blake2b("|".join(names).encode(), digest_size=16).hexdigest()

    def part_documents(self, part: Part) -> Iterator[Located]:
        path = Path(part.path)
        raw = _read(path)
        table = parse_tables(path, raw).get("articles", {})
        if not isinstance(table, dict):
            raise StoreError(f"{part.path}: not a segment (no articles table)")
        yield from locate(raw, table.items())

    def read_raw(self, part: int, offset: int, length: int) -> bytes | None:
        segment = self.segments().get(part)
        if segment is None:
            return None
        try:
            with open_regular(segment_path(self.path, segment)) as file:
                file.seek(offset)
                return file.read(length)
        except OSError:
            return None

    def read_part(self, part: int) -> dict[str, Any]:
        segment = self.segments().get(part)
        if segment is None:
            return {}
        cached = self._cache.get((part, segment.file))
        if cached is None:
            cached = read_tables(segment_path(self.path, segment)).get("articles", {})
            if len(self._cache) >= PART_CACHE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[(part, segment.file)] = cached
        return cached

    def feeds(self) -> dict[str, Any]:
        path = self.path / FEEDS_FILE
        if not path.exists():
            return {}
        table = read_tables(path).get(FEEDS, {})
        return table if isinstance(table, dict) else {}

    def write(self, change: Change, placed: Placed) -> None:
        """Commit the articles' change (``store.storage.segments.commit``), then the feeds: a kill
        between the two leaves the articles written and the feeds as they were, which the
        next fetch of those feeds sets right."""
        if change.feeds is not None and _feeds_only(change) and self.exists():
            remove_leftovers(self.path / FEEDS_FILE)
            write_feeds(self.path, change.feeds)
            return
        remove_leftovers(self.path / MANIFEST)
        remove_leftovers(self.path / FEEDS_FILE)
        if self.exists():
            manifest = self.manifest()
            sweep(self.path, manifest)
        else:
            manifest = create(self.path, SCHEMA_VERSION)

        def written(segment: Segment, offsets: Any, tags: Any) -> None:
            placed(segment.number, offsets, tags)

        manifest = replace(manifest, schema_version=SCHEMA_VERSION)  # what is written now
        commit(self.path, manifest, Commit(removed=change.removed, added=change.added), written)
        if change.feeds is not None:
            write_feeds(self.path, change.feeds)


def _feeds_only(change: Change) -> bool:
    return not change.removed and isinstance(change.added, tuple | list) and not change.added


def write_feeds(folder: Path, feeds: dict[str, Any]) -> None:
    from store.storage.atomic import dump_tables

    data = dump_tables({FEEDS: feeds})
    path = folder / FEEDS_FILE
    with contextlib.suppress(OSError):
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return  # unchanged: the file (and the store's signature) left alone
    write_or_explain(path, data)


def _read(path: Path) -> bytes:
    try:
        with open_regular(path) as file:
            return file.read()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({describe(exc)})") from None
