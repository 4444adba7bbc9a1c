"""The main text of an article page: its paragraphs, headings, lists and quotes, without
navigation, advertisements, comments, cookie banners or related stories.

trafilatura finds the article (chosen by measurement: ``benchmarks/extraction.py``); what it
keeps is rendered as feed HTML is (``store.ingest.html``), links as ``[text](url)``. The
page's metadata (title, author, date, the lead image's caption: ``page_meta``) comes with
it, for filling what a feed left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml.etree import ParserError, XMLSyntaxError, _Element

from store.errors import StoreError
from store.ingest.html import html_to_text
from store.ingest.page_meta import page_metadata
from store.sanitize import clean_line

MIN_TEXT_CHARS = 250
"""Less text than this is not an article (a home page, an index, a paywall's teaser)."""
MAX_PAGE_CHARS = 8_000_000
"""A page longer than this is not read (a real article page is well under 1 MB)."""
_BOILERPLATE_LINE = re.compile(
    r"\W*(?:(?:read more|related(?: stories| articles| coverage| content)?|see also|also read"
    r"|more on this story|recommended|watch|listen)\s*[:|\u00bb\u203a] ?[^\n]{0,160}"
    r"|(?:story continues below )?advertisement|skip advertisement)\W*",
    re.IGNORECASE,
)
"""Paragraphs the article's own text never is: "Read more: ..." between paragraphs, an
advertisement's label."""


class NotAnArticle(StoreError):
    """The page holds no article text to speak of; the message says what it is instead."""


@dataclass(frozen=True)
class Page:
    """What an article page says: its text and what it says about itself."""

    text: str
    title: str = ""
    author: str = ""
    published: str = ""
    """ISO 8601 (UTC), or ``""`` when the page names no date."""
    caption: str = ""
    """The caption of the lead image, when the page has one."""


def extract_page(markup: str, url: str = "") -> Page:
    """The article of an HTML page; raises ``NotAnArticle`` with a one-line reason."""
    import trafilatura  # a third of a second to load: only where pages are read
    from trafilatura.htmlprocessing import build_html_output
    from trafilatura.settings import Document

    if len(markup) > MAX_PAGE_CHARS:
        raise NotAnArticle(f"page too large ({len(markup) / 1e6:.0f} million characters)")
    tree = _parse(markup)
    meta = page_metadata(tree)  # first: trafilatura prunes the tree it is given
    document = trafilatura.bare_extraction(
        tree,
        url=url or None,
        fast=True,  # without the fallback extractors: a third quicker, F1 0.003 lower
        include_comments=False,
        include_links=True,
        include_tables=True,
        include_images=False,
        with_metadata=False,  # page_meta reads it in a tenth of the time
    )
    if not isinstance(document, Document) or document.body is None:
        raise NotAnArticle("no article text found on the page")
    text = _without_boilerplate(html_to_text(build_html_output(document)))
    if len(text) < MIN_TEXT_CHARS:
        raise NotAnArticle(f"too little text for an article ({len(text)} characters)")
    return Page(text, meta["title"], meta["author"], meta["published"], meta["caption"])


def _parse(markup: str) -> _Element:
    if "<" not in markup:
        raise NotAnArticle("not an HTML page")
    try:
        return lxml.html.document_fromstring(markup)
    except (ParserError, XMLSyntaxError, ValueError) as exc:
        raise NotAnArticle(f"not a readable HTML page ({clean_line(str(exc)) or 'empty'})") from exc


def _without_boilerplate(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if not _BOILERPLATE_LINE.fullmatch(p.strip())]
    return "\n\n".join(paragraphs).strip()
