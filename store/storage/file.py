"""The single-file store: one TinyDB JSON file with ``meta``, ``articles`` and ``feeds``
tables, rewritten whole by every write (the format of earlier versions, still read and
written wherever ``--db`` names a ``.json`` file)."""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from store.article import SCHEMA_VERSION
from store.errors import StoreError
from store.storage.atomic import (
    Tables,
    check_regular,
    dump_tables,
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

ARTICLES = "articles"
META = "meta"
FEEDS = "feeds"
PART = 0
"""The number of the file's one part."""
STREAM_ABOVE_BYTES = 16 * 1024 * 1024
"""Files larger than this are streamed when read for catching up, not parsed whole."""
SNIFF_BYTES = 64 * 1024


class FileBackend:
    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = lock_for(path)
        self._cache: tuple[str, dict[str, Any]] | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def check(self) -> None:
        """Refuse what cannot be a store without reading all of a large file."""
        info = check_regular(self.path)
        if info.st_size <= STREAM_ABOVE_BYTES:
            check_schema(self.path, read_tables(self.path).get(META, {}))
            return
        with open_regular(self.path) as file:
            head = file.read(SNIFF_BYTES)
            file.seek(max(0, info.st_size - 64))
            tail = file.read().rstrip()
        if not head.lstrip().startswith(b"{") or not tail.endswith(b"}"):
            raise StoreError(f"{self.path}: not a TinyDB store (not a complete JSON object)")
        if match := re.search(rb'"schema_version"\s*:\s*(\d+)', head):
            check_schema(self.path, {"1": {"schema_version": int(match[1])}})

    def parts(self) -> list[Part]:
        if not self.exists():
            return []
        info = check_regular(self.path)
        return [Part(PART, str(self.path), file_signature(self.path), info.st_size)]

    def signature(self, parts: list[Part] | None = None) -> str:
        return file_signature(self.path) if self.exists() else "none"

    def part_documents(self, part: Part) -> Iterator[Located]:
        if part.size <= STREAM_ABOVE_BYTES:
            with open_regular(self.path) as file:
                raw = file.read()
            tables = parse_tables(self.path, raw)
            if ARTICLES not in tables:
                raise StoreError(f"{self.path}: not a newsdesk store (no {ARTICLES!r} table)")
            check_schema(self.path, tables.get(META, {}))
            yield from locate(raw, tables[ARTICLES].items())
            return
        with (
            open_regular(self.path) as file,
            mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
        ):
            yield from locate(mapped, _streamed(self.path))

    def read_raw(self, part: int, offset: int, length: int) -> bytes | None:
        try:
            with open_regular(self.path) as file:
                file.seek(offset)
                return file.read(length)
        except OSError:
            return None

    def read_part(self, part: int) -> dict[str, Any]:
        signature = self.signature()
        if self._cache is None or self._cache[0] != signature:
            self._cache = (signature, read_tables(self.path).get(ARTICLES, {}))
        return self._cache[1]

    def feeds(self) -> dict[str, Any]:
        if not self.exists():
            return {}
        table = read_tables(self.path).get(FEEDS, {})
        return table if isinstance(table, dict) else {}

    def write(self, change: Change, placed: Placed) -> None:
        tables = self._tables()
        table = tables[ARTICLES]
        documents = list(change.added)  # taking them may add to the removals and the feeds
        for key in change.removed.get(PART, ()):
            table.pop(key, None)
        if change.feeds is not None:
            tables[FEEDS] = change.feeds
        next_key = max((int(key) for key in table if key.isdigit()), default=0) + 1
        tags: dict[str, str] = {}

        def added() -> Iterator[tuple[str, bytes]]:
            for n, (tag, document) in enumerate(documents):
                key = str(next_key + n)
                tags[key] = tag
                yield key, document

        offsets: dict[str, tuple[int, int]] = {}
        remove_leftovers(self.path)
        write_or_explain(self.path, placed_parts(tables, added(), offsets))
        self._cache = None
        placed(PART, offsets, tags)

    def _tables(self) -> Tables:
        if not self.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return {META: {"1": {"schema_version": SCHEMA_VERSION}}, ARTICLES: {}}
        tables = read_tables(self.path)
        check_schema(self.path, tables.get(META, {}))
        tables.setdefault(ARTICLES, {})
        meta = tables.setdefault(META, {})  # what is written now is of this schema
        for doc in meta.values():
            if isinstance(doc, dict):
                doc["schema_version"] = SCHEMA_VERSION
        if not meta:
            meta["1"] = {"schema_version": SCHEMA_VERSION}
        return tables


def placed_parts(
    tables: Tables, added: Iterator[tuple[str, bytes]], offsets: dict[str, tuple[int, int]]
) -> Iterator[bytes]:
    """The JSON of ``tables`` a document at a time, ``added`` after the articles' own,
    noting in ``offsets`` where each article's JSON is."""
    at = 0

    def out(chunk: bytes) -> bytes:
        nonlocal at
        at += len(chunk)
        return chunk

    yield out(b"{")
    for n, (name, table) in enumerate(tables.items()):
        yield out((b"," if n else b"") + orjson.dumps(str(name)) + b":{")
        items: Iterator[tuple[str, bytes]] = ((key, dump_tables(doc)) for key, doc in table.items())
        if name == ARTICLES:
            items = _chained(items, added)
        for m, (key, document) in enumerate(items):
            yield out((b"," if m else b"") + orjson.dumps(str(key)) + b":")
            if name == ARTICLES:
                offsets[str(key)] = (at, len(document))
            yield out(document)
        yield out(b"}")
    yield out(b"}")


def _chained(
    first: Iterator[tuple[str, bytes]], second: Iterator[tuple[str, bytes]]
) -> Iterator[tuple[str, bytes]]:
    yield from first
    yield from second


def _streamed(path: Path) -> Iterator[tuple[str, Any]]:
    import ijson  # type: ignore[import-untyped]

    try:
        with open_regular(path) as file:
            yield from ijson.kvitems(file, ARTICLES, use_float=True)
    except ijson.JSONError as exc:
        raise StoreError(f"{path}: not valid JSON ({exc})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None


def check_schema(path: Path, meta: Mapping[str, Any]) -> None:
    """Refuse a file whose ``meta`` table says a newer schema wrote it."""
    for doc in meta.values():
        version = doc.get("schema_version", SCHEMA_VERSION) if isinstance(doc, dict) else 0
        if isinstance(version, int):
            refuse_newer(path, version)
