"""Read any supported input: files of every format, and folders recursively."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from store.article import InvalidDocument
from store.ingest.detect import Format, detect, is_utf16, read_head
from store.ingest.feeds import read_feed
from store.ingest.jsonfmt import bounded_lines, json_lines_batches, read_json, read_json_lines
from store.ingest.mapping import Context
from store.ingest.opml import read_opml
from store.ingest.result import BATCH, ReadResult
from store.ingest.text import read_text
from store.rejects import Reject
from store.seed import SeedFormatError, parse_seed
from store.storage.atomic import open_regular

MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024
Progress = Callable[[int, int], None]


def read_paths(paths: Iterable[Path]) -> ReadResult:
    """Everything readable under ``paths``, at once; unreadable inputs become rejects, never
    errors."""
    return _merged(read_batches(paths, None))


def _expand(paths: Iterable[Path]) -> tuple[list[Path], ReadResult]:
    files: list[Path] = []
    result = ReadResult()
    for path in paths:
        if path.is_dir():
            files.extend(_walk(path))
        elif path.exists():
            files.append(path)
        else:
            result.rejects.append(Reject(str(path), "", "no such file or folder"))
    return files, result


def _walk(folder: Path) -> Iterator[Path]:
    """Files below ``folder`` in name order, skipping hidden files and folders."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root, name)


def read_batches(
    paths: Iterable[Path], size: int | None = BATCH, progress: Progress | None = None
) -> Iterator[ReadResult]:
    """What ``read_paths`` reads, as it reads: results of at most ``size`` articles each (a
    file's articles may span several; ``None``: a file's at once), JSON Lines streamed, so
    inputs of any size take bounded memory. ``progress`` hears of the input's bytes read
    and in all."""
    files, result = _expand(paths)
    if result.rejects:
        yield result
    sizes = [_size(path) for path in files]
    total, before = sum(sizes), 0
    for path, file_size in zip(files, sizes, strict=True):
        for batch, at in _file_batches(path, size):
            if progress is not None:
                progress(before + at, total)
            yield batch
        before += file_size


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_file(path: Path) -> ReadResult:
    return _merged(batch for batch, _ in _file_batches(path, None))


def _merged(batches: Iterable[ReadResult]) -> ReadResult:
    result = ReadResult()
    for batch in batches:
        result.extend(batch)
        result.feed_title = result.feed_title or batch.feed_title
    return result


def _file_batches(path: Path, size: int | None) -> Iterator[tuple[ReadResult, int]]:
    """What ``path`` holds, in results of at most ``size`` articles (all at once for
    ``None``), each with how many of the file's bytes were read by then."""
    source = str(path)
    try:
        with open_regular(path) as handle:
            head = read_head(handle, MAX_WHOLE_FILE_BYTES)
            form = detect(head, path.name)
            if form in _REFUSED:
                yield _rejected(source, _REFUSED[form]), 0
                return
            if form is Format.JSON_LINES and not is_utf16(head):
                handle.seek(0)
                lines = bounded_lines(handle, MAX_WHOLE_FILE_BYTES)
                context = Context.now(source)
                limit = size or sys.maxsize
                for batch in json_lines_batches(lines, context, limit, MAX_WHOLE_FILE_BYTES):
                    yield batch, handle.tell()
                return
            status = os.fstat(handle.fileno())
            if status.st_size > MAX_WHOLE_FILE_BYTES:
                yield _rejected(source, _too_large(status.st_size)), 0
                return
            data = head + handle.read()
    except OSError as exc:
        yield _rejected(source, f"cannot read ({exc.strerror or exc})"), 0
        return
    whole = read_bytes(data, source, form, modified=status.st_mtime)
    yield from ((batch, len(data)) for batch in whole.batches(size))


def _too_large(size: int) -> str:
    limit = MAX_WHOLE_FILE_BYTES // (1024 * 1024)
    return (
        f"too large ({size / 1e6:.0f} MB; the limit is {limit} MB, "
        "except for UTF-8 JSON Lines, which are streamed)"
    )


def read_bytes(
    data: bytes,
    source: str,
    form: Format | None = None,
    modified: float | None = None,
    url: str = "",
    content_type: str = "",
) -> ReadResult:
    """Read one input held in memory (a file's contents, or a feed fetched from ``url``
    with its response's ``content_type``)."""
    form = form or detect(data, source)
    context = Context.now(source)
    if form in _REFUSED:
        return _rejected(source, _REFUSED[form])
    if form in (Format.JSON, Format.JSON_LINES):
        data = decode_text(data).encode("utf-8")  # JSON parsers take UTF-8 without a BOM
    if form is Format.JSON:
        return read_json(data, context)
    if form is Format.JSON_LINES:
        return read_json_lines(data.splitlines(), context)
    if form is Format.FEED:
        return read_feed(data, context, url=url, content_type=content_type)
    if form is Format.OPML:
        return read_opml(data, context)
    return _read_plain(data, context, form, modified)


_REFUSED = {
    Format.EMPTY: "empty file",
    Format.BINARY: "binary file, not text, JSON or a feed",
    Format.HTML_PAGE: "an HTML page, not a feed (give the feed's own address)",
}


def _read_plain(data: bytes, context: Context, form: Format, modified: float | None) -> ReadResult:
    text = decode_text(data)
    try:
        if form is Format.SEED:
            article = parse_seed(text, source=Path(context.source).parent.name or "seeds")
        else:
            article = read_text(text, context, published=modified)
    except (SeedFormatError, InvalidDocument) as exc:
        return _rejected(context.source, str(exc))
    return ReadResult(articles=[article])


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _rejected(source: str, reason: str) -> ReadResult:
    return ReadResult(rejects=[Reject(source, "", reason)])
