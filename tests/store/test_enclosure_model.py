"""Stored enclosures read back without trusting the store, said in a few words, listed among
an article's links and in the Markdown export."""

from __future__ import annotations

import pytest

from store.article import ENCLOSURES, Article
from store.enclosures import (
    MAX_ENCLOSURES,
    Enclosure,
    article_enclosures,
    clock,
    description,
    link_label,
    size,
    stored_enclosures,
)
from store.export import to_markdown
from store.links import Link, article_links

EPISODE = {"url": "https://cdn.example/ep12.mp3", "type": "audio/mpeg", "length": 38100000,
           "duration": 2530}  # fmt: skip


def _article(enclosures: object, **fields: str) -> Article:
    return Article(id="ep", title="Episode 12", extra={ENCLOSURES: enclosures}, **fields)


def test_a_stored_enclosure_reads_back() -> None:
    assert article_enclosures(_article([EPISODE])) == (
        Enclosure("https://cdn.example/ep12.mp3", "audio/mpeg", 38100000, 2530),
    )
    assert Enclosure(**EPISODE).to_document() == EPISODE
    assert article_enclosures(Article(id="x", title="No field")) == ()


@pytest.mark.parametrize(
    "stored",
    [None, "https://a.example/x.mp3", {"url": "https://a.example/x.mp3"}, [1, "x", {"url": 3}]],
)
def test_what_is_not_a_list_of_enclosures_reads_as_none(stored: object) -> None:
    assert stored_enclosures(stored) == ()


def test_a_hand_edited_entry_keeps_only_what_reads() -> None:
    stored = [
        {"url": "https://a.example/x\x1b[2J.mp3", "type": "[red]bad[/red]", "length": -4,
         "duration": "garbage"},
        {"url": "   "},
        {"url": "https://a.example/y.mp3", "length": True, "duration": "10:00"},
    ]  # fmt: skip
    assert stored_enclosures(stored) == (
        Enclosure("https://a.example/x.mp3"),
        Enclosure("https://a.example/y.mp3", duration=600),
    )


def test_at_most_so_many_are_read() -> None:
    stored = [{"url": f"https://a.example/{n}.jpg"} for n in range(MAX_ENCLOSURES + 5)]
    assert len(stored_enclosures(stored)) == MAX_ENCLOSURES


@pytest.mark.parametrize(
    ("seconds", "text"), [(45, "0:45"), (2530, "42:10"), (3723, "1:02:03"), (36000, "10:00:00")]
)
def test_clock(seconds: int, text: str) -> None:
    assert clock(seconds) == text


@pytest.mark.parametrize(
    ("length", "text"),
    [
        (900, "900 bytes"),
        (1500, "1.5 kB"),
        (38100000, "38.1 MB"),
        (999_960, "1.0 MB"),
        (4_700_000_000, "4.7 GB"),
        (10**12, "1.0 TB"),
    ],
)
def test_size(length: int, text: str) -> None:
    assert size(length) == text


def test_description_and_link_label_say_what_is_known() -> None:
    episode = Enclosure(**EPISODE)
    assert description(episode) == "audio/mpeg · 42:10 · 38.1 MB"
    assert link_label(episode) == "▶ audio/mpeg 42:10"
    assert description(Enclosure("https://a.example/x")) == "attachment"
    assert link_label(Enclosure("https://a.example/x", "image/jpeg", 10)) == "▶ image/jpeg"


def test_enclosures_are_links_after_the_articles_own() -> None:
    article = _article(
        [EPISODE, {"url": "javascript:alert(1)", "type": "audio/mpeg"}],
        url="https://pod.example/12",
        body="Notes at https://pod.example/notes and https://cdn.example/ep12.mp3 again.",
    )
    assert article_links(article) == [
        Link("https://pod.example/12", "link"),
        Link("https://cdn.example/ep12.mp3", "enclosure", "▶ audio/mpeg 42:10"),
        Link("javascript:alert(1)", "enclosure", "▶ audio/mpeg"),  # listed; opening refuses
        Link("https://pod.example/notes", "body"),
    ]


def test_the_markdown_export_lists_enclosures_that_may_leave_the_app() -> None:
    article = _article(
        [EPISODE, {"url": "javascript:alert(1)"}, {"url": "https://a.example/(x).jpg"}],
        body="Notes.",
    )
    text = to_markdown([article])
    assert (
        "Attachments:\n\n"
        "- [audio/mpeg · 42:10 · 38.1 MB](https://cdn.example/ep12.mp3)\n"
        "- [attachment](https://a.example/%28x%29.jpg)\n\nNotes.\n"
    ) in text
    assert "javascript" not in text


def test_the_markdown_export_of_an_article_without_enclosures_has_no_section() -> None:
    assert "Attachments" not in to_markdown([Article(id="x", title="T", body="B.")])
