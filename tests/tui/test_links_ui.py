"""Pilot tests of the link and export keys: o, y, L, x, OSC 8 hyperlinks on screen, and an
article's enclosures (listed in the reading pane and by L)."""

from __future__ import annotations

import json
import sys
import webbrowser
from datetime import date
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App
from textual.widgets import Input, OptionList, Static
from tui_support import (
    FIVE_ARTICLES,
    article_view,
    main_screen,
    screen_strips,
    screen_text,
    wait_until,
)

from store.article import Article
from tui.screens.export import ExportScreen, default_export_path, display_path
from tui.screens.links import LinkListScreen
from tui.screens.main import MainScreen

WIDE = (160, 48)
LINKED = (
    Article(
        id="linked",
        title="Harbour reopens after storm",
        source="Wire",
        published="2025-03-08T08:00:00+00:00",
        url="https://example.com/harbour?a=1&b=2",
        body="Details at https://port.example.org/notice (PDF). Write to mailto:desk@example.com."
        "\n\nEarlier: https://example.com/harbour?a=1&b=2 and https://en.example.org/wiki/Pier_(3).",
    ),
    Article(
        id="script",
        title="A story with a bad link",
        source="Wire",
        published="2025-03-07T08:00:00+00:00",
        url="javascript:alert(1)",
        body="Nothing to see; file:///etc/passwd is not a link we open.",
    ),
    Article(
        id="local",
        title="A story with a file link",
        source="Wire",
        published="2025-03-06T08:00:00+00:00",
        url="file:///etc/passwd",
        body="Local file.",
    ),
    *FIVE_ARTICLES,
)


def messages(app: App[None]) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")


@pytest.fixture
def fake_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A "browser" that records the argument vector it was started with."""
    record = tmp_path / "argv.json"
    script = tmp_path / "browser.py"
    script.write_text(
        f"import json, sys\nopen({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    browser = webbrowser.GenericBrowser([sys.executable, str(script), "%s"])
    monkeypatch.setenv("BROWSER", "fake-browser")
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    return record


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(App, "copy_to_clipboard", lambda self, text: texts.append(text))
    return texts


async def test_o_without_a_browser_says_so_and_offers_y(make_app, no_browser, copied):
    app = make_app(LINKED)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("o")
        await wait_until(pilot, lambda: any("No browser" in m for m in messages(app)))
        assert "No browser here (SSH session): press y to copy the link" in messages(app)
        await pilot.press("y")
        assert copied == ["https://example.com/harbour?a=1&b=2"]
        assert "Link copied" in messages(app)


async def test_o_passes_the_url_to_the_browser_as_one_argument(make_app, fake_browser):
    app = make_app(LINKED)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("o")
        await wait_until(pilot, fake_browser.exists, timeout=10)
        await wait_until(pilot, lambda: "Opened in the browser" in messages(app), timeout=10)
    assert json.loads(fake_browser.read_text()) == ["https://example.com/harbour?a=1&b=2"]


@pytest.mark.parametrize("cursor_moves", [1, 2])  # javascript:, then file:
async def test_o_refuses_links_that_are_not_http(make_app, fake_browser, copied, cursor_moves):
    app = make_app(LINKED)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press(*["j"] * cursor_moves, "o", "y")
        await pilot.pause()
        refused = [m for m in messages(app) if m.startswith(("Not opened", "Not copied"))]
        assert len(refused) == 2, messages(app)
        assert "links are not allowed (only http/https)" in refused[0]
    assert not fake_browser.exists()
    assert copied == []


async def test_L_lists_numbered_links_and_acts_on_the_chosen_one(make_app, fake_browser, copied):
    app = make_app(LINKED)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("L")
        screen = app.screen
        assert isinstance(screen, LinkListScreen)
        assert [link.url for link in screen.links] == [
            "https://example.com/harbour?a=1&b=2",
            "https://port.example.org/notice",
            "mailto:desk@example.com",
            "https://en.example.org/wiki/Pier_(3)",
        ]
        prompts = [
            str(screen.query_one(OptionList).get_option_at_index(i).prompt) for i in range(4)
        ]
        assert prompts[1].startswith(" 2 https://port.example.org/notice")
        await pilot.press("3", "y")
        assert copied == ["mailto:desk@example.com"]
        await pilot.press("k", "o")
        await wait_until(pilot, fake_browser.exists, timeout=10)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
    assert json.loads(fake_browser.read_text()) == ["https://port.example.org/notice"]


async def test_x_in_the_list_exports_the_results_to_markdown(make_app, tmp_path):
    app = make_app(LINKED)
    target = tmp_path / "harbour.md"
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("slash", *"harbour", "enter", "x")
        assert isinstance(app.screen, ExportScreen)
        path_input = app.screen.query_one(Input)
        assert "newsdesk-harbour-" in path_input.value
        path_input.value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, target.exists)
        await wait_until(pilot, lambda: any(m.startswith("Exported") for m in messages(app)))
        assert f"Exported 1 article to {target}" in messages(app)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# newsdesk: harbour\n")
    assert "## [Harbour reopens after storm](https://example.com/harbour?a=1&b=2)" in text


async def test_x_while_reading_exports_the_article_and_never_overwrites_silently(
    make_app, tmp_path
):
    app = make_app(LINKED)
    target = tmp_path / "story.md"
    target.write_text("keep me", encoding="utf-8")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "j", "enter", "x")  # the Café story
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        assert isinstance(app.screen, ExportScreen), "an existing file needs a second enter"
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")
        await wait_until(pilot, lambda: target.read_text(encoding="utf-8") != "keep me")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Café owners protest rent rises\n")
    assert "Le Monde · 2025-03-05" in text


async def test_x_to_a_missing_folder_is_refused_in_the_dialog(make_app, tmp_path):
    app = make_app(LINKED)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("x")
        app.screen.query_one(Input).value = str(tmp_path / "nowhere" / "x.md")
        await pilot.press("enter")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
    assert not (tmp_path / "nowhere").exists()


async def test_links_in_the_detail_pane_are_osc8_hyperlinks(make_app):
    """What the terminal receives: the compositor's lines rendered the way the driver
    writes them (``Strip.render``), holding OSC 8 sequences for the header and body links."""
    app = make_app(LINKED)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert article_view(app).article is not None
        output = "".join(strip.render(app.console) for strip in screen_strips(app))
    for target in (
        "https://example.com/harbour?a=1&b=2",
        "https://port.example.org/notice",
        "mailto:desk@example.com",
    ):
        assert f";{target}\x1b\\" in output, target
    assert output.count("\x1b]8;;\x1b\\") >= 3


SPACED = (
    Article(
        id="spaced",
        title="Links with spaces",
        source="Wire",
        published="2025-03-09T08:00:00+00:00",
        url="https://example.com/a b",
        body="Read [the full story](https://example.com/full story?q=a b) now.",
    ),
    *FIVE_ARTICLES,
)


async def test_links_with_spaces_are_encoded_for_the_list_open_copy_and_hyperlinks(
    make_app, fake_browser, copied
):
    app = make_app(SPACED)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        output = "".join(strip.render(app.console) for strip in screen_strips(app))
        await pilot.press("y", "L")
        screen = app.screen
        assert isinstance(screen, LinkListScreen)
        assert [link.url for link in screen.links] == [
            "https://example.com/a%20b",
            "https://example.com/full%20story?q=a%20b",
        ]
        prompt = str(screen.query_one(OptionList).get_option_at_index(1).prompt)
        assert prompt.startswith(" 2 https://example.com/full%20story?q=a%20b")
        await pilot.press("2", "y", "o")
        await wait_until(pilot, fake_browser.exists, timeout=10)
    assert ";https://example.com/a%20b\x1b\\" in output
    assert ";https://example.com/full%20story?q=a%20b\x1b\\" in output
    assert copied == ["https://example.com/a%20b", "https://example.com/full%20story?q=a%20b"]
    assert json.loads(fake_browser.read_text()) == ["https://example.com/full%20story?q=a%20b"]


async def test_a_bad_link_is_not_a_hyperlink(make_app):
    app = make_app(LINKED)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert main_screen(app).current_id() == "script"
        output = "".join(strip.render(app.console) for strip in screen_strips(app))
    assert "javascript:alert(1)" in output  # shown as text
    assert "\x1b]8;id=" not in output  # and no link anywhere: file:// is not one either


async def test_an_article_without_links_says_so(make_app, copied):
    app = make_app(FIVE_ARTICLES)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("o", "y", "L")
        assert isinstance(app.screen, MainScreen)
        assert messages(app) == [
            "This article has no link (L lists the links in its text)",
            "This article has no link (L lists the links in its text)",
            "No links in this article",
        ]
    assert copied == []


async def test_the_palette_offers_the_link_and_export_commands(make_app, copied):
    app = make_app(LINKED)
    async with app.run_test(size=WIDE, notifications=True) as pilot:

        def prompts() -> list[str]:
            options = app.screen.query_one(OptionList)
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        await pilot.press("ctrl+p", *"copy link")
        await wait_until(pilot, lambda: any(p.startswith("Copy link\n") for p in prompts()))
        await pilot.press("enter")
        await wait_until(pilot, lambda: copied == ["https://example.com/harbour?a=1&b=2"])
        for name in ("Open link", "Links", "Export to Markdown"):
            await pilot.press("ctrl+p", *name)
            wanted = f"{name}\n"
            await wait_until(pilot, lambda w=wanted: any(p.startswith(w) for p in prompts()))
            await pilot.press("escape")


def test_the_default_export_path_is_dated_slugged_and_free(tmp_path):
    today = date(2025, 3, 5)
    first = default_export_path('place:"Tel Aviv" -is:read', tmp_path, today)
    assert first == tmp_path / "newsdesk-place-tel-aviv-is-read-20250305.md"
    first.write_text("taken", encoding="utf-8")
    assert default_export_path('place:"Tel Aviv" -is:read', tmp_path, today).name == (
        "newsdesk-place-tel-aviv-is-read-20250305-2.md"
    )
    assert default_export_path("", tmp_path, today).name == "newsdesk-20250305.md"
    assert default_export_path("../../etc/passwd", tmp_path, today).parent == tmp_path


def test_display_path_shows_home_as_tilde():
    assert display_path(Path.home() / "a" / "b.md") == "~/a/b.md"
    assert display_path(Path("/srv/x.md")) == "/srv/x.md"


EPISODE = Article(
    id="episode",
    title="Episode 12: the harbour",
    source="Pod",
    published="2025-03-10T08:00:00+00:00",
    url="https://pod.example/12",
    body="Show notes at https://pod.example/notes.",
    extra={
        "enclosures": [
            {"url": "https://cdn.example/ep12.mp3", "type": "audio/mpeg", "length": 38100000,
             "duration": 2530},
            {"url": "https://cdn.example/[bold]cover[/bold].jpg", "type": "image/jpeg"},
        ]
    },
)  # fmt: skip
ATTACHMENT_LINE = "audio/mpeg · 42:10 · 38.1 MB  https://cdn.example/ep12.mp3"


def _attachments(app: App[None]) -> Static:
    return article_view(app).query_one("#article-attachments", Static)


async def test_the_reading_pane_lists_the_attachments_as_text(make_app):
    app = make_app((EPISODE, *FIVE_ARTICLES))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        section = _attachments(app)
        assert section.display
        content = section.content
        assert isinstance(content, Text)
        assert content.plain.split("\n") == [
            "Attachments",
            ATTACHMENT_LINE,
            "image/jpeg  https://cdn.example/[bold]cover[/bold].jpg",  # never markup
        ]
        assert ATTACHMENT_LINE in screen_text(app)
        output = "".join(strip.render(app.console) for strip in screen_strips(app))
        assert ";https://cdn.example/ep12.mp3\x1b\\" in output
        await pilot.press("j")
        await pilot.pause()
        assert main_screen(app).current_id() == "cafe"
        assert not _attachments(app).display
        assert "Attachments" not in screen_text(app)


async def test_L_lists_enclosures_to_open_and_copy_like_other_links(make_app, fake_browser, copied):
    app = make_app((EPISODE, *FIVE_ARTICLES))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("L")
        screen = app.screen
        assert isinstance(screen, LinkListScreen)
        assert [(link.url, link.where) for link in screen.links] == [
            ("https://pod.example/12", "link"),
            ("https://cdn.example/ep12.mp3", "enclosure"),
            ("https://cdn.example/[bold]cover[/bold].jpg", "enclosure"),
            ("https://pod.example/notes", "body"),
        ]
        prompt = str(screen.query_one(OptionList).get_option_at_index(1).prompt)
        assert prompt == " 2 ▶ audio/mpeg 42:10  https://cdn.example/ep12.mp3  enclosure"
        await pilot.press("2", "y")
        assert copied == ["https://cdn.example/ep12.mp3"]
        await pilot.press("enter")
        await wait_until(pilot, fake_browser.exists, timeout=10)
    assert json.loads(fake_browser.read_text()) == ["https://cdn.example/ep12.mp3"]
