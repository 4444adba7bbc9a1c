"""OPML subscription lists: every outline with an ``xmlUrl`` becomes a subscription."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from store.ingest.mapping import Context
from store.ingest.result import ReadResult, Subscription
from store.rejects import Reject

FEED_SCHEMES = ("http://", "https://")


def read_opml(data: bytes, context: Context) -> ReadResult:
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        return ReadResult(rejects=[Reject(context.source, "", f"not valid OPML ({exc})")])
    result = ReadResult()
    seen: set[str] = set()
    for number, outline in enumerate(root.iter("outline"), 1):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        if not url.lower().startswith(FEED_SCHEMES):
            result.rejects.append(
                Reject(context.source, f"outline {number}", f"not an http(s) feed: {url}")
            )
            continue
        title = _title(outline)
        result.feeds.append(Subscription(url, "" if title == url else title))
    return result


def _title(outline: Element) -> str:
    return (outline.get("title") or outline.get("text") or "").strip()
