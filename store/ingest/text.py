"""Plain text and Markdown files: the first line (or first heading) is the title."""

from __future__ import annotations

import re

from store.article import Article
from store.ingest.mapping import Context, build_article
from store.seed import headline_from

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def read_text(text: str, context: Context, published: float | None = None) -> Article:
    """One article; ``published`` (a file's modification time) stands in for a missing date."""
    lines = text.replace("\r\n", "\n").strip().split("\n")
    title, rest = _title(lines)
    title = _MARKDOWN_LINK.sub(r"\1", title)
    fields: dict[str, object] = {"title": title, "body": "\n".join(rest).strip()}
    extra: dict[str, object] = {}
    if published is not None:
        fields["published"] = published
        extra["published_estimated"] = "file modification time"
    return build_article(fields, extra, context)


def _title(lines: list[str]) -> tuple[str, list[str]]:
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading:
            return heading.group(1), lines[index + 1 :]
        if line.strip():
            break
    first = headline_from(lines[0].strip())
    rest = lines[1:] if first == lines[0].strip() else lines
    if rest and _SETEXT_UNDERLINE.match(rest[0]):
        rest = rest[1:]
    return first, rest
