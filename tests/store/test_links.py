"""Links: found in article text and fields, normalised before they leave the app, and
handed to a browser as one argument, never to a shell."""

from __future__ import annotations

import json
import sys
import webbrowser
from pathlib import Path

import pytest

from store.article import Article
from store.ingest.html import html_to_text
from store.links import (
    UnsafeLink,
    article_links,
    find_urls,
    hyperlink_target,
    readable_url,
    safe_url,
)
from tui.browser import browser_command, no_browser_reason, open_in_browser


def urls(text: str) -> list[str]:
    return [span.url for span in find_urls(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See https://example.com/a.", ["https://example.com/a"]),
        ("(see https://example.com/a)", ["https://example.com/a"]),
        ("https://en.wikipedia.org/wiki/Pier_(3).", ["https://en.wikipedia.org/wiki/Pier_(3)"]),
        ("at https://example.com/x?a=1&b=2, then", ["https://example.com/x?a=1&b=2"]),
        ('"https://example.com/q" said', ["https://example.com/q"]),
        ("mail mailto:desk@example.com!", ["mailto:desk@example.com"]),
        ("HTTP://EXAMPLE.COM/A", ["HTTP://EXAMPLE.COM/A"]),
        ("not https:// nor mailto:nobody nor ftp://x.org", []),
        ("two: http://a.org/1 http://b.org/2;", ["http://a.org/1", "http://b.org/2"]),
        ("<https://example.com/in-brackets>", ["https://example.com/in-brackets"]),
    ],
)
def test_find_urls_trims_punctuation_and_balances_brackets(text, expected):
    assert urls(text) == expected


def test_find_urls_gives_spans_of_the_text():
    text = "Read https://example.com/a. Then https://example.com/b"
    for span in find_urls(text):
        assert text[span.start : span.end] == span.url


def test_article_links_header_first_then_body_then_fields_each_once():
    article = Article(
        id="x",
        title="t",
        url="https://example.com/story",
        body="See https://example.com/story/ and https://other.org/a, or mailto:a@b.org.",
        extra={
            "comments": "https://example.com/story#comments",
            "links": [{"href": "https://x.org"}],
        },
    )
    links = article_links(article)
    assert [(link.url, link.where) for link in links] == [
        ("https://example.com/story", "link"),
        ("https://other.org/a", "body"),
        ("mailto:a@b.org", "body"),
        ("https://example.com/story#comments", "comments"),
        ("https://x.org", "links"),
    ]


def test_article_links_of_a_summary_only_article():
    article = Article(id="x", title="t", summary="More at https://example.com/more.")
    assert [link.url for link in article_links(article)] == ["https://example.com/more"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "ftp://example.com/x",
        "https://exa mple.com/a",
        "https://example.com/a\tb",
        "https://example.com/\x1b]8;;evil\x07",
        "https://example.com/\u202e",
        "https://example.com/\n",
        "https://",
        "http:///path",
        "",
        "example.com",
    ],
)
def test_safe_url_refuses_what_must_not_be_opened(url):
    with pytest.raises(UnsafeLink):
        safe_url(url)


def test_safe_url_keeps_ordinary_urls_and_encodes_odd_characters():
    assert safe_url("https://example.com/x?a=1&b=2#top") == "https://example.com/x?a=1&b=2#top"
    assert safe_url("HTTPS://example.com/Pier_(3)") == "https://example.com/Pier_(3)"
    assert safe_url("https://example.com/a'b\"c`d{e}|^\\") == (
        "https://example.com/a%27b%22c%60d%7Be%7D%7C%5E%5C"
    )
    assert safe_url("https://example.com/café") == "https://example.com/caf%C3%A9"
    assert safe_url("https://bücher.example/x") == "https://xn--bcher-kva.example/x"


def test_safe_url_encodes_spaces_and_keeps_percent_escapes():
    assert safe_url("https://example.com/a b") == "https://example.com/a%20b"
    assert safe_url(" https://example.com/a b?q=c d#e f ") == (
        "https://example.com/a%20b?q=c%20d#e%20f"
    )
    assert safe_url("https://example.com/a%20b/100%") == "https://example.com/a%20b/100%25"
    assert safe_url("https://example.com/a\u00a0b") == "https://example.com/a%C2%A0b"
    assert hyperlink_target("mailto:desk@example.com?subject=a b") == (
        "mailto:desk@example.com?subject=a%20b"
    )


def test_a_labelled_link_target_may_hold_spaces():
    text = "Read [the full story](https://example.com/story one?q=a b), or https://x.org/a b."
    spans = find_urls(text)
    assert [span.url for span in spans] == [
        "https://example.com/story one?q=a b",
        "https://x.org/a",
    ]
    assert spans[0].label == "the full story"
    assert spans[0].link is not None
    assert text[slice(*spans[0].link)] == "[the full story](https://example.com/story one?q=a b)"
    assert urls("[Pier](https://en.example.org/wiki/Pier_(3)) [x](https://a.org/x)") == [
        "https://en.example.org/wiki/Pier_(3)",
        "https://a.org/x",
    ]
    assert urls("[https://a.org](https://a.org/x)") == ["https://a.org/x"]


def test_article_links_are_listed_as_they_are_passed_on():
    article = Article(
        id="x",
        title="t",
        url="https://example.com/a b",
        body=html_to_text('<p>See <a href="https://example.com/a b">the story</a>.</p>')
        + "\n\nAlso [more](https://example.com/more here) and [bad](javascript:x y).",
    )
    assert [link.url for link in article_links(article)] == [
        "https://example.com/a%20b",
        "https://example.com/more%20here",
    ]


def test_html_link_targets_are_encoded_or_dropped():
    assert html_to_text('<a href=" https://example.com/a b\n">x</a>') == (
        "[x](https://example.com/a%20b)"
    )
    assert html_to_text('<a href="https://example.com/a%20b?q=1%">x</a>') == (
        "[x](https://example.com/a%20b?q=1%25)"
    )
    assert html_to_text('<a href="https://example.com/\u202eevil">x</a>') == "x"


def test_mailto_is_a_hyperlink_but_not_opened():
    assert hyperlink_target("mailto:desk@example.com") == "mailto:desk@example.com"
    with pytest.raises(UnsafeLink):
        safe_url("mailto:desk@example.com")
    assert hyperlink_target("javascript:alert(1)") is None
    assert hyperlink_target("https://example.com/\x07") is None


@pytest.mark.parametrize(
    ("env", "platform", "reason"),
    [
        ({}, "linux", "no display"),
        ({"DISPLAY": ":0"}, "linux", None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
        ({"DISPLAY": ":0", "SSH_CONNECTION": "1 2 3 4"}, "linux", "SSH session"),
        ({"SSH_TTY": "/dev/pts/1"}, "darwin", "SSH session"),
        ({"BROWSER": "firefox", "SSH_CONNECTION": "1 2 3 4"}, "linux", None),
        ({}, "darwin", None),
        ({}, "win32", None),
    ],
)
def test_no_browser_reason(env, platform, reason):
    assert no_browser_reason(env, platform) == reason


@pytest.fixture
def fresh_webbrowser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``webbrowser`` read ``$BROWSER`` again (it does so once per process)."""
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)


def test_browser_from_BROWSER_gets_the_url_as_one_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_webbrowser: None
):
    """``$BROWSER`` is split with shlex, and the URL, odd characters and all, arrives as a
    single argument: no shell ever sees it."""
    record = tmp_path / "argv.json"
    script = tmp_path / "browser.py"
    script.write_text(
        f"import json, sys\nopen({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BROWSER", f"{sys.executable} {script} --new-tab %s")
    monkeypatch.chdir(tmp_path)
    url = safe_url("https://example.com/$(touch${IFS}pwned);x=1&y=`id`|z")
    launch = open_in_browser(url)
    assert launch.opened, launch.message
    assert json.loads(record.read_text()) == ["--new-tab", url]
    assert url == "https://example.com/$(touch$%7BIFS%7Dpwned);x=1&y=%60id%60%7Cz"
    assert not (tmp_path / "pwned").exists()


def test_a_BROWSER_that_is_a_shell_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_webbrowser: None
):
    marker = tmp_path / "ran"
    monkeypatch.setenv("BROWSER", f"sh -c 'touch {marker}; echo %s'")
    launch = open_in_browser("https://example.com/")
    assert not launch.opened
    assert "runs a shell" in launch.message
    assert not marker.exists()


def test_a_terminal_browser_counts_as_none(monkeypatch: pytest.MonkeyPatch, fresh_webbrowser):
    monkeypatch.setenv("BROWSER", "lynx")
    launch = open_in_browser("https://example.com/")
    assert not launch.opened and launch.no_browser
    assert "terminal browser" in launch.message


def test_a_failing_browser_is_reported(monkeypatch: pytest.MonkeyPatch, fresh_webbrowser: None):
    monkeypatch.setenv("BROWSER", "false %s")
    launch = open_in_browser("https://example.com/")
    assert not launch.opened and launch.no_browser
    assert "exit status 1" in launch.message


def test_browser_command_for_unix_browsers_is_name_then_url():
    chrome = webbrowser.Chrome("google-chrome")
    assert browser_command(chrome, "https://example.com/") == [
        "google-chrome",
        "https://example.com/",
    ]


def test_a_url_is_shown_in_its_own_script_but_passed_on_escaped() -> None:
    passed_on = safe_url("https://bücher.example/記事 1?q=café")
    assert passed_on == "https://xn--bcher-kva.example/%E8%A8%98%E4%BA%8B%201?q=caf%C3%A9"
    assert readable_url(passed_on) == "https://bücher.example/記事%201?q=café"
    assert readable_url("https://example.com/%FF%20x") == "https://example.com/%FF%20x"
