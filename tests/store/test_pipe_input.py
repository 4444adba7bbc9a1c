"""What a command an article is piped to reads: its text, cleaned, or its stored document."""

from __future__ import annotations

import json

from store.article import Article
from store.export import pipe_input, to_markdown, to_text

ARTICLE = Article(
    id="a1",
    title="Harbour \x1b]0;pwned\x07reopens",
    source="Wire",
    author="Ann Writer",
    published="2025-03-08T08:00:00+00:00",
    url="https://example.com/harbour",
    tags=("later",),
    body="First line\x1b[2J of # one.\nSecond line.\n\n\n\n*Two* with `code`.",
)


def test_the_text_is_title_meta_link_then_paragraphs_cleaned_not_escaped() -> None:
    assert to_text(ARTICLE) == (
        "Harbour reopens\n"
        "Wire · Ann Writer · 2025-03-08\n"
        "https://example.com/harbour\n"
        "\n"
        "First line of # one.\nSecond line.\n"
        "\n"
        "*Two* with `code`.\n"
    )
    assert pipe_input(ARTICLE, "text") == to_text(ARTICLE).encode("utf-8")


def test_an_article_with_nothing_but_an_id_still_has_a_title() -> None:
    assert to_text(Article(id="x", title="")) == "(untitled)\n"
    assert to_text(Article(id="x", title="T", summary="Only a summary.")) == (
        "T\n\nOnly a summary.\n"
    )


def test_json_is_the_stored_document_on_one_line() -> None:
    data = pipe_input(ARTICLE, "json")
    assert data.endswith(b"\n") and data.count(b"\n") == 1
    assert json.loads(data) == ARTICLE.to_document()


def test_text_that_is_not_unicode_is_replaced_or_escaped_never_a_raise() -> None:
    broken = Article(id="s", title="lone \ud800 surrogate", body="x")
    assert pipe_input(broken, "text").startswith(b"lone ? surrogate")
    assert json.loads(pipe_input(broken, "json"))["title"] == "lone \ud800 surrogate"


def test_markdown_shares_the_cleaned_meta_line() -> None:
    assert "Wire · Ann Writer · 2025-03-08\n" in to_markdown([ARTICLE])
