"""Shared data and helpers of the Pilot tests.

Imported as a top-level module by the test modules and ``conftest.py``: pytest's default
``prepend`` import mode puts this folder on ``sys.path``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Input, Label, Static

from store.article import Article
from tui.screens.main import MainScreen
from tui.widgets.article_body import ArticleBody
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView

FIVE_ARTICLES = (
    Article(
        id="cafe",
        title="Café owners protest rent rises",
        source="Le Monde",
        published="2025-03-05T08:00:00+00:00",
        body="Owners of cafés in Paris marched on Tuesday against higher leases.",
    ),
    Article(
        id="bank",
        title="Swiss bank reports record profit",
        source="Reuters",
        published="2025-03-04T08:00:00+00:00",
        body="The bank, based in Zürich, said profit rose 12 percent.",
    ),
    Article(
        id="storm",
        title="Storm closes northern ports",
        source="BBC",
        published="2025-03-03T08:00:00+00:00",
        body="Ferries between Oslo and Kiel were cancelled for a second day.",
    ),
    Article(
        id="rover",
        title="Mars rover finds layered rock",
        source="NASA Wire",
        published="2025-03-02T08:00:00+00:00",
        body="Scientists in Pasadena said the rock formed in standing water.",
    ),
    Article(
        id="vote",
        title="Parliament votes on rent cap",
        source="Deutsche Welle",
        published="2025-03-01T08:00:00+00:00",
        body="Lawmakers in Berlin debated the bill until midnight.",
    ),
)
"""Newest first, which is also the order the list shows them in."""

_CITIES = ("Málaga", "Kraków", "Besançon", "São Paulo", "Reykjavík", "Tromsø", "Nîmes")
_TOPICS = ("harbour", "festival", "election", "museum", "railway", "market", "bridge")
_SOURCES = ("Écho", "Wire", "Post", "Diário", "Times")


def generated_articles(count: int) -> tuple[Article, ...]:
    """``count`` distinct articles, newest first, one day apart (ids ``gen-000`` ...)."""
    articles = []
    for i in range(count):
        city, topic = _CITIES[i % len(_CITIES)], _TOPICS[i % len(_TOPICS)]
        month, day = 12 - i // 28, 28 - i % 28
        articles.append(
            Article(
                id=f"gen-{i:03d}",
                title=f"Story {i:03d}: {city} {topic} news",
                source=f"{_SOURCES[i % len(_SOURCES)]} {i}",
                published=f"2024-{month:02d}-{day:02d}T12:00:00+00:00",
                body=f"Report {i} from {city} about the {topic}.\n\nA second paragraph.",
            )
        )
    return tuple(articles)


def main_screen(app: App[None]) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), f"expected the main screen, got {screen!r}"
    return screen


def article_list(app: App[None]) -> ArticleList:
    return main_screen(app).query_one(ArticleList)


def article_view(app: App[None]) -> ArticleView:
    return main_screen(app).query_one(ArticleView)


def search_input(app: App[None]) -> Input:
    return main_screen(app).query_one("#query", Input)


def _plain(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def header_text(app: App[None]) -> str:
    """What the detail pane's header says (title, then meta lines); a hidden pane is drawn
    first (it is drawn only when shown, otherwise)."""
    article_view(app).catch_up(hidden_too=True)
    return _plain(article_view(app).query_one("#article-header", Static))


def body_content(app: App[None]) -> Text:
    """The detail pane's whole text with its styles, as its lines are drawn."""
    article_view(app).catch_up(hidden_too=True)
    return article_view(app).query_one(ArticleBody).styled()


def body_text(app: App[None]) -> str:
    return body_content(app).plain


def count_text(app: App[None]) -> str:
    return _plain(main_screen(app).query_one("#match-count", Label))


def shown_ids(app: App[None]) -> list[str]:
    return [article.id for article in article_list(app).articles]


def row_strip(app: App[None], index: int) -> Strip:
    """The rendered row of the list for article ``index`` (which must be scrolled into view)."""
    widget = article_list(app)
    y = index - widget.scroll_offset.y
    assert 0 <= y < widget.scrollable_content_region.height, f"row {index} is off screen"
    return widget.render_line(y)


def row_text(app: App[None], index: int) -> str:
    return row_strip(app, index).text


def drawn_row(app: App[None], index: int) -> str:
    """The list row for article ``index`` as it is on screen now (catches missed refreshes)."""
    region = article_list(app).region
    line = screen_lines(app)[region.y + index - article_list(app).scroll_offset.y]
    return line[region.x : region.right]


def screen_strips(app: App[None]) -> list[Strip]:
    """Every terminal line as the compositor would draw it now (private Textual API)."""
    return app.screen._compositor.render_strips()


def screen_lines(app: App[None]) -> list[str]:
    return [strip.text for strip in screen_strips(app)]


def screen_text(app: App[None]) -> str:
    return "\n".join(screen_lines(app))


async def wait_until(pilot: Pilot[None], predicate: Callable[[], bool], timeout: float = 3) -> None:
    """Let the app run until ``predicate()`` holds (workers, palette searches), or fail."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.02)
