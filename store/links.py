"""The links of an article: found in its text and fields, and made safe to hand on.

Article text is untrusted, and a link leaves the app: as an argument of a browser command,
inside an OSC 8 escape sequence, on the clipboard, or in an export. So a link is only passed
on in a normal form: a known scheme (http/https to open; mailto too as a hyperlink), no
control characters anywhere (refused: the text they would need to break out of a sequence or
an argument), and spaces and other characters that have no business in a URL
percent-encoded (``%`` escapes already in it are kept).

An article's enclosures (``store.enclosures``) are links too, listed after its own URL and
said as what they are (``▶ audio/mpeg 42:10``).

A link in text is either a bare URL (it ends at the first space) or written
``[text](target)``, as HTML links are when an article is read; such a target may hold
spaces, since the parentheses delimit it.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from store.article import ENCLOSURES, Article
from store.enclosures import article_enclosures, link_label
from store.sanitize import clean_line, clean_text

OPEN_SCHEMES = ("http", "https")
"""Links that may go to a browser."""
HYPERLINK_SCHEMES = (*OPEN_SCHEMES, "mailto")
"""Links that may become OSC 8 hyperlinks in the detail pane."""

_URL = re.compile(r"(?:https?://|mailto:)[^\s<>\"'`{}|\\^\x00-\x1f\x7f-\x9f]+", re.IGNORECASE)
_SCHEME = r"(?:https?://|mailto:)"
_LABELLED = re.compile(
    r"\[(?P<label>[^\[\]\n]*)\]\( *(?P<url>" + _SCHEME + r"(?:[^()\s]|[ ]|\([^()\s]*\))*?) *\)",
    re.IGNORECASE,
)
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
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
    """One link of an article, and where it was found (``link``, ``enclosure``, ``body``, a
    field name)."""

    url: str
    where: str
    label: str = ""
    """What the link is, said before it in the link list (an enclosure's type and
    duration); empty for a link that is just a URL."""


@dataclass(frozen=True, slots=True)
class UrlSpan:
    """A URL found in a text, as a character span of it. For a link written
    ``[label](url)``, ``label`` is its text and ``link`` the span of the whole link."""

    start: int
    end: int
    url: str
    label: str | None = None
    link: tuple[int, int] | None = None


def find_urls(text: str) -> list[UrlSpan]:
    """The http(s) and mailto URLs in ``text``, in order: the targets of ``[text](url)``
    links whole, and bare URLs without the punctuation that ends a sentence or a closing
    parenthesis the URL did not open."""
    matches = list(_LABELLED.finditer(text))
    found = [span for span in map(_labelled, matches) if _has_target(span.url)]
    links = iter([match.span() for match in matches] + [(len(text), len(text))])
    start, end = next(links)
    for match in _URL.finditer(text):
        while end <= match.start():
            start, end = next(links)
        if start <= match.start():
            continue  # in a labelled link, whose target is found already
        url = _trim(match.group()[: start - match.start()])
        if _has_target(url):
            found.append(UrlSpan(match.start(), match.start() + len(url), url))
    return sorted(found, key=lambda span: span.start)


def _labelled(match: re.Match[str]) -> UrlSpan:
    return UrlSpan(match.start("url"), match.end("url"), match["url"], match["label"], match.span())


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
    its enclosures (listed under the header), then the body's, then any found in its other
    fields; each URL once."""
    found: dict[str, Link] = {}
    candidates = [Link(clean_line(article.url), "link")] if article.url else []
    candidates += [
        Link(enclosure.url, "enclosure", link_label(enclosure))
        for enclosure in article_enclosures(article)
    ]
    candidates += [Link(span.url, "body") for span in find_urls(clean_text(article.body))]
    for where, text in _other_texts(article):
        candidates += [Link(span.url, where) for span in find_urls(clean_text(text))]
    for link in candidates:
        link = Link(_shown(link.url), link.where, link.label)
        key = link.url.rstrip("/")
        if link.url and key not in found:
            found[key] = link
    return list(found.values())


def _shown(url: str) -> str:
    """``url`` as it would be passed on, or as it is when it cannot be (using it then says
    why)."""
    try:
        return normal_url(url)
    except UnsafeLink:
        return url


_NON_ASCII_ESCAPES = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")


def readable_url(url: str) -> str:
    """A URL as a reader reads it: the characters of other scripts that ``normal_url``
    escaped shown as themselves, the host in its own script. For showing only: what is
    opened, copied or linked stays ``normal_url``'s."""
    shown = _NON_ASCII_ESCAPES.sub(_unescaped, url)
    try:
        host = urlsplit(shown).hostname or ""
    except ValueError:
        return shown
    if "xn--" in host:
        with contextlib.suppress(UnicodeError):
            shown = shown.replace(host, host.encode("ascii").decode("idna"), 1)
    return shown


def _unescaped(match: re.Match[str]) -> str:
    """Escapes of UTF-8 decoded, when they are UTF-8 and decode to printable text."""
    try:
        text = unquote(match[0], errors="strict")
    except UnicodeDecodeError:
        return match[0]
    return text if text.isprintable() and not any(c.isspace() for c in text) else match[0]


def _other_texts(article: Article) -> Iterator[tuple[str, str]]:
    if not article.body:
        yield "summary", article.summary
    yield "caption", article.caption
    for name, value in article.extra.items():
        if name == ENCLOSURES:
            continue  # listed as enclosures already
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
    url = normal_url(url)
    scheme = url.partition(":")[0].lower()
    if scheme not in schemes or scheme == url:
        shown = scheme if scheme != url and scheme.isalnum() else "this kind of"
        raise UnsafeLink(f"{shown} links are not allowed (only {'/'.join(schemes)})")
    return url


def normal_url(url: str) -> str:
    """``url`` with spaces and characters that have no business in a URL percent-encoded
    (of any scheme; web hosts in ASCII), or ``UnsafeLink`` when it cannot be made valid."""
    url = url.strip(" ")
    if not url:
        raise UnsafeLink("no link")
    if any(_is_control(char) for char in url):
        raise UnsafeLink("the link holds control characters")
    scheme, colon, rest = url.partition(":")
    if scheme.lower() in OPEN_SCHEMES and colon:
        return _normal_web_url(url)
    return scheme + colon + _quoted(rest)


def _is_control(char: str) -> bool:
    """Characters that are refused, not encoded: controls (tabs and newlines too), format
    characters such as bidirectional overrides, and line or paragraph separators."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _quoted(part: str) -> str:
    return quote(_LONE_PERCENT.sub("%25", part), safe=_SAFE)


def _normal_web_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise UnsafeLink("the link is malformed") from None
    if not host:
        raise UnsafeLink("the link names no host")
    netloc = parts.netloc
    if any(char.isspace() for char in netloc):
        raise UnsafeLink("the link's host name holds spaces")
    if not netloc.isascii():
        try:
            netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
        except UnicodeError:
            raise UnsafeLink("the link's host name is malformed") from None
    path, query, fragment = (_quoted(part) for part in parts[2:])
    return urlunsplit((parts.scheme.lower(), _quoted(netloc), path, query, fragment))


def hyperlink_target(url: str) -> str | None:
    """The target of an OSC 8 hyperlink for ``url``, or ``None`` when it gets none."""
    try:
        return safe_url(url, HYPERLINK_SCHEMES)
    except UnsafeLink:
        return None
