"""What an article page says about itself: its headline, byline, date and lead caption.

Read from the page's schema.org JSON-LD first (what news sites publish for search engines),
then its meta tags (Open Graph, ``article:*``, Dublin Core), then its markup (``<time>``,
``rel="author"``, ``<h1>``). Every value is one clean line; what the page does not say is
``""``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml.etree import _Element

from store.ingest.dates import iso, parse_date
from store.sanitize import clean_line

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BlogPosting",
        "OpinionNewsArticle",
        "LiveBlogPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
    }
)
_DATE_METAS = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "date",
    "pubdate",
    "publishdate",
    "DC.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "publish-date",
)
_AUTHOR_METAS = ("author", "article:author", "parsely-author", "sailthru.author", "DC.creator")
_TITLE_METAS = ("og:title", "twitter:title", "headline")
MAX_LD_CHARS = 200_000
"""A JSON-LD block longer than this is not read (a page's whole catalogue, say)."""


def page_metadata(tree: _Element) -> dict[str, str]:
    """``title``, ``author``, ``published`` (ISO 8601, UTC) and ``caption`` of a page."""
    article = _json_ld_article(tree)
    metas = _metas(tree)
    return {
        "title": _first(_ld_text(article, "headline"), *map(metas.get, _TITLE_METAS), _h1(tree)),
        "author": _first(
            _ld_author(article), *(_person(metas.get(m)) for m in _AUTHOR_METAS), _rel_author(tree)
        ),
        "published": _date(
            _ld_text(article, "datePublished"), *map(metas.get, _DATE_METAS), *_time_tags(tree)
        ),
        "caption": _lead_caption(tree),
    }


def _json_ld_article(tree: _Element) -> dict[str, Any]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        text = script.text or ""
        if len(text) > MAX_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for item in _items(data):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(kind in ARTICLE_TYPES for kind in kinds if isinstance(kind, str)):
                return item
    return {}


def _items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _items(item)
    elif isinstance(data, dict):
        yield data
        yield from _items(data.get("@graph"))


def _ld_text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return value if isinstance(value, str) else ""


def _ld_author(item: dict[str, Any]) -> str:
    authors = item.get("author")
    authors = authors if isinstance(authors, list) else [authors]
    names = [a.get("name") if isinstance(a, dict) else a for a in authors]
    return ", ".join(clean_line(n) for n in names if isinstance(n, str) and _person(n))


def _metas(tree: _Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        found.setdefault(key, meta.get("content") or "")
    return found


def _person(value: str | None) -> str:
    """A byline, not a link to a profile page."""
    if not value or value.lower().startswith(("http://", "https://", "/")):
        return ""
    return value


def _h1(tree: _Element) -> str:
    for heading in tree.xpath("//h1"):
        if text := " ".join(heading.text_content().split()):
            return text
    return ""


def _rel_author(tree: _Element) -> str:
    for link in tree.xpath('//*[@rel="author"]'):
        if text := " ".join(link.text_content().split()):
            return text
    return ""


def _time_tags(tree: _Element) -> list[str]:
    return [str(t.get("datetime")) for t in tree.xpath("//article//time[@datetime]")[:1]]


def _lead_caption(tree: _Element) -> str:
    """The first figure caption of the article (else of the page)."""
    for path in ("//article//figcaption", "//main//figcaption", "//figcaption"):
        for caption in tree.xpath(path):
            if text := " ".join(caption.text_content().split()):
                return clean_line(text)
    return ""


def _first(*values: str | None) -> str:
    return next((clean_line(v) for v in values if v and clean_line(v)), "")


def _date(*values: str | None) -> str:
    for value in values:
        if value and (moment := parse_date(value.strip())) is not None:
            return iso(moment)
    return ""
