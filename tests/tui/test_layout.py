"""One pane at a time on narrow terminals, both side by side on wide ones."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widget import Widget
from tui_support import (
    FIVE_ARTICLES,
    article_list,
    article_view,
    header_text,
    row_text,
    screen_lines,
    wait_until,
)

from store.article import Article

NARROW = (80, 24)
WIDE = (160, 48)


def shows(widget: Widget) -> bool:
    """Displayed and given room on screen."""
    return widget.display and widget.region.area > 0


async def test_narrow_terminal_shows_one_pane_at_a_time(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        assert shows(article_list(app))
        assert not shows(article_view(app))
        assert article_list(app).region.width == NARROW[0]
        await pilot.press("j", "enter")
        assert not shows(article_list(app))
        assert shows(article_view(app))
        assert article_view(app).region.width == NARROW[0]
        assert app.focused is article_view(app)
        assert header_text(app).startswith(FIVE_ARTICLES[1].title)
        assert any(FIVE_ARTICLES[1].title in line for line in screen_lines(app))
        await pilot.press("escape")
        assert shows(article_list(app))
        assert not shows(article_view(app))
        assert app.focused is article_list(app)


async def test_wide_terminal_shows_both_panes_side_by_side(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(2):  # browsing, then reading
            left, right = article_list(app).region, article_view(app).region
            assert shows(article_list(app))
            assert shows(article_view(app))
            assert left.right <= right.x
            assert left.y == right.y
            assert left.height == right.height
            assert left.width >= 40 and right.width >= 40
            await pilot.press("enter")
        assert app.focused is article_view(app)


async def test_resizing_switches_the_layout(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        assert shows(article_view(app))
        await pilot.resize_terminal(*NARROW)
        await wait_until(pilot, lambda: not shows(article_view(app)))  # a loaded machine
        assert not shows(article_view(app))
        assert shows(article_list(app))
        await pilot.press("enter")
        assert not shows(article_list(app))
        await pilot.resize_terminal(*WIDE)
        await wait_until(pilot, lambda: shows(article_list(app)))
        assert shows(article_list(app))
        assert shows(article_view(app))
        assert app.focused is article_view(app)
        await pilot.press("escape")
        await pilot.resize_terminal(*NARROW)
        await wait_until(pilot, lambda: not shows(article_view(app)))
        assert shows(article_list(app))
        assert not shows(article_view(app))


async def test_no_list_row_is_wider_than_a_narrow_terminal(make_app, many_articles):
    wide_text = "東京都で大規模な祭りが開催される 🎉🎉 " * 4
    articles = [
        Article(
            id=f"wide-{i}",
            title=f"{i} {wide_text}",
            source="日本経済新聞社" if i % 2 else "A very long source name indeed",
            published=f"2026-01-{10 - i:02d}T00:00:00+00:00",
            body="本文",
        )
        for i in range(6)
    ]
    app = make_app([*articles, *many_articles])
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("m", "j", "s")  # unread dots and stars are part of the row
        widget = article_list(app)
        assert all(row_text(app, i).rstrip().endswith("…") for i in range(len(articles)))
        for key in ("g", "G"):
            await pilot.press(key)
            for y in range(widget.scrollable_content_region.height):
                strip = widget.render_line(y)
                assert strip.cell_length <= NARROW[0], (key, y, strip.text)
                assert cell_len(strip.text) <= NARROW[0]
        for line in screen_lines(app):
            assert cell_len(line) == NARROW[0], line
