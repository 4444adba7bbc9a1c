"""What every article store backend shares: where a document is, what a write changes,
and the fingerprint that tells whether the document found is the one expected."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson
from filelock import FileLock

from store.article import SCHEMA_VERSION
from store.errors import StoreError
from store.storage.atomic import dump_tables


@dataclass(frozen=True, slots=True)
class Part:
    """One file of a store's articles: a segment of a folder store, or a single-file store
    itself. ``signature`` changes whenever the file does."""

    number: int
    path: str
    signature: str
    size: int


@dataclass(frozen=True, slots=True)
class Place:
    """Where a stored document is: its part, its key in the part's ``articles`` table, and
    its JSON's offset and length in the part's file (``None`` when not known)."""

    part: int
    key: str
    offset: int | None = None
    length: int | None = None


Placed = Callable[[int, Mapping[str, tuple[int, int]], Mapping[str, str]], None]
"""Told of each part file a write produced: its number, where each of its documents' JSON
is (key -> (offset, length)), and the keys the write's new documents got (key -> tag)."""


@dataclass
class Change:
    """What one write does: documents removed by (part, key); new documents, each an
    encoded document with a tag (the article id) reported back through ``Placed``, taken as
    they come (a generator: never all held at once); and, unless ``None``, the whole
    ``feeds`` table to store."""

    removed: dict[int, set[str]] = field(default_factory=dict)
    added: Iterable[tuple[str, bytes]] = ()
    feeds: dict[str, Any] | None = None


def unplaced(part: int, offsets: Mapping[str, tuple[int, int]], tags: Mapping[str, str]) -> None:
    """A ``Placed`` for writes no index follows (a new store, a copy, subscriptions only):
    where documents went is found when the index next catches up."""


def refuse_newer(path: Path, version: int) -> None:
    """Refuse, in one line, a store written with a newer schema than this newsdesk reads."""
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer newsdesk (schema {version}, this one reads "
            f"up to {SCHEMA_VERSION}); upgrade newsdesk to open it"
        )


Located = tuple[str, Any, int | None, int | None]
"""(key, document, offset, length) of a document read from a part file."""


class Backend(Protocol):
    """The article storage of one store. Writers hold ``lock``; reading needs no lock
    (every file is replaced whole, never changed in place)."""

    path: Path
    kind: str
    lock: FileLock

    def exists(self) -> bool: ...

    def check(self) -> None:
        """Raise ``StoreError`` in one line unless this is a store this newsdesk reads."""

    def parts(self) -> list[Part]: ...

    def signature(self, parts: list[Part] | None = None) -> str:
        """Changes whenever any file of the store's articles or feeds does (``parts``:
        the store's parts, when just listed)."""

    def part_documents(self, part: Part) -> Iterator[Located]: ...

    def read_raw(self, part: int, offset: int, length: int) -> bytes | None: ...

    def read_part(self, part: int) -> dict[str, Any]: ...

    def feeds(self) -> dict[str, Any]: ...

    def write(self, change: Change, placed: Placed) -> None:
        """Apply ``change`` all at once (holding ``lock``): a failure or a kill leaves the
        store as it was."""


def encoded(doc: Mapping[str, Any]) -> bytes:
    """A stored document as its fingerprint is taken of it: JSON with sorted keys."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def fingerprint(doc: Mapping[str, Any]) -> bytes:
    return fingerprint_of(encoded(doc))


def fingerprint_of(document: bytes) -> bytes:
    """The fingerprint of a document already ``encoded``."""
    return hashlib.blake2b(document, digest_size=16).digest()


def file_signature(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def locate(raw: bytes | Any, items: Iterable[tuple[str, Any]]) -> Iterator[Located]:
    """Each (key, document) of a part with where its JSON is in ``raw`` (the part's bytes,
    or a ``mmap`` of them), found by writing it again as newsdesk writes it. A file written
    otherwise (by hand, by TinyDB itself) yields ``None`` places after the first miss: one
    failed search scans to the end, so it is not tried again."""
    at, lost = 0, False
    for key, doc in items:
        if lost:
            yield key, doc, None, None
            continue
        head = orjson.dumps(key) + b":"
        body = dump_tables(doc)
        found = raw.find(head + body, at)
        if found < 0:
            lost = True
            yield key, doc, None, None
            continue
        start = found + len(head)
        at = start + len(body)
        yield key, doc, start, len(body)


def document_at(backend: Backend, place: Place, expected: bytes) -> dict[str, Any] | None:
    """The document at ``place`` if it is the one whose fingerprint is ``expected``: read
    by its offset, else found in its part; ``None`` when it is not there (the store changed
    since the index last looked)."""
    if place.offset is not None and place.length is not None:
        raw = backend.read_raw(place.part, place.offset, place.length)
        doc = _parsed(raw)
        if doc is not None and fingerprint(doc) == expected:
            return doc
    try:
        doc = backend.read_part(place.part).get(place.key)
    except (OSError, ValueError):
        return None
    if isinstance(doc, dict) and fingerprint(doc) == expected:
        return doc
    return None


def _parsed(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None
