"""extract_entities on the seed article and on small sentences."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.article import ENTITY_KINDS, Entity, article_from_document
from store.entities import extract_entities
from store.entities.rules import FIGURE
from store.seed import parse_seed

SEED_EXPECTED = [
    ("person", "Israel Katz"),
    ("place", "West Bank"),
    ("place", "Jenin"),
    ("place", "Ramallah"),
    ("org", "Palestinian Authority"),
    ("org", "AP"),
    ("person", "Nasser Nasser"),
    ("org", "Hamas"),
    ("figure", "40,000"),
    ("date", "Sunday, Feb. 23, 2025"),
    ("date", "Jan. 21"),
    ("misc", "Israeli"),
]


@pytest.fixture
def seed_body(seed_path: Path) -> str:
    return parse_seed(seed_path.read_text(encoding="utf-8")).body


@pytest.fixture
def seed_entities(seed_body: str) -> list[Entity]:
    return extract_entities(seed_body)


def _pairs(entities: list[Entity]) -> list[tuple[str, str]]:
    return [(entity.kind, entity.text) for entity in entities]


def _assert_well_formed(text: str, entities: list[Entity]) -> None:
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text, entity
        assert entity.kind in ENTITY_KINDS, entity
        assert 0 <= entity.start < entity.end <= len(text), entity
    for left, right in pairwise(entities):
        assert left.end <= right.start, f"{left} overlaps or precedes {right}"


@pytest.mark.parametrize("expected", SEED_EXPECTED, ids=[text for _, text in SEED_EXPECTED])
def test_seed_entity_found(seed_entities: list[Entity], expected: tuple[str, str]) -> None:
    assert expected in _pairs(seed_entities)


def test_seed_spans_match_the_body_sorted_and_disjoint(
    seed_body: str, seed_entities: list[Entity]
) -> None:
    assert len(seed_entities) > len(SEED_EXPECTED)
    _assert_well_formed(seed_body, seed_entities)


def test_seed_spans_have_no_article_or_possessive(seed_entities: list[Entity]) -> None:
    for entity in seed_entities:
        assert not entity.text.lower().startswith("the "), entity
        assert not entity.text.endswith(("'s", "\u2019s", "'", "\u2019")), entity
        assert entity.text == entity.text.strip(), entity


def test_seed_title_is_not_part_of_the_person(seed_body: str, seed_entities: list[Entity]) -> None:
    title_start = seed_body.index("Defense Minister")
    title_end = title_start + len("Defense Minister")
    people = [entity for entity in seed_entities if entity.kind == "person"]

    assert people
    for person in people:
        assert "Minister" not in person.text and "Defense" not in person.text
        assert person.end <= title_start or person.start >= title_end


def test_seed_possessive_place_is_trimmed(seed_body: str, seed_entities: list[Entity]) -> None:
    """ "the West Bank's refugee camps": the place is "West Bank", without "'s"."""
    start = seed_body.index("West Bank's")

    assert Entity(start, start + len("West Bank"), "place", "West Bank") in seed_entities


def test_entities_survive_the_store_document_round_trip(
    seed_body: str, seed_entities: list[Entity]
) -> None:
    doc = {
        "id": "seed",
        "title": "t",
        "body": seed_body,
        "entities": [entity.to_dict() for entity in seed_entities],
    }

    assert article_from_document(doc).entities == tuple(seed_entities)


# --- small sentences -----------------------------------------------------------------------

SENTENCES = {
    "titles-stripped": (
        "Prime Minister Benjamin Netanyahu met Foreign Minister Gideon Saar in Tel Aviv on Monday.",
        [
            ("person", "Benjamin Netanyahu"),
            ("person", "Gideon Saar"),
            ("place", "Tel Aviv"),
            ("date", "Monday"),
        ],
    ),
    "said-and-org-word": (
        "Sarah Cohen said the Red Cross Committee would visit Gaza next week.",
        [
            ("person", "Sarah Cohen"),
            ("org", "Red Cross Committee"),
            ("place", "Gaza"),
            ("date", "next week"),
        ],
    ),
    "photo-credit": (
        "Crowds gathered. (Reuters Photo/Jane Doe)",
        [("org", "Reuters"), ("person", "Jane Doe")],
    ),
    "figures-and-year": (
        "Prices rose 3.5% and the fund lost $1.2 billion in 2024, the IMF said.",
        [("figure", "3.5%"), ("figure", "$1.2 billion"), ("date", "2024"), ("org", "IMF")],
    ),
    "possessive-organisations": (
        "The Palestinian Authority's police and the Health Ministry\u2019s staff arrived.",
        [("org", "Palestinian Authority"), ("org", "Health Ministry")],
    ),
    "demonym-before-name": (
        "Swiss voters in Zurich backed the plan by 12 percent.",
        [("misc", "Swiss"), ("place", "Zurich"), ("figure", "12 percent")],
    ),
    "decade-and-numbers": (
        "Since the early 1990s, about 1,200 people left.",
        [("date", "early 1990s"), ("figure", "1,200")],
    ),
}


@pytest.mark.parametrize(("text", "expected"), SENTENCES.values(), ids=SENTENCES.keys())
def test_small_sentences(text: str, expected: list[tuple[str, str]]) -> None:
    entities = extract_entities(text)

    assert _pairs(entities) == expected
    _assert_well_formed(text, entities)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nothing capitalised here at all.",
        "The",
        "He said it would rain.",
    ],
)
def test_no_entities(text: str) -> None:
    assert extract_entities(text) == []


def test_digits_inside_longer_numbers_are_not_years() -> None:
    entities = extract_entities("Codes 20245 and 12024 and 2,0245 and 3.2024 were filed.")

    assert [entity for entity in entities if entity.kind == "date"] == []


def test_entity_at_the_very_start_and_end() -> None:
    assert _pairs(extract_entities("Hamas")) == [("org", "Hamas")]
    assert _pairs(extract_entities("Talks in Jenin")) == [("place", "Jenin")]


# --- rules added with the gazetteers (synthetic sentences) ---------------------------------

RULES = {
    "surname-after-full-name": (
        "Analyst Maria Lindqvist expects growth. Lindqvist said rates would fall.",
        [("person", "Maria Lindqvist"), ("person", "Lindqvist")],
    ),
    "place-name-that-is-a-surname": (
        "Tennis player Tomas Berlin won again , and Berlin said he was tired .",
        [("person", "Tomas Berlin"), ("person", "Berlin")],
    ),
    "town-as-a-team": (
        "Rotterdam beat Utrecht 2-1 in a rainy match on the coast .",
        [("org", "Rotterdam"), ("org", "Utrecht")],
    ),
    "country-as-a-team-stays-a-place": (
        "Norway beat Denmark 3-0 in the qualifier .",
        [("place", "Norway"), ("place", "Denmark")],
    ),
    "demonym-title-and-person": (
        "The visit by Brazilian Trade Minister Paulo Ferreira ended early .",
        [("misc", "Brazilian"), ("person", "Paulo Ferreira")],
    ),
    "org-with-of": (
        "Analysts expect the Bank of Canada to hold rates steady .",
        [("org", "Bank of Canada")],
    ),
    "acronym-and-event": (
        "Officials from FIFA met before the World Cup opened in Mexico .",
        [("org", "FIFA"), ("misc", "World Cup"), ("place", "Mexico")],
    ),
    "uppercase-country-heading": (
        "SWEDEN - bond yields rose in quiet trade .",
        [("place", "SWEDEN")],
    ),
    "sentence-opener-is-not-a-name": (
        "Meanwhile the markets were calm . However , traders were nervous .",
        [],
    ),
    "person-before-said": (
        "Oddly Vantrell , who runs the shop , said sales were up .",
        [("person", "Oddly Vantrell")],
    ),
    "based-compound-is-not-part-of-the-name": (
        "The Lisbon-based firm hired Ana Souza last year .",
        [("person", "Ana Souza"), ("date", "last year")],
    ),
    "the-name-said-is-an-organisation": (
        "The Red Cross said the Kremlin and the United Nations had agreed .",
        [("org", "Red Cross"), ("org", "Kremlin"), ("org", "United Nations")],
    ),
    "the-before-a-known-surname-stays-a-person": (
        "She asked Jana Novak about the Novak plan , and Novak said it would pass .",
        [("person", "Jana Novak"), ("person", "Novak"), ("person", "Novak")],
    ),
    "accented-capitals-start-names": (
        "José Álvarez met Mesut Özil and Łukasz Nowak in Zürich .",
        [
            ("person", "José Álvarez"),
            ("person", "Mesut Özil"),
            ("person", "Łukasz Nowak"),
            ("place", "Zürich"),
        ],
    ),
    "places-spelt-with-accents": (
        "Floods hit São Paulo , Kraków and Bogotá on the same day .",
        [("place", "São Paulo"), ("place", "Kraków"), ("place", "Bogotá")],
    ),
}


@pytest.mark.parametrize(("text", "expected"), RULES.values(), ids=RULES.keys())
def test_rules(text: str, expected: list[tuple[str, str]]) -> None:
    entities = extract_entities(text)

    assert _pairs(entities) == expected
    _assert_well_formed(text, entities)


# --- the figure pattern, written for speed, finds what its plain form finds ------------------

PLAIN_FIGURE = re.compile(
    r"(?=[$€£\d])"
    r"(?:[$€£]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m))?"
    r"|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:\s?(?:million|billion|percent|%))?"
    r"|\b\d+(?:\.\d+)?\s?(?:%|(?:percent|million|billion|trillion|km|kilometers|miles|kg|tons)\b))"
)
_FIGURE_PIECES = [
    *"0129$€£,. \n-_'aZ%",
    "  ",
    "1,000",
    ",000",
    "2.5",
    "million",
    "bn",
    "m",
    "percent",
    "km",
    "kilometers",
    "tons",
    "x1",
    "40",
]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_FIGURE_PIECES), max_size=14).map("".join))
def test_figure_pattern_matches_its_plain_form(text: str) -> None:
    assert _spans(FIGURE, text) == _spans(PLAIN_FIGURE, text)


@pytest.mark.parametrize(
    "text",
    ["$5 million", "40,000 people", "a1 5%", "x40,000", "12.5 percent", "3 km", "€2bn", "9kg"],
)
def test_figure_pattern_examples(text: str) -> None:
    assert _spans(FIGURE, text) == _spans(PLAIN_FIGURE, text)


@pytest.mark.parametrize(
    "text",
    [
        "See https://example.com/2024/03/05/report for more.",
        "Read http://news.example.org/Berlin/Angela-Merkel/40,000-people today.",
        "Mail mailto:desk@Reuters.example?subject=March%203 now.",
        "The [full report](https://example.com/2024/March 3/Berlin) is online.",
    ],
)
def test_no_entity_is_found_inside_a_url(text: str) -> None:
    from store.links import find_urls

    urls = find_urls(text)
    assert urls
    for entity in extract_entities(text):
        assert all(entity.end <= url.start or entity.start >= url.end for url in urls), entity


def test_entities_beside_a_url_are_still_found() -> None:
    text = "On March 3, 2024 Angela Merkel (https://example.com/2024/03/05) spoke in Berlin."
    found = [(entity.kind, entity.text) for entity in extract_entities(text)]
    assert found == [("date", "March 3, 2024"), ("person", "Angela Merkel"), ("place", "Berlin")]


def test_outside_urls_drops_stored_entities_that_overlap_a_url() -> None:
    from store.entities import outside_urls
    from store.links import find_urls

    text = "In 2023 see https://example.com/2024/03/05 and Berlin."
    inside = Entity(text.index("2024"), text.index("2024") + 4, "date", "2024")
    year = Entity(3, 7, "date", "2023")
    berlin = Entity(text.index("Berlin"), text.index("Berlin") + 6, "place", "Berlin")
    assert outside_urls((year, inside, berlin), find_urls(text)) == (year, berlin)
