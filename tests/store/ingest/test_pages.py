"""The main text of article pages (``store.ingest.pages``) and fetching them politely
(``store.ingest.fulltext``), against pages written like real news sites and a local server."""

from __future__ import annotations

import contextlib
import time

import pytest
import support
from support.feed_server import AtOnce, FeedServer, Handler

from store.ingest.fulltext import MAX_PAGE_BYTES, fetch_page, fetch_pages, page_text
from store.ingest.pages import MAX_PAGE_CHARS, NotAnArticle, extract_page

PAGES = support.FIXTURES / "pages"
HARBOUR = (PAGES / "harbour.html").read_text(encoding="utf-8")
ARTICLE_WORDS = (
    "The old port of Valletta reopened to fishing boats on Monday",
    "42 million euros",
    "What changes for the fishermen",
    "Forty new berths for boats under twelve metres.",
    "Cold storage for the cooperative's catch.",
    "We waited a long time",
    "the harbour authority expects the cruise terminal to reopen in October",
)
AROUND_IT = (
    "We use cookies",
    "Accept all",
    "Business",
    "Share on Facebook",
    "Advertisement",
    "Read more",
    "Ferry timetable",
    "Related stories",
    "New ferry to Gozo",
    "morning briefing",
    "disgrace",
    "Sundays",
    "All rights reserved",
    "dataLayer",
    "min-height",
)


def test_the_article_is_kept_whole_and_nothing_around_it() -> None:
    text = extract_page(HARBOUR, "https://chronicle.example/harbour").text
    flat = " ".join(text.split())
    for words in ARTICLE_WORDS:
        assert words in flat, words
    for words in AROUND_IT:
        assert words not in flat, words


def test_paragraphs_lists_and_links_keep_their_form() -> None:
    text = extract_page(HARBOUR).text
    assert "[The final report](https://gov.example/harbour-report)" in text
    assert "\n\n" in text, "paragraphs stay apart"
    assert any(line.lstrip().startswith("*") for line in text.splitlines()), "list bullets"


def test_the_page_says_who_wrote_it_when_and_what_the_picture_shows() -> None:
    page = extract_page(HARBOUR)
    assert page.title == "Harbour works reopen the old port of Valletta"
    assert page.author == "Maria Camilleri"
    assert page.published.startswith("2025-03-03")
    assert page.caption == "Fishing boats return to the Grand Harbour on Monday morning."


def test_a_home_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract_page((PAGES / "home.html").read_text(encoding="utf-8"))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("markup", ["", "just some words, no markup at all", "%PDF-1.7 \x00\x01"])
def test_what_is_not_html_is_said_in_one_line(markup: str) -> None:
    with pytest.raises(NotAnArticle, match="not an HTML page"):
        extract_page(markup)


def test_a_huge_page_is_refused_before_it_is_parsed() -> None:
    started = time.monotonic()
    with pytest.raises(NotAnArticle, match="too large"):
        extract_page("<p>" + "x" * MAX_PAGE_CHARS + "</p>")
    assert time.monotonic() - started < 1.0


def test_scripts_in_the_article_are_not_text() -> None:
    hostile = HARBOUR.replace(
        "<h2>What changes", "<script>document.write('PWNED')</script><h2>What changes"
    )
    assert "PWNED" not in extract_page(hostile).text


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Genève".encode("latin-1"), "text/html; charset=ISO-8859-1", "Genève"),
        (b'<meta charset="windows-1252"><p>' + "café".encode("cp1252"), "text/html", "café"),
        ("Zürich".encode(), "text/html", "Zürich"),
        ("Kraków".encode("cp1252", errors="replace") + b"\x9c", "", "Krak"),
    ],
    ids=["header", "meta", "utf-8", "not utf-8"],
)
def test_a_page_is_read_in_the_charset_it_names(body: bytes, content_type: str, expected: str):
    assert expected in page_text(body, content_type)


# Fetching -------------------------------------------------------------------------------


def test_a_page_is_fetched_and_extracted(feed_server: FeedServer) -> None:
    url = feed_server.serve("/harbour", HARBOUR.encode(), content_type="text/html")
    outcome = fetch_page(url)
    assert outcome.error == ""
    assert outcome.page is not None and "42 million euros" in outcome.page.text
    [headers] = feed_server.headers_for("/harbour")
    assert headers["User-Agent"].startswith("newsdesk/")
    assert "text/html" in headers["Accept"]


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (lambda h, hit: h.send(404, b"gone"), "404"),
        (lambda h, hit: h.send(200, b"%PDF-1.7", Content_Type="application/pdf"), "not an HTML"),
        (
            lambda h, hit: h.send(200, b"", Content_Length=str(MAX_PAGE_BYTES + 1)),
            "larger than",
        ),
        (lambda h, hit: h.send(301, Location="file:///etc/passwd"), "non-web address"),
        (
            lambda h, hit: h.send(200, b"<html><body><p>Subscribe to read.</p></body></html>"),
            "article",
        ),
    ],
    ids=["404", "pdf", "too-large", "to-file", "paywall"],
)
def test_a_page_that_cannot_be_had_says_why_in_one_line(
    feed_server: FeedServer, route, reason: str
) -> None:
    feed_server.routes["/page"] = route
    outcome = fetch_page(feed_server.url("/page"), retries=0)
    assert outcome.page is None
    assert reason in outcome.error and "\n" not in outcome.error


def test_no_more_than_two_pages_at_once_from_one_host(feed_server: FeedServer) -> None:
    at_once = AtOnce()
    html = HARBOUR.encode()
    page = at_once.slowly(lambda h, hit: h.send(200, html, Content_Type="text/html"), 0.15)
    for n in range(6):
        feed_server.routes[f"/p{n}"] = page
    outcomes = fetch_pages([feed_server.url(f"/p{n}") for n in range(6)], workers=6)
    assert all(outcome.page is not None for outcome in outcomes.values())
    assert at_once.most == 2


def test_an_amp_page_gives_its_article_and_every_author() -> None:
    page = extract_page((PAGES / "amp.html").read_text(encoding="utf-8"))
    flat = " ".join(page.text.split())
    assert "The night train between Vienna and Paris ran again on Monday" in flat
    assert "arrives at the Gare de l'Est shortly before ten" in flat
    for around in ("Menu", "Advertisement", "Privacy", "amp-start"):
        assert around not in flat, around
    assert page.author == "Lena Huber, Paul Martin"
    assert page.published == "2025-02-10T06:00:00+00:00"


def test_a_paywalled_teaser_is_not_taken_for_the_article() -> None:
    with pytest.raises(NotAnArticle, match=r"too little text|no article"):
        extract_page((PAGES / "paywall.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("Genève".encode("latin-1"), "text/html; charset=utf-8"),
        ("Genève".encode(), "text/html; charset=iso-8859-1"),
        (b'<meta charset="utf-8"><p>' + "Genève".encode("latin-1"), ""),
    ],
    ids=["latin-1 sent as utf-8", "utf-8 sent as latin-1", "latin-1 declared utf-8"],
)
def test_a_wrong_charset_still_reads(body: bytes, content_type: str) -> None:
    assert "Genève" in page_text(body, content_type)


def test_a_gzipped_page_is_read(feed_server: FeedServer) -> None:
    import gzip

    body = gzip.compress(HARBOUR.encode())
    feed_server.routes["/gz"] = lambda h, hit: h.send(
        200, body, Content_Type="text/html", Content_Encoding="gzip"
    )
    outcome = fetch_page(feed_server.url("/gz"))
    assert outcome.page is not None and "42 million euros" in outcome.page.text


def test_a_30_mb_page_without_a_length_is_cut_off(feed_server: FeedServer) -> None:
    def huge(h: Handler, hit: int) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        chunk = b"<p>" + b"word " * 20_000 + b"</p>"
        with contextlib.suppress(OSError):  # the client hangs up at the cap
            for _ in range(30 * 1024 * 1024 // len(chunk)):
                h.wfile.write(chunk)

    feed_server.routes["/huge"] = huge
    started = time.monotonic()
    outcome = fetch_page(feed_server.url("/huge"), retries=0)
    assert outcome.page is None and "larger than 5 MB" in outcome.error
    assert time.monotonic() - started < 10


def test_a_slow_page_and_a_redirect_loop_fail_in_time(feed_server: FeedServer) -> None:
    feed_server.routes["/slow"] = lambda h, hit: feed_server.stop.wait(5)
    feed_server.routes["/loop"] = lambda h, hit: h.send(302, Location="/loop")
    started = time.monotonic()
    slow = fetch_page(feed_server.url("/slow"), timeout=1.0, retries=0)
    assert slow.page is None and "timed out" in slow.error
    loop = fetch_page(feed_server.url("/loop"), retries=0)
    assert loop.page is None and "redirect" in loop.error.lower()
    assert time.monotonic() - started < 5
