"""The links of an article: found in its text and fields, and made safe to hand on.

Article text is untrusted, and a link leaves the app: as an argument of a browser command,
inside an OSC 8 escape sequence, or on the clipboard. So a link is only passed on in a
normal form: a known scheme (http/https to open; mailto too as a hyperlink), no whitespace
or control characters anywhere (the text they would need to break out of a sequence or an
argument), and characters that have no business in a URL percent-encoded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from store.article import Article
from store.sanitize import clean_line, clean_text

OPEN_SCHEMES = ("http", "https")
"""Links that may go to a browser."""
HYPERLINK_SCHEMES = (*OPEN_SCHEMES, "mailto")
"""Links that may become OSC 8 hyperlinks in the detail pane."""

_URL = re.compile(r"(?:https?://|mailto:)[^\s<>\"'`{}|\\^\x00-\x1f\x7f-\x9f]+", re.IGNORECASE)
_TRAILING = ".,;:!?*'\""
_PAIRS = {")": "(", "]": "[", "}": "{"}
# RFC 3986 reserved and unreserved characters plus "%", minus the quote "'": everything else
# (quotes, backticks, backslashes, braces, non-ASCII) is percent-encoded.
_SAFE = "-._~:/?#[]@!$&()*+,;=%"
_FIELDS_SCANNED = 2
"""How deep nested fields (lists, objects) of an article are searched for URLs."""


class UnsafeLink(ValueError):
    """A link that is not passed on; the message says why in a few words."""


@dataclass(frozen=True, slots=True)
class Link:
    """One link of an article, and where it was found (``link``, ``body``, a field name)."""

    url: str
    where: str


@dataclass(frozen=True, slots=True)
class UrlSpan:
    """A URL found in a text, as a character span of it."""

    start: int
    end: int
    url: str


def find_urls(text: str) -> list[UrlSpan]:
    """The http(s) and mailto URLs in ``text``, without the punctuation that ends a
    sentence, and without a closing parenthesis the URL did not open."""
    found = []
    for match in _URL.finditer(text):
        url = _trim(match.group())
        if _has_target(url):
            found.append(UrlSpan(match.start(), match.start() + len(url), url))
    return found


def _trim(url: str) -> str:
    while url:
        last = url[-1]
        unbalanced = last in _PAIRS and url.count(_PAIRS[last]) < url.count(last)
        if last not in _TRAILING and not unbalanced:
            break
        url = url[:-1]
    return url


def _has_target(url: str) -> bool:
    scheme, _, rest = url.partition(":")
    if scheme.lower() == "mailto":
        return "@" in rest
    return bool(rest.removeprefix("//").split("/", 1)[0])


def article_links(article: Article) -> list[Link]:
    """Every link of ``article``, numbered in the order a reader meets them: its own URL,
    then the body's, then any found in its other fields; each URL once."""
    found: dict[str, Link] = {}
    candidates = [Link(clean_line(article.url), "link")] if article.url else []
    candidates += [Link(span.url, "body") for span in find_urls(clean_text(article.body))]
    for where, text in _other_texts(article):
        candidates += [Link(span.url, where) for span in find_urls(clean_text(text))]
    for link in candidates:
        key = link.url.rstrip("/")
        if link.url and key not in found:
            found[key] = link
    return list(found.values())


def _other_texts(article: Article) -> Iterator[tuple[str, str]]:
    if not article.body:
        yield "summary", article.summary
    yield "caption", article.caption
    for name, value in article.extra.items():
        for text in _strings(value, _FIELDS_SCANNED):
            yield str(name), text


def _strings(value: Any, depth: int) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif depth > 0 and isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item, depth - 1)
    elif depth > 0 and isinstance(value, list):
        for item in value:
            yield from _strings(item, depth - 1)


def safe_url(url: str, schemes: tuple[str, ...] = OPEN_SCHEMES) -> str:
    """``url`` in the form that may leave the app, or ``UnsafeLink`` saying why not."""
    if not url:
        raise UnsafeLink("no link")
    if any(_is_space_or_control(char) for char in url):
        raise UnsafeLink("the link holds spaces or control characters")
    scheme = url.partition(":")[0].lower()
    if scheme not in schemes or scheme == url:
        shown = scheme if scheme != url and scheme.isalnum() else "this kind of"
        raise UnsafeLink(f"{shown} links are not allowed (only {'/'.join(schemes)})")
    if scheme == "mailto":
        return "mailto:" + quote(url.partition(":")[2], safe=_SAFE)
    return _normal_web_url(url)


def _is_space_or_control(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs")


def _normal_web_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise UnsafeLink("the link is malformed") from None
    if not host:
        raise UnsafeLink("the link names no host")
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
        except UnicodeError:
            raise UnsafeLink("the link's host name is malformed") from None
    path, query, fragment = (quote(part, safe=_SAFE) for part in parts[2:])
    return urlunsplit((parts.scheme.lower(), quote(netloc, safe=_SAFE), path, query, fragment))


def hyperlink_target(url: str) -> str | None:
    """The target of an OSC 8 hyperlink for ``url``, or ``None`` when it gets none."""
    try:
        return safe_url(url, HYPERLINK_SCHEMES)
    except UnsafeLink:
        return None
