"""Reader for the seed format: a ``date YYYY-MM-DD`` header, then paragraphs.

The first paragraph may be a photo caption (``Photo: ...``); it stays in the body, where its
names are entities too, and is also recorded in ``caption`` so views can set it apart. The
seed has no headline, so the title is the lead sentence, cut at a clause boundary.
"""

from __future__ import annotations

import re
from pathlib import Path

from store.article import Article, content_id

_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?")
_CAPTION_PREFIX = re.compile(r"\APhoto:\s*")
_ABBREVIATIONS = (
    r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)(?<!\bGen)(?<!\bSen)(?<!\bRep)(?<!\bGov)"
)
_SENTENCE_END = re.compile(rf"(?<=[a-z0-9”\")]){_ABBREVIATIONS}[.!?](?=\s+[A-Z“\"]|\s*\Z)")
TITLE_LIMIT = 100


class SeedFormatError(ValueError):
    """Text that does not follow the seed format."""


def is_seed(text: str) -> bool:
    return _HEADER.match(text) is not None


def read_seed_file(path: Path, source: str = "seeds") -> Article:
    return parse_seed(path.read_text(encoding="utf-8"), source=source)


def parse_seed(text: str, source: str = "seeds") -> Article:
    header = _HEADER.match(text)
    if header is None:
        raise SeedFormatError("missing 'date YYYY-MM-DD' header")
    paragraphs = _paragraphs(text[header.end() :])
    if not paragraphs:
        raise SeedFormatError("no text after the date header")
    caption = ""
    if _CAPTION_PREFIX.match(paragraphs[0]):
        caption = paragraphs[0]
    story = paragraphs[1:] if caption else paragraphs
    lead = story[0] if story else caption
    body = "\n\n".join(paragraphs)
    return Article(
        id=content_id(header.group(1), body),
        title=headline_from(lead),
        body=body,
        source=source,
        published=f"{header.group(1)}T00:00:00+00:00",
        summary=lead,
        caption=caption,
    )


def _paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [" ".join(block.split()) for block in blocks if block.strip()]


def headline_from(lead: str) -> str:
    """The lead's first sentence, shortened at a comma or dash when it is too long."""
    match = _SENTENCE_END.search(lead)
    sentence = lead[: match.start()] if match else lead
    if len(sentence) <= TITLE_LIMIT:
        return sentence
    for mark in (", ", " — ", " - ", "; "):
        cut = sentence.find(mark, 30)
        if 0 < cut <= TITLE_LIMIT:
            return sentence[:cut]
    space = sentence.rfind(" ", 0, TITLE_LIMIT)
    return sentence[: space if space > 0 else TITLE_LIMIT] + "…"
