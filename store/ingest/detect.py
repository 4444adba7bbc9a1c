"""Tell an input's format from its content, not its name."""

from __future__ import annotations

import re
from enum import Enum
from typing import BinaryIO

import orjson

from store.seed import is_seed

SNIFF_BYTES = 64 * 1024
_CONTENT = re.compile(rb"\S")
_XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class Format(Enum):
    EMPTY = "empty"
    BINARY = "binary"
    JSON = "json"
    JSON_LINES = "jsonl"
    FEED = "feed"
    OPML = "opml"
    HTML_PAGE = "html"
    SEED = "seed"
    MARKDOWN = "markdown"
    TEXT = "text"


def read_head(handle: BinaryIO, limit: int) -> bytes:
    """The first bytes of ``handle`` that ``detect`` needs: ``SNIFF_BYTES``, and for a JSON object
    as far as the start of its second line (at most ``limit`` bytes; in UTF-16, ``limit``)."""
    head = bytearray(handle.read(SNIFF_BYTES))
    if not _starts_object(head):
        return bytes(head)
    utf16 = is_utf16(head)
    while len(head) < limit and (utf16 or not _second_line_started(head)):
        chunk = handle.read(min(len(head), limit - len(head)))
        if not chunk:
            break
        head += chunk
    return bytes(head)


def is_utf16(head: bytes | bytearray) -> bool:
    return head.startswith(_BOMS[1:])


def _starts_object(head: bytes | bytearray) -> bool:
    if is_utf16(head):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return head.removeprefix(_BOMS[0]).lstrip()[:1] == b"{"


def _second_line_started(head: bytes | bytearray) -> bool:
    start = _CONTENT.search(head, len(_BOMS[0]) if head.startswith(_BOMS[0]) else 0)
    end = head.find(b"\n", start.start()) if start else -1
    return end >= 0 and _CONTENT.search(head, end) is not None


def detect(head: bytes, name: str = "") -> Format:
    """The format of an input from its first bytes (and, for text, its name). JSON Lines are
    told from JSON by their first line, so ``head`` should reach the start of the second."""
    if _CONTENT.search(head) is None:
        return Format.EMPTY
    if is_utf16(head):
        return detect(head.decode("utf-16", errors="ignore").encode("utf-8"), name)
    body = head.removeprefix(_BOMS[0]).lstrip()
    if _is_binary(body):
        return Format.BINARY
    if body[:1] in (b"{", b"["):
        return Format.JSON_LINES if _looks_like_json_lines(body) else Format.JSON
    if body[:1] == b"<":
        return _markup_format(body)
    text = body.decode("utf-8", errors="replace")
    if is_seed(text):
        return Format.SEED
    if name.lower().endswith((".md", ".markdown")) or text.startswith("# "):
        return Format.MARKDOWN
    return Format.TEXT


def _is_binary(data: bytes) -> bool:
    sample = data[:SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls > len(sample) // 20


def _looks_like_json_lines(body: bytes) -> bool:
    """A first line that is an object (or shaped like one) with more after it; as one JSON
    document that would be invalid, so each line is read (and rejected) on its own."""
    end = body.find(b"\n")
    following = _CONTENT.search(body, end) if end >= 0 else None
    if following is None or not body.startswith(b"{"):
        return False
    first = body[:end].strip()
    return _is_object(first) or (first.endswith(b"}") and body[following.start()] == ord("{"))


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        return False


def _markup_format(body: bytes) -> Format:
    for match in _XML_ROOT.finditer(body[:SNIFF_BYTES]):
        root = match.group(1).lower()
        if root == b"opml":
            return Format.OPML
        if root in (b"html", b"body", b"head"):
            return Format.HTML_PAGE
        return Format.FEED
    if body.lower().lstrip().startswith(b"<!doctype html"):
        return Format.HTML_PAGE
    return Format.FEED
