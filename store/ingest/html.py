"""HTML from feeds made readable: paragraphs, lists and links kept; scripts and styles gone.

inscriptis renders HTML the way a text browser would (block layout, list bullets, tables)
and drops ``<script>``/``<style>``; regexes cannot do that reliably.
"""

from __future__ import annotations

import re

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_document_state import HtmlDocumentState
from inscriptis.model.tag import CustomHtmlTagHandlerMapping
from inscriptis.model.tag.a_tag import a_start_handler

from store.links import UnsafeLink, normal_url


def _start_link(state: HtmlDocumentState, attrs: dict[str, str]) -> None:
    """An ``<a>`` whose target is kept in a form a URL can take, or not at all."""
    a_start_handler(state, {**attrs, "href": _link_target(attrs.get("href", ""))})


def _link_target(href: str) -> str:
    try:
        return normal_url(href.translate(_TAB_AND_NEWLINE))  # as browsers read an href
    except UnsafeLink:
        return ""


_TAB_AND_NEWLINE = dict.fromkeys(map(ord, "\t\n\r"))
_LINKS = CustomHtmlTagHandlerMapping(start_tag_mapping={"a": _start_link}, end_tag_mapping={})
_WITH_LINKS = ParserConfig(
    css=CSS_PROFILES["strict"], display_links=True, custom_html_tag_handler_mapping=_LINKS
)
_WITHOUT_LINKS = ParserConfig(css=CSS_PROFILES["strict"])
_LOOKS_LIKE_HTML = re.compile(
    r"<\s*(?:[a-zA-Z][a-zA-Z0-9]*\b[^>]*|/[a-zA-Z][a-zA-Z0-9]*\s*)>|&#?\w+;"
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def looks_like_html(text: str) -> bool:
    # Every tag and entity holds "<" or "&": finding neither is fifteen times quicker.
    return ("<" in text or "&" in text) and _LOOKS_LIKE_HTML.search(text) is not None


def html_to_text(html: str, links: bool = True) -> str:
    """Readable plain text from an HTML fragment; plain text passes through unchanged.

    With ``links``, a link keeps its target as ``[text](url)``, spaces and other characters
    a URL cannot hold percent-encoded; a target that cannot be made valid is dropped.
    """
    if not looks_like_html(html):
        return html.strip()
    text = get_text(html, _WITH_LINKS if links else _WITHOUT_LINKS)
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
