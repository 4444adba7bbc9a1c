"""Subscriptions: the ``feeds`` table of a store, and OPML export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from store.errors import StoreError
from store.index import refresh_index
from store.ingest.importer import import_into
from store.ingest.opml import FEED_SCHEMES
from store.ingest.result import ReadResult, Subscription
from store.storage import Change, open_backend, unplaced
from store.storage.atomic import holding


@dataclass(frozen=True)
class Feed:
    """A subscription with what the last fetch learnt about it."""

    url: str
    title: str = ""
    etag: str = ""
    modified: str = ""
    last_fetched: str = ""
    last_status: str = ""
    last_error: str = ""
    full_text: bool = False
    """Each item's page is fetched for its whole text."""
    interval: str = ""
    """The feed's own interval between scheduled fetches (``1h``), or the global one."""
    next_fetch: str = ""
    """When a scheduled fetch next takes it (ISO 8601), or "" for at once."""
    failures: int = 0
    """Fetches in a row that failed (the backoff doubles with each)."""

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Feed:
        others = ("full_text", "failures")
        texts = [name for name in cls.__dataclass_fields__ if name not in others]
        fields = {name: str(doc.get(name) or "") for name in texts}
        failures = doc.get("failures")
        failures = failures if isinstance(failures, int) and failures >= 0 else 0
        return cls(**fields, full_text=doc.get("full_text") is True, failures=failures)


SETTINGS = {
    "title": "a name for the feed",
    "full-text": "on or off",
    "interval": "a duration such as 15m or 1h, or off for the global one",
}
"""What ``set_feed`` changes, and the values each takes."""
_SWITCH = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


def list_feeds(path: Path) -> list[Feed]:
    store = open_backend(path)
    if not store.exists():
        raise StoreError(f"{path}: no such store")
    table = store.feeds()
    docs = [doc for _, doc in sorted(table.items(), key=lambda item: _key(item[0]))]
    return [Feed.from_document(doc) for doc in docs if isinstance(doc, dict) and doc.get("url")]


def _key(key: str) -> int:
    return int(key) if key.isdigit() else 0


def add_feeds(path: Path, feeds: list[Subscription]) -> int:
    """Subscribe to ``feeds`` (http/https only); returns how many were new."""
    bad = [feed.url for feed in feeds if not feed.url.lower().startswith(FEED_SCHEMES)]
    if bad:
        raise ValueError(f"not an http(s) feed address: {bad[0]}")
    return import_into(path, ReadResult(feeds=feeds)).feeds_added


def remove_feeds(path: Path, targets: list[str]) -> list[str]:
    """Unsubscribe by URL or by the number ``feeds list`` shows; returns the URLs removed."""
    store = open_backend(path)
    with holding(store.lock):
        if not store.exists():
            raise StoreError(f"{path}: no such store")
        store.check()  # never rewrite what a newer newsdesk wrote
        table = store.feeds()
        ordered = sorted(table, key=_key)
        doomed = {key for key in ordered if _matches(table[key], ordered.index(key) + 1, targets)}
        removed = [str(table[key].get("url")) for key in ordered if key in doomed]
        if doomed:
            kept = {key: doc for key, doc in table.items() if key not in doomed}
            store.write(Change(feeds=kept), unplaced)
            refresh_index(path)
    return removed


def set_feed(path: Path, target: str, settings: dict[str, str]) -> Feed:
    """Change a subscription's settings (``SETTINGS``), found by URL or by the number
    ``feeds list`` shows; the feed as it is now. Raises ``ValueError`` for a setting or
    value that is not one, ``StoreError`` when no feed matches."""
    update = _feed_settings(settings)
    feeds = list_feeds(path)
    found = [f for n, f in enumerate(feeds, 1) if target in (f.url, str(n))]
    if not found:
        raise StoreError(f"no subscription matches {target}")
    import_into(path, ReadResult(), feed_updates={found[0].url: update})
    return next(feed for feed in list_feeds(path) if feed.url == found[0].url)


def _feed_settings(settings: dict[str, str]) -> dict[str, Any]:
    update: dict[str, Any] = {}
    for key, value in settings.items():
        name = key.strip().lower().replace("_", "-")
        if name == "title":
            update["rename"] = value.strip()
        elif name == "full-text" and value.strip().lower() in _SWITCH:
            update["full_text"] = _SWITCH[value.strip().lower()]
        elif name == "full-text":
            raise ValueError(f"full-text={value}: say on or off")
        elif name == "interval":
            update["interval"] = _interval(value)
        else:
            known = ", ".join(SETTINGS)
            raise ValueError(f"{key}: not a feed setting (the settings are {known})")
    return update


def _interval(value: str) -> str:
    """A duration as given (checked), or "" for the global interval."""
    from store.ingest.schedule import parse_duration

    text = value.strip().lower()
    if text in ("", "off", "default", "none"):
        return ""
    parse_duration(text)  # raises ValueError with one line
    return text


def _matches(doc: Any, number: int, targets: list[str]) -> bool:
    return isinstance(doc, dict) and (doc.get("url") in targets or str(number) in targets)


def export_opml(feeds: list[Feed], title: str = "newsdesk subscriptions") -> str:
    root = Element("opml", version="2.0")
    SubElement(SubElement(root, "head"), "title").text = title
    body = SubElement(root, "body")
    for feed in feeds:
        outline = SubElement(body, "outline", type="rss", text=feed.title or feed.url)
        if feed.title:
            outline.set("title", feed.title)
        outline.set("xmlUrl", feed.url)
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"
