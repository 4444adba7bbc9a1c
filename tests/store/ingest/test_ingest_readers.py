"""Every reader of ``store.ingest`` on small hand-written inputs.

Feeds, OPML and JSON fixtures live in ``tests/fixtures/ingest/``; odd byte-level inputs are
written into ``tmp_path`` by the tests themselves.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import support

from store.ingest.detect import Format, detect
from store.ingest.html import html_to_text
from store.ingest.mapping import Context
from store.ingest.opml import read_opml
from store.ingest.reader import read_batches, read_bytes, read_file, read_paths
from store.ingest.result import ReadResult

FIXTURES = support.FIXTURES / "ingest"
LINK_SYNTAX = re.compile(r"\[[^\]]*\]\([^)]*\)")


def _fixture(name: str) -> ReadResult:
    return read_file(FIXTURES / name)


def _by_title(result: ReadResult) -> dict[str, object]:
    return {article.title: article for article in result.articles}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- detect ----------------------------------------------------------------------------------

_RSS2 = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title></channel></rss>'
_RDF = (
    b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/"><channel/></rdf:RDF>'
)
_RSS091 = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel/></rss>'
)
_ATOM = b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>'
_OPML = b'<?xml version="1.0"?>\n<opml version="2.0"><head/><body/></opml>'
_UTF16_RSS = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel/></rss>'


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        pytest.param(b'{"title": "x", "body": "y"}', "a.json", Format.JSON, id="json-object"),
        pytest.param(b'\n  [{"title": "x"}, {"title": "y"}]', "", Format.JSON, id="json-array"),
        pytest.param(b'{\n  "title": "pretty"\n}\n', "", Format.JSON, id="json-pretty-object"),
        pytest.param(b'\xef\xbb\xbf{"title": "x"}', "", Format.JSON, id="json-utf8-bom"),
        pytest.param(b'{"a": 1}\n{"b": 2}\n{"c": 3}\n', "", Format.JSON_LINES, id="json-lines"),
        pytest.param(_RSS2, "", Format.FEED, id="rss-2.0"),
        pytest.param(_RDF, "", Format.FEED, id="rss-1.0-rdf"),
        pytest.param(_RSS091, "", Format.FEED, id="rss-0.91-doctype"),
        pytest.param(_ATOM, "", Format.FEED, id="atom"),
        pytest.param(_OPML, "", Format.OPML, id="opml"),
        pytest.param(
            b"<!DOCTYPE html>\n<html><head><title>P</title></head><body>x</body></html>",
            "page.html",
            Format.HTML_PAGE,
            id="html-page",
        ),
        pytest.param(
            b"<html><body><p>x</p></body></html>",
            "",
            Format.HTML_PAGE,
            id="html-no-doctype",
        ),
        pytest.param(b"date 2024-03-01\n\nA seed story.", "", Format.SEED, id="seed"),
        pytest.param(b"Some notes\nmore notes", "notes.md", Format.MARKDOWN, id="md-by-name"),
        pytest.param(b"Notes", "NOTES.Markdown", Format.MARKDOWN, id="markdown-by-name"),
        pytest.param(b"# A heading\n\ntext", "noext", Format.MARKDOWN, id="md-by-heading"),
        pytest.param(b"#hashtag is not a heading\ntext", "n", Format.TEXT, id="hashtag-text"),
        pytest.param(b"Plain text title\nand a body.\n", "note.txt", Format.TEXT, id="text"),
        pytest.param(b"", "empty.txt", Format.EMPTY, id="empty"),
        pytest.param(b" \n\t\r\n  \n", "ws.txt", Format.EMPTY, id="whitespace-only"),
        pytest.param(b"GIF89a\x01\x00\x01\x00\x00\xff", "x.gif", Format.BINARY, id="binary-nul"),
        pytest.param(b"\x01\x02\x03\x04\x05\x06 text", "x", Format.BINARY, id="binary-controls"),
        pytest.param(_UTF16_RSS.encode("utf-16"), "", Format.FEED, id="utf16-le-bom-xml"),
        pytest.param(
            b"\xfe\xff" + _UTF16_RSS.encode("utf-16-be"), "", Format.FEED, id="utf16-be-bom-xml"
        ),
        pytest.param(
            '<?xml version="1.0"?><opml version="1.0"><body/></opml>'.encode("utf-16"),
            "",
            Format.OPML,
            id="utf16-bom-opml",
        ),
    ],
)
def test_detect(data: bytes, name: str, expected: Format) -> None:
    assert detect(data, name) is expected


def test_detect_looks_at_content_not_name() -> None:
    assert detect(b'{"title": "x"}', "story.txt") is Format.JSON
    assert detect(_RSS2, "feed.json") is Format.FEED


# --- JSON --------------------------------------------------------------------------------------


def test_tinydb_file_articles_table() -> None:
    result = _fixture("tinydb-articles.json")
    assert result.rejects == []
    by_id = {article.id: article for article in result.articles}
    assert set(by_id) == {"tiny-1", "tiny-2"}  # the meta table is not read as articles
    one, two = by_id["tiny-1"], by_id["tiny-2"]
    assert (one.title, one.body) == ("Stored one", "Body one.")
    assert one.published == "2024-01-02T03:04:05+00:00"
    assert one.extra["custom_field"] == 5
    # Entities from the input are not trusted: they are computed again on import.
    assert one.entities is None
    # Alias fields map onto ours.
    assert (two.title, two.body, two.url) == (
        "Stored two",
        "Body two.",
        "https://tiny.example.com/2",
    )
    assert two.published == "2024-01-03T00:00:00+00:00"
    assert two.tags == ("alpha", "beta")


def test_tinydb_file_default_table() -> None:
    result = _fixture("tinydb-default.json")
    assert result.rejects == []
    titles = {article.title: article for article in result.articles}
    assert set(titles) == {"Default table one", "Default table two"}
    assert titles["Default table one"].body == "Default body one."
    # A description is a summary; without a body it becomes the body.
    assert titles["Default table two"].body == "Default body two."


def test_json_array_reads_objects_and_rejects_the_rest(tmp_path: Path) -> None:
    records = [
        {"title": "Array one", "body": "First."},
        {"headline": "Array two", "text": "Second."},
        5,
        {"author": "Nobody"},
    ]
    result = read_file(_write(tmp_path, "array.json", json.dumps(records).encode()))
    assert [a.title for a in result.articles] == ["Array one", "Array two"]
    reasons = {reject.item: reject.reason for reject in result.rejects}
    assert set(reasons) == {"item 3", "item 4"}
    assert "expected an object" in reasons["item 3"]
    assert "no title" in reasons["item 4"]


def test_json_single_object(tmp_path: Path) -> None:
    record = {
        "title": "Single object",
        "body": "Only one.",
        "author": {"name": "Obi Writer"},
        "tags": ["x", "x", "y"],
        "published_at": "2024-05-06T07:08:09+02:00",
        "reading_time": 3,
    }
    result = read_file(_write(tmp_path, "one.json", json.dumps(record).encode()))
    assert result.rejects == []
    [article] = result.articles
    assert article.title == "Single object"
    assert article.author == "Obi Writer"
    assert article.tags == ("x", "y")
    assert article.published == "2024-05-06T05:08:09+00:00"
    assert article.extra["reading_time"] == 3


def test_json_feed_1_0() -> None:
    result = _fixture("jsonfeed-1.0.json")
    assert result.rejects == []
    first, second = result.articles
    assert first.title == "First JSON Feed item"
    assert first.source == "JSON Feed One"
    assert first.url == "https://jf.example.com/1"
    assert first.author == "Feed Author"  # 1.0 "author" object at feed level
    assert first.body == "Hello there from Oslo.\n\nSecond paragraph."  # content_html as text
    assert first.published == "2024-02-01T15:00:00+00:00"  # date_published, in UTC
    assert "published_estimated" not in first.extra
    # content_text only and no title: the title comes from the text's first line.
    assert second.body == "Untitled item body\nwith a second line."
    assert second.title.startswith("Untitled item body")
    assert second.author == "Item Author"  # the item's author wins over the feed's
    assert second.extra["published_estimated"] == "missing"


def test_json_feed_1_1() -> None:
    result = _fixture("jsonfeed-1.1.json")
    [article] = result.articles
    assert article.title == "JSON Feed 1.1 item"
    assert article.source == "JSON Feed Eleven"
    assert article.author == "Ada One, Bo Two"  # 1.1 "authors" list
    assert article.body == "The HTML version."  # content_html preferred over content_text
    assert "<p>" not in article.body
    assert article.published == "2024-02-02T00:00:00+00:00"
    assert article.tags == ("politics", "Lisbon")
    assert article.extra["jsonfeed__custom"] == {"x": 1}
    [reject] = result.rejects
    assert reject.item == "item 2"
    assert "not an object" in reject.reason


def test_json_feed_item_ids_are_scoped_by_feed() -> None:
    # Both fixtures have an item with id "1"; they are different articles.
    one = _fixture("jsonfeed-1.0.json").articles[0]
    eleven = _fixture("jsonfeed-1.1.json").articles[0]
    assert one.id != eleven.id
    assert one.id == _fixture("jsonfeed-1.0.json").articles[0].id  # and stable


def test_json_lines_bad_line_in_the_middle(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "Line one", "body": "b1"}),
        json.dumps({"title": "Line two", "body": "b2"}),
        '{"title": "Line three", "body": ',
        json.dumps({"title": "Line four", "body": "b4"}),
        json.dumps({"title": "Line five", "body": "b5"}),
    ]
    path = _write(tmp_path, "items.jsonl", ("\n".join(lines) + "\n").encode())
    result = read_file(path)
    assert [a.title for a in result.articles] == ["Line one", "Line two", "Line four", "Line five"]
    [reject] = result.rejects
    assert reject.item == "line 3"
    assert "not valid JSON" in reject.reason
    assert reject.source == str(path)


def test_json_lines_invalid_record_names_its_line(tmp_path: Path) -> None:
    data = b'{"title": "ok", "body": "b"}\n{"author": "no text"}\n{"title": "ok 2"}\n'
    result = read_file(_write(tmp_path, "x.jsonl", data))
    assert [a.title for a in result.articles] == ["ok", "ok 2"]
    assert [(r.item, r.reason) for r in result.rejects] == [("item 2", "no title, summary or body")]


def _long_record_lines(first_body_bytes: int, newline: str = "\n") -> str:
    first = json.dumps({"title": "Long first", "body": "word " * (first_body_bytes // 5)})
    rest = [json.dumps({"title": f"Line {n}", "body": "b"}) for n in (2, 3)]
    return newline.join([first, *rest]) + newline


@pytest.mark.parametrize(
    ("newline", "prefix", "encoding"),
    [
        pytest.param("\n", "", "utf-8", id="lf"),
        pytest.param("\r\n", "", "utf-8", id="crlf"),
        pytest.param("\n", "\n\n", "utf-8", id="blank-first-lines"),
        pytest.param("\n", "\ufeff", "utf-8", id="utf8-bom"),
        pytest.param("\n", "", "utf-16", id="utf16-bom"),
    ],
)
def test_json_lines_with_a_first_line_longer_than_the_sniff(
    tmp_path: Path, newline: str, prefix: str, encoding: str
) -> None:
    text = prefix + _long_record_lines(200_000, newline)
    path = _write(tmp_path, "long.jsonl", text.encode(encoding))
    result = read_file(path)
    assert result.rejects == []
    assert [a.title for a in result.articles] == ["Long first", "Line 2", "Line 3"]
    assert read_bytes(path.read_bytes(), str(path)).rejects == []


def test_json_lines_whose_second_line_is_broken_are_still_json_lines(tmp_path: Path) -> None:
    data = b'{"title": "One", "body": "a"}\nnot json\n{"title": "Three", "body": "c"}\n'
    result = read_file(_write(tmp_path, "x.jsonl", data))
    assert [a.title for a in result.articles] == ["One", "Three"]
    assert [r.item for r in result.rejects] == ["line 2"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param([{"title": f"T{n}", "body": "x" * 100} for n in range(2000)], id="array"),
        pytest.param(
            {"_default": {str(n): {"title": f"T{n}", "body": "x" * 100} for n in range(2000)}},
            id="tinydb",
        ),
        pytest.param({"title": "T0", "body": "word " * 40_000}, id="one-object"),
    ],
)
@pytest.mark.parametrize("indent", [None, 1], ids=["one-line", "pretty"])
def test_json_larger_than_the_sniff_is_json(
    tmp_path: Path, value: object, indent: int | None
) -> None:
    data = json.dumps(value, indent=indent).encode()
    assert len(data) > 64 * 1024
    result = read_file(_write(tmp_path, "big.json", data))
    assert result.rejects == []
    assert result.articles[0].title == "T0"
    assert detect(data) is Format.JSON


# --- feeds -----------------------------------------------------------------------------------


def test_rss_2_0() -> None:
    result = _fixture("rss2.xml")
    assert result.rejects == []
    first, second = result.articles
    assert first.title == "Harbour & tram works approved"
    assert first.url == "https://wire.example.com/news/harbour-tram"
    assert first.source == "Example Wire"
    assert first.author == "Jane Doe"
    assert first.published == "2024-03-05T09:30:00+00:00"  # +0100 converted to UTC
    assert first.tags == ("Transport", "Zurich")
    assert first.summary == "The council approved the harbour works."
    # content:encoded wins over description and becomes readable text.
    assert first.body.split("\n\n")[0] == (
        "The council in Zurich approved the [harbour plan](https://wire.example.com/plan) "
        "on Monday."
    )
    assert "Work starts in “spring” & ends in autumn." in first.body
    assert "Tram line 4 moves" in first.body and "Quay closes" in first.body
    assert "injected" not in first.body and "color" not in first.body
    assert second.title == "Second story"
    assert second.body == "Only a description here."
    assert second.published == "2024-03-06T08:00:00+00:00"


def test_rss_guid_that_is_a_url_is_global(tmp_path: Path) -> None:
    """The same URL guid in two feeds is the same article."""
    elsewhere = (
        (FIXTURES / "rss2.xml")
        .read_bytes()
        .replace(b"https://wire.example.com/</link>", b"https://mirror.example.com/</link>")
    )
    mirrored = read_file(_write(tmp_path, "mirror.xml", elsewhere)).articles[0]
    assert mirrored.id == _fixture("rss2.xml").articles[0].id


def test_atom() -> None:
    result = _fixture("atom.xml")
    assert result.rejects == []
    first, second = result.articles
    assert first.title == "Atom entry with a link"
    assert first.url == "https://atom.example.com/entry-1"
    assert first.source == "Atom Desk"
    assert first.author == "Ann Author"
    assert first.published == "2024-03-05T07:00:00+00:00"  # published wins over updated
    assert first.body == "Para one about Geneva.\n\nPara two & more."
    assert first.summary == "Short Atom summary."
    assert second.published == "2024-03-07T12:00:00+00:00"  # only updated: it is used
    assert second.body == "Plain text content."
    assert first.id != second.id


def test_rss_1_0_rdf() -> None:
    result = _fixture("rss1.rdf")
    assert result.rejects == []
    [article] = result.articles
    assert article.title == "RDF story one"
    assert article.url == "https://rdf.example.com/1"
    assert article.body == "The RDF body text."
    assert article.author == "Rudi Reporter"
    assert article.published == "2024-03-01T12:00:00+00:00"
    assert article.source == "RDF Site"


def test_rss_0_91_without_dates() -> None:
    result = _fixture("rss091.xml")
    assert result.rejects == []
    [article] = result.articles
    assert (article.title, article.body, article.url) == (
        "An old story",
        "Old body text.",
        "https://old.example.com/1",
    )
    assert article.extra["published_estimated"] == "missing"
    assert article.published  # the fetch time stands in


def _feed_with_guids(link: str, guids: list[str]) -> bytes:
    items = "".join(
        f'<item><title>Story {g}</title><guid isPermaLink="false">{g}</guid>'
        f"<description>Body {g}</description></item>"
        for g in guids
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {link}</title>'
        f"<link>{link}</link><description>d</description>{items}</channel></rss>"
    ).encode()


def test_non_url_guids_are_scoped_by_feed(tmp_path: Path) -> None:
    a = read_file(_write(tmp_path, "a.xml", _feed_with_guids("https://a.example.com/", ["1", "2"])))
    b = read_file(_write(tmp_path, "b.xml", _feed_with_guids("https://b.example.com/", ["1", "2"])))
    ids_a = [article.id for article in a.articles]
    ids_b = [article.id for article in b.articles]
    assert len(set(ids_a + ids_b)) == 4
    assert not set(ids_a) & {"1", "2"}
    again = read_bytes(_feed_with_guids("https://a.example.com/", ["1", "2"]), "other-name.xml")
    assert [article.id for article in again.articles] == ids_a  # stable across reads


# --- OPML ------------------------------------------------------------------------------------


def test_opml_nested_outlines_become_subscriptions() -> None:
    data = (FIXTURES / "subscriptions.opml").read_bytes()
    result = read_opml(data, Context.now("subscriptions.opml"))
    assert result.articles == []
    assert [(feed.url, feed.title) for feed in result.feeds] == [
        ("https://wire.example.com/rss", "Wire Feed"),
        ("https://deep.example.com/atom.xml", "Deep Atom"),
    ]
    [reject] = result.rejects
    assert "not an http(s) feed" in reject.reason
    assert "file:///etc/passwd" in reject.reason


def test_opml_file_is_read_as_subscriptions() -> None:
    result = read_paths([FIXTURES / "subscriptions.opml"])
    assert [feed.url for feed in result.feeds] == [
        "https://wire.example.com/rss",
        "https://deep.example.com/atom.xml",
    ]
    assert len(result.rejects) == 1


def test_opml_that_is_not_xml_is_rejected() -> None:
    result = read_opml(b"<opml><body><outline xmlUrl='https://x.example.com/'>", Context.now("s"))
    assert result.feeds == []
    [reject] = result.rejects
    assert reject.reason.startswith("not valid OPML")


def test_opml_entity_expansion_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<opml><body><outline text="&b;" xmlUrl="https://x.example.com/"/></body></opml>'
    )
    result = read_opml(bomb, Context.now("bomb.opml"))
    assert result.feeds == []
    assert len(result.rejects) == 1


# --- seeds, plain text and Markdown ---------------------------------------------------------------


def test_seed_file(tmp_path: Path) -> None:
    folder = tmp_path / "wire"
    folder.mkdir()
    data = b"date 2024-03-01\n\nPhoto: A tram in Zurich.\n\nThe council met on Monday. It agreed.\n"
    result = read_file(_write(folder, "story.txt", data))
    assert result.rejects == []
    [article] = result.articles
    assert article.published == "2024-03-01T00:00:00+00:00"
    assert article.title == "The council met on Monday"
    assert article.caption == "Photo: A tram in Zurich."
    assert article.source == "wire"


def test_plain_text_title_is_first_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "note.txt", b"First line title\nBody line one.\n\nBody para two.\n")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    [article] = read_file(path).articles
    assert article.title == "First line title"
    assert article.body == "Body line one.\n\nBody para two."
    # The file's modification time stands in for the missing date.
    assert article.published == "2023-11-14T22:13:20+00:00"
    assert article.extra["published_estimated"] == "file modification time"


def test_markdown_heading_is_the_title(tmp_path: Path) -> None:
    data = b"\n\n## The heading ##\n\nSome body text.\n\n- item one\n- item two\n"
    [article] = read_file(_write(tmp_path, "story.md", data)).articles
    assert article.title == "The heading"
    assert article.body == "Some body text.\n\n- item one\n- item two"


def test_markdown_detected_by_heading_without_extension(tmp_path: Path) -> None:
    [article] = read_file(_write(tmp_path, "README", b"# Heading only\n\nbody here\n")).articles
    assert (article.title, article.body) == ("Heading only", "body here")


@pytest.mark.parametrize("underline", ["==========", "----------"])
def test_setext_heading_underline_is_not_body(tmp_path: Path, underline: str) -> None:
    data = f"Setext Title\n{underline}\n\nBody after the heading.\n".encode()
    [article] = read_file(_write(tmp_path, "s.md", data)).articles
    assert article.title == "Setext Title"
    assert article.body == "Body after the heading."


def test_long_first_line_is_shortened_and_kept_in_body(tmp_path: Path) -> None:
    first = (
        "This is a very long first line that goes on and on, with several clauses and commas, "
        "far beyond any sensible headline length of one hundred characters"
    )
    [article] = read_file(_write(tmp_path, "l.txt", f"{first}\nrest of body\n".encode())).articles
    assert len(article.title) <= 101
    assert first.startswith(article.title.rstrip("…"))
    assert article.title != first
    assert article.body == f"{first}\nrest of body"  # nothing of the first line is lost


def test_long_first_line_without_break_points_gets_an_ellipsis(tmp_path: Path) -> None:
    first = " ".join(["word"] * 60)
    [article] = read_file(_write(tmp_path, "w.txt", f"{first}\nrest\n".encode())).articles
    assert article.title.endswith("…")
    assert len(article.title) <= 101


# --- HTML bodies -------------------------------------------------------------------------------

_HTML_BODY = (
    "<p>One para.</p><p>Two &amp; three &eacute;t&eacute; &#8217;quoted&#8217;</p>"
    "<ul><li>first item</li><li>second item</li></ul>"
    "<p>See <a href='https://x.example.com/a'>the link</a>.</p>"
    "<script>var secret = 'script text';</script><style>p { color: red }</style>"
)


def test_html_to_text_keeps_structure() -> None:
    text = html_to_text(_HTML_BODY)
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "One para."
    assert paragraphs[1] == "Two & three été \u2019quoted\u2019"
    lines = [line.strip(" *-•") for line in paragraphs[2].splitlines()]
    assert lines == ["first item", "second item"]
    assert paragraphs[3] == "See [the link](https://x.example.com/a)."
    assert "script text" not in text and "color" not in text
    assert "<" not in text and "&amp;" not in text


def test_html_body_of_a_record_becomes_readable_text(tmp_path: Path) -> None:
    record = {"title": "HTML body", "content_html": _HTML_BODY}
    [article] = read_file(_write(tmp_path, "h.json", json.dumps(record).encode())).articles
    assert article.body == html_to_text(_HTML_BODY)
    assert "[the link](https://x.example.com/a)" in article.body


def test_plain_text_with_angle_brackets_is_left_alone() -> None:
    assert html_to_text("  5 < 6 and 7 > 3  ") == "5 < 6 and 7 > 3"


_LINKED_TITLE_RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example.com/'
    b"</link><description>d</description><item><title>Big &lt;a href=&quot;https://t.example.com"
    b"/x&quot;&gt;news&lt;/a&gt; today</title><description>b</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        pytest.param(
            "t.json",
            json.dumps(
                {"title": "Big <a href='https://e.example.com'>news</a> today", "body": "b"}
            ),
            "Big news today",
            id="json-html-title",
        ),
        pytest.param("t.xml", _LINKED_TITLE_RSS, "Big news today", id="rss-html-title"),
        pytest.param("atom.xml", None, "Atom entry with a link", id="atom-html-title"),
        pytest.param(
            "t.md",
            "# See <a href='https://x.example.com/'>this link</a> now\n\nbody",
            "See this link now",
            id="markdown-html-heading",
        ),
        pytest.param(
            "t.md",
            "# See [this link](https://x.example.com/) now\n\nbody",
            "See this link now",
            id="markdown-link-heading",
        ),
    ],
)
def test_titles_never_contain_link_syntax(
    tmp_path: Path, name: str, data: str | bytes | None, words: str
) -> None:
    if data is None:
        path = FIXTURES / name
    else:
        path = _write(tmp_path, name, data.encode() if isinstance(data, str) else data)
    title = read_file(path).articles[0].title
    assert not LINK_SYNTAX.search(title)
    assert "http" not in title
    assert title == words


def test_a_feed_without_a_title_is_named_after_its_file_not_its_path(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "untitled.xml"
    path.parent.mkdir()
    path.write_text(
        '<rss version="2.0"><channel><item><title>Hello</title>'
        "<link>https://x.example.com/1</link></item></channel></rss>"
    )

    (article,) = read_file(path).articles

    assert article.source == "untitled.xml"


def test_inputs_are_read_in_batches_with_the_bytes_read(tmp_path: Path) -> None:
    """JSON Lines are streamed a batch at a time; other files are split after reading; the
    rejects stay with the batch they were found in."""
    lines = [json.dumps({"id": f"j{n}", "title": f"T {n}", "body": "b"}) for n in range(7)]
    lines.insert(4, "{not json")
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    array = tmp_path / "b.json"
    array.write_text(json.dumps([{"id": f"k{n}", "title": "T", "body": "b"} for n in range(5)]))
    seen: list[tuple[int, int]] = []

    batches = list(read_batches([jsonl, array], size=3, progress=lambda *p: seen.append(p)))

    assert [[a.id for a in b.articles] for b in batches] == [
        ["j0", "j1", "j2"],
        ["j3", "j4", "j5"],
        ["j6"],
        ["k0", "k1", "k2"],
        ["k3", "k4"],
    ]
    assert [r.item for b in batches for r in b.rejects] == ["line 5"]
    assert batches[1].rejects and not batches[0].rejects
    total = jsonl.stat().st_size + array.stat().st_size
    assert all(t == total for _, t in seen) and seen[-1][0] == total
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    merged = read_file(jsonl)
    assert [a.id for a in merged.articles] == [f"j{n}" for n in range(7)]
