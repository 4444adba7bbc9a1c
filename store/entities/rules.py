"""The patterns and the word-level rules behind ``store.entities.extract``.

Dates, figures and photo credits are found by regular expressions; a run of capitalised
words is given a kind from its own words (gazetteers, demonyms, organisation and event
words, acronyms) and from its context (a title or a job before it, "said" after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.entities import gazetteers
from store.entities.words import (
    DEMONYM_PHRASES,
    DEMONYMS,
    KNOWN_ORGS,
    MISC_WORDS,
    NAME_PARTICLES,
    NOT_NAMES,
    ORG_WORDS,
    PERSON_CUES,
    PLACE_PREPOSITIONS,
    PLACE_WORDS,
    SAID_WORDS,
    TEAM_BEFORE,
    TEAM_VERBS,
)

_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# Each pattern opens with a lookahead on the characters its matches can start with: the
# regex engine then skips other positions quickly (2-3x faster on news text). Dates and
# figures that start with a lower-case word are apart, and looked for only in texts that
# hold one of their words ("last year", "thousands"): the lookahead on common letters
# costs more than the rest together. Neither kind of match can start inside the other.
DATE = re.compile(
    r"(?=[ADFJMNOSTW\d])"  # the first letters of months and weekdays
    rf"\b(?:{_WEEKDAY}(?:,\s+{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?)?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?(?!\d)"
    rf"|(?:January|February|March|April|June|July|August|September|October|November|December)"
    r"(?:\s+\d{4})?"
    r"|(?:1[89]|20)\d0s"
    r"|(?<![\d,.$])(?:1[89]\d\d|20\d\d)(?!\d|,\d))\b"
)
DATE_WORDS = re.compile(
    r"(?=[cnlpeymt])"
    r"\b(?:(?:the\s+)?(?:coming|next|last|past|previous)\s+(?:year|month|week|decade)"
    r"|(?:early|mid|late)-?\s?(?:1[89]|20)\d0s"
    r"|(?:yesterday|today|tomorrow))\b"
)
DATE_WORD_KEYS = ("year", "month", "week", "decade", "0s", "yesterday", "today", "tomorrow")
"""One of these is in every text ``DATE_WORDS`` can match."""
FIGURE = re.compile(
    r"[$€£\d]"  # a bare class first: the engine skips to these characters without trying
    # the rest at every position (a third faster than a lookahead); each branch then checks
    # the character it began with, and "(?<!\w.)" stands for a "\b" before it.
    r"(?:(?<=[$€£])\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m))?"
    r"|(?<=\d)(?<!\w.)\d{0,2}(?:,\d{3})+(?:\.\d+)?(?:\s?(?:million|billion|percent|%))?"
    r"|(?<=\d)(?<!\w.)\d*(?:\.\d+)?\s?"
    r"(?:%|(?:percent|million|billion|trillion|km|kilometers|miles|kg|tons)\b))"
)
"""Money, percentages, amounts with units and counts such as "40,000". Written plainly, the
digit branches open with a word boundary and a digit, under a lookahead on the first
character; the tests hold that form and check that both find the same matches."""
FIGURE_WORDS = re.compile(
    r"(?=[thd])"
    r"(?:\b(?:tens|hundreds|thousands|millions)\s+of\s+(?:thousands|millions)\b"
    r"|\b(?:hundreds|thousands|dozens)\b)"
)
FIGURE_WORD_KEYS = ("hundreds", "thousands", "millions", "dozens")
"""One of these is in every text ``FIGURE_WORDS`` can match."""
CREDIT = re.compile(r"\(([A-Z][A-Za-z&]*)\s+Photo/([A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*)\)")
_TITLE_ABBREVIATIONS = r"(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Prof|Mt|Ft)"
# The words names are made of: dotted abbreviations ("U.S."), titles with a full stop, and
# capitalised words (with inner apostrophes, hyphens, ampersands and full stops). The
# lowercase words that may join two of them ("Bank of England") are found in the gaps
# between them (``JOINER_GAPS``). Other words are skipped, which keeps the Python work
# proportional to the capitalised words only.
_UPPER = "A-Z" + "".join(char for char in map(chr, range(0xC0, 0x250)) if char.isupper())
"""Capitals a name may start with: ASCII and the accented Latin ones ("Álvarez", "Özil",
"Łukasz", "Şahin")."""
CAPITALISED = re.compile(
    r"(?<![\w'\u2019&.-])"
    r"(?:(?:[A-Z]\.){2,}"
    rf"|{_TITLE_ABBREVIATIONS}\."
    r"|(?:Inc|Corp|Co|Ltd)\."
    rf"|[{_UPPER}]\w*(?:['\u2019&.-]\w+)*)"
)
CAPITAL = re.compile(rf"[{_UPPER}]")
"""Where a capitalised word may start: a bare character class, which the regex engine
skips to far faster than it tries ``CAPITALISED`` at every position."""
JOINER_GAPS = {f" {word} ": word for word in (*NAME_PARTICLES, "of", "and", "&")}
"""The text between two capitalised words that may join them, and the joining word."""
_WORD_PUNCTUATION = frozenset(".&'\u2019-_")
_ABBREVIATION_END = re.compile(rf"(?:(?:^|[\s(])(?:[A-Z]\.)+|\b{_TITLE_ABBREVIATIONS}\.)$")
POSSESSIVE = re.compile(r"['\u2019]s?$")
_ACRONYM = re.compile(r"(?:[A-Z][A-Z&\d.-]*[A-Z\d.]|[A-Z]{2,})$")
_SENTENCE_END = frozenset(".!?:;\n")


@dataclass(slots=True)
class Context:
    """What surrounds a candidate name: the word before and after it, and its position."""

    before: str
    after: str
    after_after: str
    sentence_start: bool


def is_sentence_start(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or a quote, a line, a heading)."""
    head = text[max(0, start - 12) : start].rstrip(" \t\"\u201c\u201d\u2018'([")
    if not head:
        return start < 12 or not text[:start].strip()
    return head[-1] in _SENTENCE_END and not _ABBREVIATION_END.search(head)


def word_before(text: str, start: int) -> str:
    """The word right before ``start`` when only one space separates them (or a space and
    a line break), else ""; no more than its last 39 characters."""
    space = start - 1
    if space >= 1 and text[space] == "\n":
        space -= 1
    if space < 1 or text[space] != " ":
        return ""
    first = space
    floor = max(0, start - 40)
    while first > floor and _is_word_char(text[first - 1]):
        first -= 1
    return text[first:space]


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in _WORD_PUNCTUATION


def is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper() and _ACRONYM.match(word) is not None


def own_kind(words: list[str], name: str) -> str | None:
    """The kind the words alone give (``name``: the words joined), or ``None`` when they
    need context."""
    last = words[-1]
    if name in DEMONYM_PHRASES or (len(words) == 1 and last in DEMONYMS):
        return "misc"
    if name in gazetteers.places() or (name.isupper() and name.title() in gazetteers.places()):
        return "place"
    if len(words) > 1:
        return _head_kind(words)
    if last in KNOWN_ORGS:
        return "org"
    if last in NOT_NAMES:
        return None
    if is_acronym(last):
        return "org"
    return None


def _head_kind(words: list[str]) -> str | None:
    last = words[-1]
    head = words[words.index("of") - 1] if "of" in words[1:] else last
    if head in ORG_WORDS:
        return "org"
    if head in MISC_WORDS:
        return "misc"
    if head in PLACE_WORDS:
        return "place"
    if words[0] in DEMONYMS or " ".join(words[:2]) in DEMONYM_PHRASES:
        return "misc"
    if words[0] in gazetteers.given_names() and len(words) <= 4:
        return "person"
    if last in gazetteers.surnames() and len(words) <= 3 and _look_like_names(words):
        return "person"
    return None


def _look_like_names(words: list[str]) -> bool:
    return all(word[:1].isupper() and word[1:].islower() for word in words)


def needs_context(words: list[str]) -> bool:
    """Whether ``context_kind`` can give the words a kind: one word, or a short name."""
    return len(words) == 1 or (len(words) <= 3 and _look_like_names(words))


def context_kind(words: list[str], context: Context) -> str | None:
    """The kind the surrounding words suggest for a name the words alone do not settle."""
    short = len(words) <= 3 and _look_like_names(words)
    if short and context.before.lower() in PERSON_CUES:
        return "person"
    if short and (
        context.after in SAID_WORDS or (context.after == "," and context.after_after == "who")
    ):
        return "person"
    if len(words) == 1 and not context.sentence_start:
        word = words[0]
        if word in gazetteers.given_names() or word in gazetteers.surnames():
            return "person"
        if context.before in PLACE_PREPOSITIONS:
            return "place"
    return None


def is_team(context: Context, name: str) -> bool:
    """Whether a town stands for its sports team here ("Essex beat Kent").

    A country stays a place: news agencies tag national sides as their countries.
    """
    if name in gazetteers.countries():
        return False
    return context.after in TEAM_VERBS or context.before in TEAM_BEFORE
