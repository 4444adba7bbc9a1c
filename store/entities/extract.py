"""A fast built-in entity extractor: people, organisations, places, misc, dates, figures.

No model is downloaded: the rules use capitalisation, gazetteers from data packages
(``store.entities.gazetteers``), closed word lists (``store.entities.words``) and context.

1. Photo credits ("AP Photo/Nasser Nasser"), dates and figures by pattern.
2. Runs of capitalised words ("of", "&" and name particles may join them), cut at function
   words, titles ("Defense Minister" + person) and leading demonyms ("Israeli" + rest).
3. Each part is classified from its own words, then from its context; parts still unknown
   borrow a kind already given in the same text (a surname after a full name is a person),
   and a lone unknown word that opens a sentence is dropped. A would-be person right after
   "the" is an organisation ("the Red Cross said").

Spans never start with "the" and never end with a possessive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from store.article import Article, Entity
from store.entities import gazetteers
from store.entities.rules import (
    CAPITAL,
    CAPITALISED,
    CREDIT,
    DATE,
    DATE_WORD_KEYS,
    DATE_WORDS,
    FIGURE,
    FIGURE_WORD_KEYS,
    FIGURE_WORDS,
    JOINER_GAPS,
    POSSESSIVE,
    Context,
    context_kind,
    is_sentence_start,
    is_team,
    needs_context,
    own_kind,
    word_before,
)
from store.entities.words import (
    DEMONYM_PHRASES,
    DEMONYMS,
    FUNCTION_CAPITALS,
    MISC_WORDS,
    NAME_PARTICLES,
    OF_HEADS,
    ORG_WORDS,
    PERSON_CUES,
    TITLE_HEADS,
    TITLES,
)
from store.links import UrlSpan, find_urls

_JOINERS = NAME_PARTICLES | {"of", "&", "and"}
_POSSESSIVE_ENDS = frozenset("'\u2019s")
_FOLLOWING = re.compile(r"\s*(\S*?)(?:\s+(\w*))?(?:\W|$)")
_DEMONYM_STARTS = DEMONYMS | DEMONYM_PHRASES


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    word: str
    bare: str
    """The word without a possessive ending ("Katz's" -> "Katz"), or the word itself."""


def _token(start: int, end: int, word: str) -> _Token:
    bare = (POSSESSIVE.sub("", word) or word) if word[-1] in _POSSESSIVE_ENDS else word
    return _Token(start, end, word, bare)


@dataclass(slots=True)
class _Part:
    """A candidate name: tokens ``first..last`` (inclusive), the kind found so far, and its
    words once worked out (``_part_words``)."""

    first: int
    last: int
    kind: str | None = None
    words: list[str] | None = None
    name: str | None = None


def extract_entities(text: str) -> list[Entity]:
    """Entities of ``text`` as non-overlapping spans, sorted by position; none inside a
    URL ("https://example.com/2024/03/05/Berlin" holds no date and no place)."""
    found: list[Entity] = []
    taken = bytearray(len(text))
    for url in find_urls(text) if _may_hold_urls(text) else ():
        taken[url.start : url.end] = b"\x01" * (url.end - url.start)
    for entity in _patterned(text):
        if not any(taken[entity.start : entity.end]):
            found.append(entity)
            taken[entity.start : entity.end] = b"\x01" * (entity.end - entity.start)
    found.extend(_named(text, taken))
    return sorted(found, key=lambda entity: entity.start)


def _may_hold_urls(text: str) -> bool:
    """Whether ``text`` may hold a URL ``find_urls`` finds (a quick test, most has none)."""
    return "://" in text or "mailto:" in text.lower()


def outside_urls(entities: Sequence[Entity], urls: Sequence[UrlSpan]) -> tuple[Entity, ...]:
    """``entities`` (sorted, as extracted) without those that overlap one of ``urls``
    (sorted): for entities stored before extraction left URLs alone."""
    kept: list[Entity] = []
    remaining = iter(urls)
    url = next(remaining, None)
    for entity in entities:
        while url is not None and url.end <= entity.start:
            url = next(remaining, None)
        if url is None or entity.end <= url.start:
            kept.append(entity)
    return tuple(kept)


def with_entities(article: Article) -> Article:
    """The article with its entities extracted, unless it already has them."""
    if article.entities is not None:
        return article
    return replace(article, entities=tuple(extract_entities(article.body)))


def _patterned(text: str) -> Iterator[Entity]:
    for match in CREDIT.finditer(text):
        yield _entity(text, match.start(1), match.end(1), "org")
        yield _entity(text, match.start(2), match.end(2), "person")
    # Where a date in words holds one in figures ("mid-1990s"), the one in words wins.
    for match in _found_if(DATE_WORDS, DATE_WORD_KEYS, text):
        start = match.start() + (4 if match.group().startswith("the ") else 0)
        yield _entity(text, start, match.end(), "date")
    for match in DATE.finditer(text):
        yield _entity(text, match.start(), match.end(), "date")
    for match in _found_if(FIGURE_WORDS, FIGURE_WORD_KEYS, text):
        yield _entity(text, match.start(), match.end(), "figure")
    for match in FIGURE.finditer(text):
        yield _entity(text, match.start(), match.end(), "figure")


def _found_if(
    pattern: re.Pattern[str], keys: tuple[str, ...], text: str
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern``, looked for only when ``text`` holds one of ``keys``."""
    if any(key in text for key in keys):
        yield from pattern.finditer(text)


def _entity(text: str, start: int, end: int, kind: str) -> Entity:
    return Entity(start, end, kind, text[start:end])


# --- candidate names -------------------------------------------------------------------------


def _named(text: str, taken: bytearray) -> Iterator[Entity]:
    tokens = _tokens(text)
    parts = [part for run in _runs(text, tokens, taken) for part in _split(tokens, run)]
    for part in parts:
        if part.kind is None:
            part.kind = _classify(text, tokens, part)
    _borrow_kinds(text, tokens, parts)
    for part in parts:
        if part.kind:
            yield _span(text, tokens, part)


def _tokens(text: str) -> list[_Token]:
    """The capitalised words of ``text``, with the joiners ("of", "&", "de"...) that stand
    alone between two of them: the only places a joiner can join a name."""
    tokens: list[_Token] = []
    find, match = CAPITAL.search, CAPITALISED.match
    found = find(text)
    while found is not None:
        word = match(text, found.start())
        if word is None:
            found = find(text, found.start() + 1)
            continue
        start, end = word.span()
        if tokens:
            gap = text[tokens[-1].end : start]
            if gap in JOINER_GAPS:
                tokens.append(_token(tokens[-1].end + 1, start - 1, JOINER_GAPS[gap]))
        tokens.append(_token(start, end, word.group()))
        found = find(text, end)
    return tokens


def _span(text: str, tokens: list[_Token], part: _Part) -> Entity:
    last = tokens[part.last]
    start, end = tokens[part.first].start, last.start + len(last.bare)
    return _entity(text, start, end, part.kind or "misc")


def _is_capitalised(token: _Token, taken: bytearray) -> bool:
    """A name word; "Bergamo-based" is not one (it describes what follows it)."""
    word = token.word
    if not word[0].isupper() or taken[token.start]:
        return False
    return "-" not in word or not word.rpartition("-")[2].islower()


def _runs(text: str, tokens: list[_Token], taken: bytearray) -> Iterator[tuple[int, int]]:
    """Index ranges (inclusive) of capitalised words, joined by "of", "&" and particles."""
    index, count = 0, len(tokens)
    while index < count:
        if not _is_capitalised(tokens[index], taken):
            index += 1
            continue
        last = index
        while last + 1 < count:
            step = _next_in_run(text, tokens, taken, last)
            if not step:
                break
            last += step
        yield index, last
        index = last + 1


def _next_in_run(text: str, tokens: list[_Token], taken: bytearray, last: int) -> int:
    """How many tokens the run ending at ``last`` grows by: 0, 1, or 2 over a joiner."""
    following = tokens[last + 1]
    if not _adjacent(text, tokens[last], following):
        return 0
    if _is_capitalised(following, taken) and tokens[last].bare == tokens[last].word:
        return 1
    if following.word not in _JOINERS or last + 2 >= len(tokens):
        return 0
    after = tokens[last + 2]
    if not (_adjacent(text, following, after) and _is_capitalised(after, taken)):
        return 0
    if following.word == "of" and tokens[last].word not in OF_HEADS:
        return 0
    return 2 if following.word != "and" or tokens[last].word in ORG_WORDS else 0


def _adjacent(text: str, left: _Token, right: _Token) -> bool:
    return right.start - left.end == 1 and text[left.end] == " "


# --- cutting runs into names -----------------------------------------------------------------


def _split(tokens: list[_Token], run: tuple[int, int]) -> Iterator[_Part]:
    """The names in a run: function words dropped, titles and demonyms cut off."""
    first, last = run
    if first == last:  # most runs are one word: what ``_cut_titles`` does with one
        token = tokens[first]
        bare = token.bare
        if token.word not in FUNCTION_CAPITALS and (
            bare not in TITLE_HEADS or bare in ORG_WORDS or bare in MISC_WORDS
        ):
            yield _Part(first, last, words=[bare], name=bare)
        return
    segment: int | None = None
    for index in range(first, last + 1):
        word = tokens[index].word
        if word in FUNCTION_CAPITALS or (index == first and _is_role(word) and index < last):
            if segment is not None:
                yield from _cut_titles(tokens, segment, index - 1)
            segment = None
        elif segment is None:
            segment = index
    if segment is not None:
        yield from _cut_titles(tokens, segment, last)


def _is_role(word: str) -> bool:
    """A job word that opens a run ("Analyst Jane Doe") and is not a title of its own."""
    return word not in TITLE_HEADS and word.lower() in PERSON_CUES


def _words(tokens: list[_Token], first: int, last: int) -> list[str]:
    words = [token.word for token in tokens[first:last]]
    words.append(tokens[last].bare)
    return words


def _part_words(tokens: list[_Token], part: _Part) -> list[str]:
    if part.words is None:
        part.words = _words(tokens, part.first, part.last)
    return part.words


def _part_name(tokens: list[_Token], part: _Part) -> str:
    if part.name is None:
        part.name = " ".join(_part_words(tokens, part))
    return part.name


def _cut_titles(tokens: list[_Token], first: int, last: int) -> Iterator[_Part]:
    """ "Russian Foreign Minister Yevgeny Primakov": "Russian" and a person, no title."""
    words = _words(tokens, first, last)
    if words[-1] in ORG_WORDS or words[-1] in MISC_WORDS:
        yield from _cut_demonym(tokens, first, last, words)
        return
    head = len(words) - 1
    while head >= 0 and words[head] not in TITLE_HEADS:
        head -= 1
    if head < 0:
        yield from _cut_demonym(tokens, first, last, words)
        return
    start = head
    while start > 0 and words[start - 1] in TITLES:
        start -= 1
    if start > 0:
        yield from _cut_demonym(tokens, first, first + start - 1, None)
    if head < len(words) - 1:
        yield _Part(first + head + 1, last, "person")


def _cut_demonym(
    tokens: list[_Token], first: int, last: int, words: list[str] | None
) -> Iterator[_Part]:
    """ "Israeli soldiers" is misc, but "Palestinian Authority" stays one organisation.
    ``words`` are the part's words when already worked out."""
    if words is None:
        words = _words(tokens, first, last)
    if len(words) > 1 and words[0] in _DEMONYM_STARTS:
        size = 2 if " ".join(words[:2]) in DEMONYM_PHRASES else 1
        keep_whole = words[-1] in ORG_WORDS or words[-1] in MISC_WORDS
        if len(words) > size and not (keep_whole or " ".join(words) in gazetteers.places()):
            yield _Part(first, first + size - 1, "misc")
            yield _Part(first + size, last)
            return
    yield _Part(first, last, words=words)


# --- kinds -----------------------------------------------------------------------------------


def _classify(text: str, tokens: list[_Token], part: _Part) -> str | None:
    words = _part_words(tokens, part)
    name = _part_name(tokens, part)
    kind = own_kind(words, name)
    if kind == "place":
        return "org" if is_team(_context(text, tokens, part), name) else kind
    if kind is None:
        if not needs_context(words):
            return None
        kind = context_kind(words, _context(text, tokens, part))
    return _not_after_the(text, tokens, part, kind)


def _context(text: str, tokens: list[_Token], part: _Part) -> Context:
    start, end = tokens[part.first].start, tokens[part.last].end
    after = text[end : end + 40]
    following = _FOLLOWING.match(after)
    word_after = following.group(1) if following else ""
    if after.lstrip().startswith(","):
        word_after = ","
    return Context(
        before=word_before(text, start),
        after=word_after,
        after_after=(following.group(2) or "") if following else "",
        sentence_start=is_sentence_start(text, start),
    )


def _borrow_kinds(text: str, tokens: list[_Token], parts: list[_Part]) -> None:
    """Unknown names take the kind the same words had elsewhere in the text.

    A place that played as a team once is a team throughout, and a single word that was
    the surname of a person named in full is that person, even if it is also a place.
    """
    known: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for part in parts:
        if part.kind is not None:
            _remember(
                _part_words(tokens, part), _part_name(tokens, part), part.kind, known, overrides
            )
    for part in parts:
        name = _part_name(tokens, part)
        if part.kind is None:
            part.kind = _fallback(text, tokens, part, known)
        elif part.kind == "place" and name in overrides:
            part.kind = overrides[name]


def _remember(
    words: list[str], name: str, kind: str, known: dict[str, str], overrides: dict[str, str]
) -> None:
    known.setdefault(name, kind)
    if kind == "org" and name in gazetteers.places():
        overrides[name] = "org"
    if kind == "person" and len(words) > 1:
        known.setdefault(words[-1], "person")
        overrides.setdefault(words[-1], "person")


def _fallback(text: str, tokens: list[_Token], part: _Part, known: dict[str, str]) -> str | None:
    words = _part_words(tokens, part)
    name = _part_name(tokens, part)
    if name in known:
        return known[name]
    if len(words) == 1:
        return None
    if len(words) <= 3 and all(w[0].isupper() and not w.isupper() for w in words):
        return _not_after_the(text, tokens, part, "person")
    return "misc"


def _not_after_the(text: str, tokens: list[_Token], part: _Part, kind: str | None) -> str | None:
    """A would-be person after "the" is an organisation ("the Red Cross said", "the Kremlin
    said"), unless it is one known given name or surname ("the Dole campaign")."""
    if kind != "person" or word_before(text, tokens[part.first].start).lower() != "the":
        return kind
    words = _part_words(tokens, part)
    one = len(words) == 1 and words[0]
    if one and (one in gazetteers.given_names() or one in gazetteers.surnames()):
        return kind
    return "org"
