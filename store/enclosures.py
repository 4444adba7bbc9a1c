"""Enclosures: the podcast episodes, videos and images a feed item carries.

An article keeps them in its optional ``enclosures`` field (in ``Article.extra``, see
``store.article``): a list of ``{url, type, length, duration}``, only ``url`` always there.
Ingest builds that list from what a feed says (``store.ingest.enclosures``, which makes each
URL safe with ``store.links``); this module holds what both sides share: the values checked
one by one (``mime_type``, ``byte_length``, ``duration_seconds``), the stored list read back
(``article_enclosures``) and an enclosure said in a few words for the reading pane, the link
list and exports.

A store is not trusted either (a hand edit, another program), so a stored list is read with
the same checks as a feed's: an entry that is not an object with a text URL is skipped, a
value that does not pass is left out, and at most ``MAX_ENCLOSURES`` are read. The URL is
only cleaned of control characters here; whether it may be opened is decided where it is
used (``store.links.safe_url``), as for every other link. This module does not import
``store.links``: that module lists enclosures among an article's links.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from store.article import ENCLOSURES, Article
from store.sanitize import clean_line

MAX_ENCLOSURES = 20
"""Enclosures kept per article: a podcast item has one, a photo story a handful; a feed
listing hundreds is a mistake or a flood."""
MAX_URL_CHARS = 4096
"""A longer enclosure URL is dropped: signed CDN links run to a thousand characters or so."""
MAX_LENGTH = 10**12
"""Bytes (1 TB): a larger length is no file a feed offers, and is left out."""
MAX_DURATION = 7 * 24 * 3600
"""Seconds (a week): a longer duration is a mistake (milliseconds given as seconds, say)."""
_MIME_CHARS = 127
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
"""RFC 6838's type/subtype, lower-cased; parameters (``; codecs=...``) are cut off first."""
_CLOCK = re.compile(r"(?:(\d{1,3}):)??(?:(\d{1,5}):)?(\d{1,7}(?:\.\d+)?)")
"""``[[H:]M:]S[.fraction]``: iTunes' ``HH:MM:SS`` and ``MM:SS``, or plain seconds."""
MARK = "▶"
"""Said before an enclosure in the link list, so it stands out from links in the text."""


@dataclass(frozen=True, slots=True)
class Enclosure:
    """One file a feed item carries; ``type``, ``length`` and ``duration`` when known."""

    url: str
    type: str = ""
    length: int | None = None
    """In bytes."""
    duration: int | None = None
    """In whole seconds."""

    def to_document(self) -> dict[str, Any]:
        """As the store keeps it: only the fields that are known, always in the same
        order (so a re-import of the same item compares equal)."""
        doc: dict[str, Any] = {"url": self.url}
        if self.type:
            doc["type"] = self.type
        if self.length is not None:
            doc["length"] = self.length
        if self.duration is not None:
            doc["duration"] = self.duration
        return doc


def article_enclosures(article: Article) -> tuple[Enclosure, ...]:
    """The enclosures ``article`` keeps, as far as they read (see the module's docstring)."""
    return stored_enclosures(article.extra.get(ENCLOSURES))


def stored_enclosures(value: Any) -> tuple[Enclosure, ...]:
    """A stored ``enclosures`` list read back: entries that do not read are skipped."""
    if not isinstance(value, list):
        return ()
    found = (_stored(item) for item in value[:MAX_ENCLOSURES])
    return tuple(enclosure for enclosure in found if enclosure is not None)


def _stored(item: Any) -> Enclosure | None:
    if not isinstance(item, Mapping) or not isinstance(item.get("url"), str):
        return None
    url = clean_line(item["url"])
    if not url or len(url) > MAX_URL_CHARS:
        return None
    return Enclosure(
        url,
        mime_type(item.get("type")),
        byte_length(item.get("length")),
        duration_seconds(item.get("duration")),
    )


def mime_type(value: Any) -> str:
    """A MIME type such as ``audio/mpeg`` (lower case, without parameters), or empty when
    ``value`` is not one: the type is shown, so it is never free text."""
    if not isinstance(value, str):
        return ""
    text = clean_line(value).split(";", 1)[0].strip().lower()
    return text if len(text) <= _MIME_CHARS and _MIME.fullmatch(text) else ""


def byte_length(value: Any) -> int | None:
    """A length in bytes from a number or digits, or ``None``: 0 (what feeds write when
    they do not know), negative, fractional, huge or not a number."""
    if isinstance(value, str):
        digits = value.strip()
        value = int(digits) if len(digits) <= 15 and digits.isascii() and digits.isdigit() else None
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return value if 0 < value <= MAX_LENGTH else None


def duration_seconds(value: Any) -> int | None:
    """A duration in whole seconds from seconds (a number or its digits) or a clock
    (``HH:MM:SS``, ``MM:SS``), or ``None`` when it reads as neither or is 0 or absurd."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value) if abs(value) <= MAX_DURATION else math.nan  # 10**400 too
    elif isinstance(value, str):
        seconds = _clock_seconds(clean_line(value))
    else:
        return None
    if not math.isfinite(seconds) or seconds < 0.5 or seconds > MAX_DURATION:
        return None
    return round(seconds)


def _clock_seconds(text: str) -> float:
    """``[[H:]M:]S`` in seconds; minutes and seconds under 60 after a larger unit (``75:30``
    is 75 minutes, ``1:75:30`` no time at all); ``nan`` when it is no clock."""
    match = _CLOCK.fullmatch(text) if text.isascii() else None
    if match is None:
        return math.nan
    hours, minutes, seconds = match.groups()
    second_count = float(seconds)
    if minutes is not None and second_count >= 60:
        return math.nan
    if hours is not None and (minutes is None or int(minutes) >= 60):
        return math.nan
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + second_count


def clock(seconds: int) -> str:
    """A duration as a reader reads it: ``42:10``, ``1:02:03``, ``0:45``."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def size(length: int) -> str:
    """A length in bytes as a reader reads it, in decimal units: ``38.1 MB``, ``900 bytes``."""
    if length < 1000:
        return f"{length} bytes"
    amount = float(length)
    for unit in ("kB", "MB", "GB", "TB"):
        amount /= 1000
        if amount < 999.95 or unit == "TB":
            break
    return f"{amount:.1f} {unit}"


def description(enclosure: Enclosure) -> str:
    """What the reading pane and exports say of an enclosure: ``audio/mpeg · 42:10 ·
    38.1 MB`` (as much of it as is known)."""
    parts = [enclosure.type or "attachment"]
    if enclosure.duration is not None:
        parts.append(clock(enclosure.duration))
    if enclosure.length is not None:
        parts.append(size(enclosure.length))
    return " · ".join(parts)


def link_label(enclosure: Enclosure) -> str:
    """What the link list says before an enclosure's URL: ``▶ audio/mpeg 42:10``."""
    parts = [MARK, enclosure.type or "attachment"]
    if enclosure.duration is not None:
        parts.append(clock(enclosure.duration))
    return " ".join(parts)
