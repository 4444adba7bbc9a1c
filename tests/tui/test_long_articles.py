"""Long articles in the detail pane: only what is on screen is styled and drawn, the text
shown is capped with a note, and every reading key still works."""

from __future__ import annotations

import pytest
from conftest import AppFactory
from tui_support import article_view, body_content, header_text, screen_text, wait_until

from store.article import Article, Entity
from store.entities import extract_entities
from tui.app import NewsdeskApp
from tui.screens.links import LinkListScreen
from tui.widgets.article_body import ArticleBody, line_starts
from tui.widgets.article_view import SHOWN_BYTES, ArticleView

SIZE = (120, 40)
PARAGRAPH = (
    "Defense Minister Israel Katz said on Tuesday that 40,000 people in Jenin had left since "
    "March 3, 2024, according to the United Nations; see https://example.com/2024/03/05/report "
    "for the full report. Katz met Angela Merkel in Berlin."
)
LINES_STYLED_AT_MOST = 8 * SIZE[1]
"""Lines styled while opening an article and reading a few screens of it, to its end (with
scrolling not animated: each frame of an animation styles the screen it shows)."""


def _body(size: int) -> str:
    paragraphs = [f"{i}. {PARAGRAPH}" for i in range(size // len(PARAGRAPH) + 1)]
    return "\n\n".join(paragraphs)


@pytest.fixture
def styled_chars(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many characters of the body the pane styles, call by call."""
    calls: list[int] = []
    styled = ArticleView._styled

    def counting(view: ArticleView, start: int, end: int):  # type: ignore[no-untyped-def]
        calls.append(end - start)
        return styled(view, start, end)

    monkeypatch.setattr(ArticleView, "_styled", counting)
    return calls


def _messages(app: NewsdeskApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_a_5_mb_article_opens_and_reads_styling_only_what_is_on_screen(
    make_app: AppFactory, styled_chars: list[int]
) -> None:
    body = _body(5_000_000)
    big = Article(id="big", title="Big", url="https://example.com/big", body=body)
    app = make_app([big])
    app.animation_level = "none"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = article_view(app)
        shown = view.query_one(ArticleBody)
        assert len(shown.text.encode()) <= SHOWN_BYTES < len(body)
        assert body.startswith(shown.text)
        assert "Long article: the first 1 MB is shown" in screen_text(app)
        assert "o opens the article" in screen_text(app)
        assert "0. Defense Minister Israel Katz" in screen_text(app)
        await pilot.press("j", "j", "space")
        await wait_until(pilot, lambda: view.scroll_y > 2)
        await pilot.press("G")
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y)
        await pilot.pause()
        last_line = shown.text[shown.text.rindex("\n") + 1 :]
        assert last_line[:60] in screen_text(app).replace("\n", "")
        assert shown.line_count > 10_000, "the whole text is laid out"
        assert len(styled_chars) < LINES_STYLED_AT_MOST, "only the lines on screen are styled"
        assert sum(styled_chars) < len(shown.text) // 100
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, LinkListScreen)
        urls = [link.url for link in app.screen.links]
        assert urls == ["https://example.com/big", "https://example.com/2024/03/05/report"]


async def test_search_hits_of_a_long_article_are_found_apart_and_n_steps_through_them(
    make_app: AppFactory,
) -> None:
    body = _body(400_000)
    app = make_app([Article(id="big", title="Big", body=body, entities=())])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash", *"merkel", "enter", "enter")  # search, to the list, open
        view = article_view(app)
        await wait_until(pilot, lambda: not view._finding_hits)
        await pilot.press("n", "n")
        expected = body.count("Merkel")
        assert f"hit 2 of {expected}" in _messages(app)
        await pilot.press("N", "N")
        assert _messages(app)[-1] == f"hit {expected} of {expected}", "wraps around"
        content = body_content(app)
        marked = {(span.start, span.end) for span in content.spans}
        assert len([1 for start, end in marked if content.plain[start:end] == "Merkel"]) == expected


async def test_10000_entities_open_and_w_n_step_with_bounded_styling(
    make_app: AppFactory, styled_chars: list[int]
) -> None:
    text = _body(2_000)
    entities = extract_entities(text)
    repeats = 10_000 // len(entities) + 1
    body = "\n\n".join([text] * repeats)
    article = Article(id="many", title="Many", body=body, entities=tuple(extract_entities(body)))
    assert len(article.entities or ()) >= 10_000
    app = make_app([article])
    app.animation_level = "none"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = article_view(app)
        assert len(view.entities) >= 10_000
        await pilot.press("j", "G")
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y)
        await pilot.press("w", "n", "n")
        assert view.selected_name() == "Israel Katz"
        assert any(m.startswith("Israel Katz: mention 3 of") for m in _messages(app))
        assert len(styled_chars) < LINES_STYLED_AT_MOST
        assert sum(styled_chars) < len(body) // 10


async def test_an_entity_stored_inside_a_url_is_not_styled(make_app: AppFactory) -> None:
    body = "Read https://example.com/2024/03/05/Berlin today."
    year = body.index("2024")
    berlin = body.index("Berlin")
    stored = (
        Entity(year, year + 4, "date", "2024"),
        Entity(berlin, berlin + 6, "place", "Berlin"),
    )
    app = make_app([Article(id="u", title="Link", body=body, entities=stored)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        view = article_view(app)
        assert view.entities == ()
        content = body_content(app)
        assert [content.plain[span.start : span.end] for span in content.spans] == [
            "https://example.com/2024/03/05/Berlin"
        ]


async def test_a_huge_title_is_cut_in_the_header(make_app: AppFactory) -> None:
    title = "Headline " * 200_000
    app = make_app([Article(id="t", title=title, body="Short.", source="Wire " * 100_000)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert len(header_text(app)) < 5_000


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("ab cdefghijklmnop qr", 10, ["ab", "cdefghijkl", "mnop qr"]),
        ("one two three four five\n\nsix\n", 9, ["one two", "three", "four five", "", "six"]),
        ("東京都の知事は火曜日 abc def", 10, ["東京都の知", "事は火曜日", "abc def"]),
        ("Café — “quoted” words here", 12, ["Café —", "“quoted”", "words here"]),
        ("x\n東京 東京 東京\ny y y y y y", 5, ["x", "東京", "東京", "東京", "y y y", "y y y"]),
        ("", 5, []),
    ],
)
def test_text_is_wrapped_at_spaces_by_cell_width(text: str, width: int, lines: list[str]) -> None:
    starts = line_starts(text, width)
    found = [
        text[a:b].rstrip(" \n")
        for a, b in zip(starts, [*starts[1:], len(text)][: len(starts)], strict=True)
    ]
    assert found == lines
