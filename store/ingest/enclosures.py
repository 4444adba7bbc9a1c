"""A feed item's enclosures, gathered from what each format says and made safe to keep.

RSS ``<enclosure url type length>`` and Atom ``<link rel="enclosure" href type length>``
(both ``entry.enclosures`` in feedparser), Media RSS ``<media:content url type fileSize
duration>`` and ``<itunes:duration>`` reach ``feed_enclosures``; JSON Feed ``attachments``
(``url``, ``mime_type``, ``size_in_bytes``, ``duration_in_seconds``) reach
``json_feed_enclosures``. Either gives raw entries that ``build_article`` hands to
``clean_enclosures``, which also cleans an ``enclosures`` list a JSON article file holds:
every reader's enclosures pass the one check.

Everything here is untrusted. An enclosure's URL goes through ``store.links.safe_url`` like
any link that may leave the app (http and https only, no control characters, the rest
percent-encoded); one that does not pass drops the enclosure, never the item. The type,
length and duration are checked one by one (``store.enclosures``) and left out when they
do not pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from store.enclosures import (
    MAX_ENCLOSURES,
    MAX_URL_CHARS,
    Enclosure,
    byte_length,
    duration_seconds,
    mime_type,
)
from store.links import UnsafeLink, safe_url

_NAMES: dict[str, tuple[str, ...]] = {
    "url": ("url", "href"),
    "type": ("type", "mime_type"),
    "length": ("length", "size_in_bytes", "filesize", "fileSize"),
    "duration": ("duration", "duration_in_seconds"),
}
"""Each field of an enclosure and the names inputs give it, ours first."""
_TIMED = ("audio/", "video/")


def feed_enclosures(entry: Mapping[str, Any], base: str = "") -> list[dict[str, Any]]:
    """The raw enclosures of a feedparser entry, relative URLs resolved against ``base``;
    the item's ``itunes:duration`` goes to its first sound or video that has none."""
    found = [_raw(item, base) for item in _mappings(entry.get("enclosures"))]
    found += [_raw(item, base) for item in _mappings(entry.get("media_content"))]
    duration = entry.get("itunes_duration")
    if duration:
        for item in found:
            if _is_timed(item) and not item.get("duration"):
                item["duration"] = duration
                break
    return found


def json_feed_enclosures(attachments: Any, base: str = "") -> list[dict[str, Any]]:
    """The raw enclosures of a JSON Feed item's ``attachments``."""
    return [_raw(item, base) for item in _mappings(attachments)]


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else []
    return [item for item in items if isinstance(item, Mapping)]


def _raw(item: Mapping[str, Any], base: str) -> dict[str, Any]:
    """One enclosure with our field names; its URL made absolute when it is relative."""
    raw = {name: _first(item, names) for name, names in _NAMES.items()}
    url = raw["url"]
    if isinstance(url, str) and url.strip() and base:
        raw["url"] = _absolute(url.strip(), base)  # a blank one is none, not the base
    return raw


def _absolute(url: str, base: str) -> str:
    """``url`` resolved against ``base`` when it has no scheme (as it is when it does not
    parse: the check then refuses it)."""
    try:
        return url if urlsplit(url).scheme else urljoin(base, url)
    except ValueError:
        return url


def _first(item: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if item.get(name) not in (None, ""):
            return item[name]
    return None


def _is_timed(item: Mapping[str, Any]) -> bool:
    """Whether an enclosure is sound or video, or of no stated type (a podcast's is)."""
    kind = mime_type(item.get("type"))
    return not kind or kind.startswith(_TIMED)


def clean_enclosures(value: Any) -> list[dict[str, Any]]:
    """The enclosures of ``value`` (a list of objects named as ``_NAMES`` has it) that are
    safe to keep, as the store keeps them: at most ``MAX_ENCLOSURES``, each URL once, a
    later mention of a URL filling in what an earlier one left out (an RSS enclosure's
    length, its ``media:content`` duration). Cleaning a cleaned list changes nothing."""
    kept: dict[str, Enclosure] = {}
    for enclosure in _enclosures(_mappings(value)):
        earlier = kept.get(enclosure.url)
        if earlier is not None:
            kept[enclosure.url] = _filled(earlier, enclosure)
        elif len(kept) < MAX_ENCLOSURES:
            kept[enclosure.url] = enclosure
    return [enclosure.to_document() for enclosure in kept.values()]


def _enclosures(items: Iterable[Mapping[str, Any]]) -> Iterable[Enclosure]:
    for item in items:
        if (enclosure := clean_enclosure(item)) is not None:
            yield enclosure


def clean_enclosure(item: Mapping[str, Any]) -> Enclosure | None:
    """One enclosure made safe, or ``None`` when its URL is missing or may not be passed on."""
    raw = {name: _first(item, names) for name, names in _NAMES.items()}
    url = raw["url"]
    if not isinstance(url, str):
        return None
    try:
        url = safe_url(url.strip())
    except UnsafeLink:
        return None
    if len(url) > MAX_URL_CHARS:
        return None
    return Enclosure(
        url,
        mime_type(raw["type"]),
        byte_length(raw["length"]),
        duration_seconds(raw["duration"]),
    )


def _filled(earlier: Enclosure, later: Enclosure) -> Enclosure:
    return replace(
        earlier,
        type=earlier.type or later.type,
        length=earlier.length if earlier.length is not None else later.length,
        duration=earlier.duration if earlier.duration is not None else later.duration,
    )
