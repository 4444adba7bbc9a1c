"""JSON inputs: a TinyDB file, an array, a single object, JSON Feed 1.0/1.1, JSON Lines.

A JSON Feed item's ``attachments`` become its enclosures; an article file's own
``enclosures`` list is kept as far as it is safe (``store.ingest.enclosures``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO

import orjson

from store.article import ENCLOSURES, Article, InvalidDocument
from store.ingest.enclosures import json_feed_enclosures
from store.ingest.mapping import Context, article_from_record, build_article, feed_entry_id
from store.ingest.result import ReadResult
from store.rejects import Reject

JSON_FEED_PREFIX = "https://jsonfeed.org/version/"


def read_json(data: bytes, context: Context) -> ReadResult:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        return ReadResult(rejects=[Reject(context.source, "", f"not valid JSON ({exc})")])
    if isinstance(value, list):
        return _records(enumerate(value, 1), context)
    if not isinstance(value, dict):
        return ReadResult(rejects=[Reject(context.source, "", "JSON is neither object nor array")])
    if str(value.get("version", "")).startswith(JSON_FEED_PREFIX):
        return read_json_feed(value, context)
    table = _tinydb_table(value)
    if table is not None:
        return _records(table.items(), context)
    return _records([(1, value)], context)


def read_json_lines(
    lines: Iterable[bytes], context: Context, max_line: int | None = None
) -> ReadResult:
    """One object per line. A line over ``max_line`` bytes (see ``bounded_lines``) is
    rejected unparsed."""
    return _records(_parsed_lines(lines, max_line), context)


def json_lines_batches(
    lines: Iterable[bytes], context: Context, size: int, max_line: int | None = None
) -> Iterator[ReadResult]:
    """``read_json_lines`` in results of at most ``size`` articles each, as they are read:
    a file of any size reads in bounded memory."""
    result = ReadResult()
    for number, record in _parsed_lines(lines, max_line):
        _take(result, number, record, context)
        if len(result.articles) >= size:
            yield result
            result = ReadResult()
    if result.articles or result.rejects:
        yield result


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes]:
    """The lines of ``handle``, each held in memory only up to ``limit`` + 1 bytes: a longer
    line comes back cut to that length and the rest of it is skipped."""
    while line := handle.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_line(handle)
        yield line


def _skip_line(handle: BinaryIO) -> None:
    while (part := handle.readline(_SKIP_CHUNK)) and not part.endswith(b"\n"):
        pass


_SKIP_CHUNK = 1024 * 1024


def _parsed_lines(lines: Iterable[bytes], max_line: int | None) -> Iterator[tuple[int | str, Any]]:
    for number, line in enumerate(lines, 1):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        if max_line is not None and len(line) > max_line:
            yield number, _BadLine(f"longer than {_megabytes(max_line)}, the limit for one line")
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield number, _BadLine(f"not valid JSON ({exc})")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


class _BadLine:
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _tinydb_table(value: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The article table of a TinyDB file (``articles``, else ``_default``), if it is one."""
    for name in ("articles", "_default"):
        table = value.get(name)
        if isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values()):
            return table
    return None


def _records(items: Iterable[tuple[int | str, Any]], context: Context) -> ReadResult:
    result = ReadResult()
    for number, record in items:
        _take(result, number, record, context)
    return result


def _take(result: ReadResult, number: int | str, record: Any, context: Context) -> None:
    """Add item ``number`` of the input to ``result``: an article, else a reject."""
    if isinstance(record, _BadLine):
        result.rejects.append(Reject(context.source, f"line {number}", record.reason))
        return
    try:
        result.articles.append(article_from_record(record, context))
    except InvalidDocument as exc:
        result.rejects.append(Reject(context.source, f"item {number}", str(exc)))


def read_json_feed(feed: Mapping[str, Any], context: Context) -> ReadResult:
    source = str(feed.get("title") or context.default_source)
    feed_context = Context(source, context.fetched_at)
    result = ReadResult(feed_title=str(feed.get("title") or ""))
    items = feed.get("items")
    if not isinstance(items, list):
        return ReadResult(rejects=[Reject(context.source, "", "JSON Feed without an items list")])
    for number, item in enumerate(items, 1):
        try:
            result.articles.append(_json_feed_item(item, feed, feed_context))
        except InvalidDocument as exc:
            result.rejects.append(Reject(context.source, f"item {number}", str(exc)))
    return result


def _json_feed_item(item: Any, feed: Mapping[str, Any], context: Context) -> Article:
    if not isinstance(item, Mapping):
        raise InvalidDocument("item is not an object")
    authors = item.get("authors") or item.get("author") or feed.get("authors") or feed.get("author")
    url = str(item.get("url") or item.get("external_url") or "")
    feed_key = str(feed.get("feed_url") or feed.get("home_page_url") or context.source)
    fields = {
        "id": feed_entry_id(item.get("id"), url, feed_key) or None,
        "title": item.get("title"),
        "source": context.source,
        "url": item.get("url") or item.get("external_url"),
        "author": authors,
        "published": item.get("date_published") or item.get("date_modified"),
        "summary": item.get("summary"),
        "body": item.get("content_html") or item.get("content_text"),
        "tags": item.get("tags"),
    }
    known = {"id", "title", "url", "external_url", "authors", "author", "date_published"}
    known |= {"date_modified", "summary", "content_html", "content_text", "tags", "attachments"}
    extra = {f"jsonfeed_{key}": value for key, value in item.items() if key not in known}
    extra[ENCLOSURES] = json_feed_enclosures(item.get("attachments"), _feed_base(feed))
    return build_article(fields, extra, context)


def _feed_base(feed: Mapping[str, Any]) -> str:
    """What a relative attachment URL is relative to: the feed's address, else its site."""
    base = feed.get("feed_url") or feed.get("home_page_url")
    return base if isinstance(base, str) else ""
