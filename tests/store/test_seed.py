"""The seed format reader and the headline heuristic."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.seed import TITLE_LIMIT, SeedFormatError, headline_from, is_seed, parse_seed

TITLE = "Israel said Sunday it was scaling up a weekslong offensive in the occupied West Bank"


@pytest.fixture
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


def test_real_seed_fields(seed_text: str) -> None:
    article = parse_seed(seed_text)

    assert article.title == TITLE
    assert article.published == "2025-02-23T00:00:00+00:00"
    assert article.date == "2025-02-23"
    assert article.source == "seeds"
    assert len(article.paragraphs) == 11


def test_real_seed_caption_is_first_body_paragraph(seed_text: str) -> None:
    article = parse_seed(seed_text)

    assert article.caption.startswith("Photo: The Canadian Press")
    assert article.caption.endswith("(AP Photo/Nasser Nasser)")
    assert article.paragraphs[0] == article.caption
    assert article.body.startswith(article.caption + "\n\n")


def test_real_seed_summary_is_the_lead_paragraph(seed_text: str) -> None:
    article = parse_seed(seed_text)

    assert article.summary.startswith("Israel said Sunday it was scaling up")
    assert article.summary.endswith("where Palestinians have fled.")
    assert article.summary == article.paragraphs[1]


def test_real_seed_id_is_stable_and_depends_on_content(seed_text: str) -> None:
    first, second = parse_seed(seed_text), parse_seed(seed_text)

    assert first.id == second.id
    assert first == second
    assert parse_seed(seed_text.replace("40,000", "41,000")).id != first.id
    assert parse_seed(seed_text.replace("2025-02-23", "2025-02-24", 1)).id != first.id


def test_line_endings_and_wrapping_do_not_change_the_article(seed_text: str) -> None:
    crlf = seed_text.replace("\n", "\r\n")

    assert parse_seed(crlf) == parse_seed(seed_text)


def test_paragraph_whitespace_is_normalised() -> None:
    article = parse_seed("date 2024-06-01\n\nA story   wrapped\nover lines.\n\n\n\nSecond  one.\n")

    assert article.paragraphs == ["A story wrapped over lines.", "Second one."]
    assert article.caption == ""
    assert article.summary == "A story wrapped over lines."


def test_caption_only_seed_uses_caption_as_lead() -> None:
    article = parse_seed("date 2024-06-01 Photo: A river at dawn.")

    assert article.caption == "Photo: A river at dawn."
    assert article.summary == article.caption
    assert article.body == article.caption


@pytest.mark.parametrize(
    "text",
    ["", "Just a story without a header.", "dated 2024-01-01\n\nText", "date 24-1-1\n\nText"],
    ids=["empty", "no-header", "wrong-keyword", "short-date"],
)
def test_missing_header_raises(text: str) -> None:
    assert not is_seed(text)
    with pytest.raises(SeedFormatError, match="header"):
        parse_seed(text)


@pytest.mark.parametrize(
    "text", ["date 2024-01-01", "date 2024-01-01\n", "date 2024-01-01\n \n\t\n"]
)
def test_header_without_text_raises(text: str) -> None:
    assert is_seed(text)
    with pytest.raises(SeedFormatError, match="no text"):
        parse_seed(text)


# --- headline_from -------------------------------------------------------------------------


def test_headline_keeps_a_short_first_sentence() -> None:
    lead = "Markets rallied on Friday. Analysts were surprised by the scale of it."

    assert headline_from(lead) == "Markets rallied on Friday"


def test_headline_of_a_short_lead_without_full_stop_is_the_lead() -> None:
    assert headline_from("Storm closes Zürich airport") == "Storm closes Zürich airport"


def test_headline_does_not_stop_at_abbreviated_dates() -> None:
    lead = "Talks resumed on Feb. 23 in Geneva. Nothing was agreed."

    assert headline_from(lead) == "Talks resumed on Feb. 23 in Geneva"


def test_long_sentence_is_cut_at_a_comma() -> None:
    lead = (
        "The city council of Zürich approved the long-debated tram extension on Tuesday evening, "
        "ending a decade of argument over routes, costs and the fate of the old café quarter."
    )

    assert headline_from(lead) == (
        "The city council of Zürich approved the long-debated tram extension on Tuesday evening"
    )


def test_long_sentence_without_commas_is_cut_at_a_word_with_ellipsis() -> None:
    lead = " ".join(["word"] * 40) + " end."  # about 200 characters, no clause marks

    title = headline_from(lead)

    assert title.endswith("…")
    assert len(title) <= TITLE_LIMIT + 1
    assert lead.startswith(title[:-1] + " ")  # cut between words


@pytest.mark.parametrize(
    "lead",
    [
        "東京" * 120 + "。",
        "Visit https://news.example/" + "a" * 200 + " for more details",
    ],
    ids=["cjk", "long-url"],
)
def test_very_long_unbreakable_sentence_is_still_shortened(lead: str) -> None:
    title = headline_from(lead)

    assert title.endswith("…")
    assert len(title) <= TITLE_LIMIT + 1
    assert lead.startswith(title[:-1])


def test_headline_does_not_stop_at_an_abbreviation() -> None:
    assert headline_from("Mr. Smith met Gov. Jones in St. Louis on Monday. Then more.") == (
        "Mr. Smith met Gov. Jones in St. Louis on Monday"
    )
