"""Tell an input's format from its content, not its name."""

from __future__ import annotations

import re
from enum import Enum

from store.seed import is_seed

SNIFF_BYTES = 64 * 1024
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


def detect(head: bytes, name: str = "") -> Format:
    """The format of an input from its first bytes (and, for text, its name)."""
    if not head.strip():
        return Format.EMPTY
    if head.startswith(_BOMS[1:]):
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
    lines = [line.strip() for line in body.splitlines()[:3] if line.strip()]
    if len(lines) < 2 or not lines[0].startswith(b"{"):
        return False
    return lines[0].endswith(b"}") and lines[1].startswith(b"{")


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
