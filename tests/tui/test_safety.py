"""Untrusted article text is shown as text: no markup, links or terminal escape sequences."""

from __future__ import annotations

from textual.strip import Strip
from tui_support import (
    body_text,
    header_text,
    row_strip,
    screen_lines,
    screen_strips,
    screen_text,
)

from store.article import Article
from store.session import open_store_session
from store.storage.library import create_store
from tui.app import NewsdeskApp

WIDE = (160, 48)
CONTROLS = ("\x1b", "\x07", "\x9b", "\x9c", "\x90")

MARKUP = Article(
    id="markup",
    title="Title [bold red]x[/] end",
    source="[i]W[/i]",
    published="2025-05-02T00:00:00+00:00",
    body="Body [link=file:///etc/passwd]y[/link] and [bold red]x[/] and [/closing] tag.",
)
ESCAPES = Article(
    id="escapes",
    title="Evil \x1b]52;c;ZXZpbA==\x07title \x1b[2Jhere \x9b31mred",
    source="Src\x1b[31m",
    published="2025-05-01T00:00:00+00:00",
    body="Para \x1b]52;c;ZXZpbA==\x07one.\x1b[2J\n\nPara \x9b31mtwo \x1b]8;;http://x\x1b\\link\x07.",
)


def no_links(strip: Strip) -> bool:
    return all(style is None or not style.link for _text, style, _ in strip)


async def test_markup_in_articles_is_shown_literally(make_app):
    app = make_app([MARKUP])
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        assert header_text(app).startswith("Title [bold red]x[/] end\n[i]W[/i]")
        assert body_text(app) == MARKUP.body
        assert "Title [bold red]x[/] end" in row_strip(app, 0).text
        assert "[i]W[/i]" in row_strip(app, 0).text
        shown = screen_text(app)
        assert "[link=file:///etc/passwd]y[/link]" in shown
        assert shown.count("Title [bold red]x[/] end") == 2  # list row and detail header
        assert all(no_links(strip) for strip in screen_strips(app))


async def test_escape_sequences_are_never_drawn(make_app):
    app = make_app([ESCAPES])
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        texts = {
            "header": header_text(app),
            "body": body_text(app),
            "row": row_strip(app, 0).text,
            "screen": screen_text(app),
        }
        for where, text in texts.items():
            for char in CONTROLS:
                assert char not in text, (where, repr(char))
            assert "ZXZpbA" not in text, where  # the OSC 52 payload goes with its sequence
        assert header_text(app).startswith("Evil title here red\nSrc")
        assert "Para one." in body_text(app) and "Para two link." in body_text(app)
        assert "Evil title here red" in texts["row"]


async def test_markup_in_a_warning_about_the_state_file_path_is_not_parsed(tmp_path):
    folder = tmp_path / "news[" / "b]"  # the path contains "[/b]"
    store_path = folder / "articles.json"
    create_store(store_path, [MARKUP])
    state_path = folder / "articles.state.json"
    state_path.write_text("not json")
    app = NewsdeskApp(open_store_session(store_path))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert "news[/b]" in "".join(line.strip("▌ ▏") for line in screen_lines(app))
    assert app.return_code in (None, 0)
