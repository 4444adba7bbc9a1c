"""Exporting articles: Markdown to read, JSON / JSON Lines to re-import, OPML of their feeds.

JSON and JSON Lines hold the stored documents as they are (the store's schema, entities
included), so ``newsdesk import`` of an export gives back the same articles. Markdown is for
people: the article text is escaped where it would otherwise turn into structure (a body
line starting with ``#`` is not a heading, ``<b>`` is not HTML), except for its links: a
``[text](url)`` link (as HTML links are read) stays a link and a bare URL becomes an
autolink ``<url>``, when the URL is one that may leave the app; its enclosures (podcast
episodes, videos) are listed as links under its header, on the same condition. OPML lists the
subscriptions the articles came from: a feed counts when its title is an article's source,
or its host is the host of an article's link; articles imported from files have none.

One article piped to a command (``pipe_input``, the app's ``|``) is its plain text, cleaned
of escape sequences as the Markdown is, or its stored document as a line of JSON.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from store.article import Article, article_from_document
from store.enclosures import article_enclosures, description
from store.errors import StoreError
from store.ingest.subscriptions import Feed, export_opml
from store.links import HYPERLINK_SCHEMES, UnsafeLink, UrlSpan, find_urls, safe_url
from store.sanitize import clean_line, clean_text

FORMATS = ("md", "json", "jsonl", "opml")
_LINE_START = re.compile(r"^(\s{0,3})([#>+\-*=|]|\d+[.)]|`{3,}|~{3,})")
_INLINE = re.compile(r"([\\`*_\[\]<>])")
_HOST_PREFIXES = ("www.", "feeds.", "feed.", "rss.")


def to_json(documents: Sequence[Mapping[str, Any]]) -> str:
    """A JSON array of stored documents, one per line, as ``newsdesk import`` reads it."""
    if not documents:
        return "[]\n"
    lines = (orjson.dumps(dict(doc)).decode("utf-8") for doc in documents)
    return "[\n" + ",\n".join(lines) + "\n]\n"


def to_jsonl(documents: Iterable[Mapping[str, Any]]) -> str:
    return "".join(orjson.dumps(dict(doc)).decode("utf-8") + "\n" for doc in documents)


def to_markdown(articles: Sequence[Article], title: str = "") -> str:
    """A readable Markdown document: one section per article."""
    parts = [f"# {escape_inline(title)}\n"] if title else []
    parts += [_article_markdown(article, 2 if title else 1) for article in articles]
    return "\n".join(parts)


def _article_markdown(article: Article, level: int) -> str:
    heading = escape_inline(clean_line(article.title)) or "(untitled)"
    url = _markdown_url(article.url)
    lines = ["#" * level + " " + (f"[{heading}]({url})" if url else heading), ""]
    meta = " · ".join(escape_inline(part) for part in _meta(article))
    if meta:
        lines += [meta, ""]
    if article.tags:
        lines += [" ".join(f"`#{clean_line(tag).replace('`', '')}`" for tag in article.tags), ""]
    lines += _attachment_lines(article)
    for paragraph in _paragraphs(article):
        lines += [escape_paragraph(paragraph), ""]
    return "\n".join(lines)


def _meta(article: Article) -> list[str]:
    """The source, author and date that are known, each cleaned to one line."""
    parts = (article.source, article.author, article.date)
    return [cleaned for cleaned in map(clean_line, parts) if cleaned]


def _paragraphs(article: Article) -> list[str]:
    """The text's paragraphs (the summary's when there is no body), cleaned of escape
    sequences and control characters: they are read in terminals."""
    paragraphs = clean_text(article.body or article.summary).split("\n\n")
    return [paragraph for paragraph in paragraphs if paragraph.strip()]


def to_text(article: Article) -> str:
    """One article as plain text: its title, then its source, author and date, its link,
    and its paragraphs. Cleaned as the Markdown export is, but not escaped: it is for a
    command to read (a pager, a mail), which takes text, not Markdown."""
    lines = [clean_line(article.title) or "(untitled)"]
    meta = " · ".join(_meta(article))
    lines += [line for line in (meta, clean_line(article.url)) if line]
    lines.append("")
    for paragraph in _paragraphs(article):
        lines += [paragraph, ""]
    return "\n".join(lines)


def pipe_input(article: Article, form: str) -> bytes:
    """What a command the article is piped to reads on its stdin: its text (``text``) or
    its stored document (``json``) as one line of JSON, as the JSON Lines export writes it.
    Never raises: text that is not valid Unicode (a lone surrogate from a hand-written
    store) is replaced in the text, escaped in the JSON."""
    if form != "json":
        return to_text(article).encode("utf-8", "replace")
    document = article.to_document()
    try:
        return to_jsonl([document]).encode("utf-8")
    except orjson.JSONEncodeError:
        return (json.dumps(document, ensure_ascii=True) + "\n").encode("ascii")


def _attachment_lines(article: Article) -> list[str]:
    """The article's enclosures as a list of links (those that may leave the app), or
    nothing."""
    items = [
        f"- [{escape_inline(description(enclosure))}]({url})"
        for enclosure in article_enclosures(article)
        if (url := _markdown_url(enclosure.url))
    ]
    return ["Attachments:", "", *items, ""] if items else []


def _markdown_url(url: str, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """A link target that cannot end the ``(...)`` or ``<...>`` early; none for other
    schemes."""
    try:
        target = safe_url(clean_line(url), schemes)
    except UnsafeLink:
        return ""
    return target.replace("(", "%28").replace(")", "%29")


def escape_inline(text: str) -> str:
    """Text that stays text inside a Markdown line (no emphasis, code, links or HTML)."""
    return _INLINE.sub(r"\\\1", text)


def escape_paragraph(paragraph: str) -> str:
    """A paragraph of article text, each line kept from starting a heading, quote, list,
    table, rule or code fence; its links stay links."""
    lines = []
    for line in paragraph.split("\n"):
        line = _with_links(line.rstrip())
        lines.append(_LINE_START.sub(_escape_start, line, count=1))
    return "  \n".join(lines)


def _with_links(line: str) -> str:
    """``line`` escaped, but for its links, written as Markdown links or autolinks."""
    parts, done = [], 0
    for span in find_urls(line):
        start, end = span.link or (span.start, span.end)
        link = _markdown_link(span)
        if start < done or not link:
            continue
        parts += [escape_inline(line[done:start]), link]
        done = end
    parts.append(escape_inline(line[done:]))
    return "".join(parts)


def _markdown_link(span: UrlSpan) -> str:
    target = _markdown_url(span.url, HYPERLINK_SCHEMES)
    if not target:
        return ""
    if span.label is None:
        return f"<{target}>"
    return f"[{escape_inline(span.label.strip() or target)}]({target})"


def _escape_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    if mark[0].isdigit():
        return indent + mark[:-1] + "\\" + mark[-1]
    return indent + "\\" + mark


def articles_of(documents: Iterable[Mapping[str, Any]]) -> list[Article]:
    """The documents that are valid articles (the index only holds valid ones)."""
    return [article_from_document(doc) for doc in documents]


def feeds_of(documents: Iterable[Mapping[str, Any]], feeds: Sequence[Feed]) -> list[Feed]:
    """The subscriptions the documents came from, in subscription order."""
    sources, hosts = set(), set()
    for doc in documents:
        sources.add(clean_line(str(doc.get("source") or "")).casefold())
        hosts.add(_host(str(doc.get("url") or "")))
    sources.discard("")
    hosts.discard("")
    return [
        feed
        for feed in feeds
        if clean_line(feed.title).casefold() in sources or _host(feed.url) in hosts
    ]


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    return host


def to_opml(feeds: Sequence[Feed]) -> str:
    return export_opml(list(feeds))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (temp file beside it, then replace),
    so a failure leaves neither a half file nor a stray temp file."""
    folder = path.parent
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, 0o644)  # mkstemp's 0o600 is for secrets, not for a document
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None


@dataclass(frozen=True, slots=True)
class Exported:
    """An export's text and how many items (articles, or feeds for OPML) it holds."""

    text: str
    count: int


def export_documents(
    documents: Sequence[Mapping[str, Any]],
    fmt: str,
    feeds: Sequence[Feed] = (),
    title: str = "",
) -> Exported:
    """``documents`` in format ``fmt`` (one of ``FORMATS``); OPML lists ``feeds`` (the
    caller picks them: ``feeds_of`` the documents, or every subscription)."""
    if fmt == "md":
        return Exported(to_markdown(articles_of(documents), title), len(documents))
    if fmt == "json":
        return Exported(to_json(documents), len(documents))
    if fmt == "jsonl":
        return Exported(to_jsonl(documents), len(documents))
    if fmt == "opml":
        return Exported(to_opml(feeds), len(feeds))
    raise ValueError(f"unknown export format: {fmt}")


def check_not_store_file(target: Path, store_path: Path) -> None:
    """Refuse to export over the store, its reading state or its index (``StoreError``)."""
    from store.index.schema import index_path_for
    from store.paths import state_path_for
    from store.reading.journal import journal_path

    state = state_path_for(store_path)
    own = {store_path, state, journal_path(state), index_path_for(store_path)}
    resolved = target.resolve()
    inside = store_path.is_dir() and resolved.is_relative_to(store_path.resolve())
    if inside or resolved in {path.resolve() for path in own}:
        raise StoreError(f"{target}: is the store's own file; export to another file")
