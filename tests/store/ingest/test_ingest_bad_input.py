"""Hostile, broken and odd inputs: each is read without an exception, with a clear reason."""

from __future__ import annotations

import json
import pathlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from store.ingest import reader
from store.ingest.importer import import_into
from store.ingest.reader import read_bytes, read_file, read_paths
from store.ingest.result import ReadResult
from store.storage.library import open_store

REPLACEMENT = "\ufffd"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _only_reject(result: ReadResult) -> str:
    assert result.articles == []
    [reject] = result.rejects
    return reject.reason


def _stored_docs(store: Path) -> list[dict]:
    return list(orjson.loads(store.read_bytes())["articles"].values())


# --- malformed XML ----------------------------------------------------------------------------

_RECOVERABLE = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken</title><link>https://broken.example.com/</link>
<item><title>Good one</title><link>https://broken.example.com/1</link>
<description>fine body</description></item>
<item><title>Second <b>unclosed</title><link>https://broken.example.com/2</link>
<description>second body</description></item>
</channel>"""


def test_malformed_feed_keeps_what_parsed(tmp_path: Path) -> None:
    result = read_file(_write(tmp_path, "broken.xml", _RECOVERABLE))
    titles = [article.title for article in result.articles]
    assert "Good one" in titles
    assert any(title.startswith("Second") for title in titles)
    assert any("malformed XML" in reject.reason for reject in result.rejects)


@pytest.mark.parametrize(
    ("data", "parser_says"),
    [
        pytest.param(
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</ti',
            "unclosed token",
            id="truncated",
        ),
        pytest.param(b"<<<<>>>> not xml at all <", "not well-formed", id="garbage"),
    ],
)
def test_unrecoverable_feed_is_one_reject_with_the_parser_error(
    tmp_path: Path, data: bytes, parser_says: str
) -> None:
    reason = _only_reject(read_file(_write(tmp_path, "bad.xml", data)))
    assert reason.startswith("not a readable feed (")
    assert parser_says in reason


def test_well_formed_xml_that_is_no_feed_is_rejected(tmp_path: Path) -> None:
    data = b'<?xml version="1.0"?>\n<inventory><part>bolts</part></inventory>'
    assert _only_reject(read_file(_write(tmp_path, "inventory.xml", data))) == "not a feed"


# --- encodings ---------------------------------------------------------------------------------

_LATIN1_FEED = (
    "<rss version='2.0'><channel><title>Café News</title><link>https://l.example.com/</link>"
    "<item><title>Zürich café</title><description>Café in Zürich opened.</description>"
    "<guid>https://l.example.com/1</guid></item></channel></rss>"
)


@pytest.mark.parametrize(
    "declaration",
    [
        pytest.param("<?xml version='1.0'?>", id="no-encoding-declared"),
        pytest.param("", id="no-declaration-at-all"),
        pytest.param("<?xml version='1.0' encoding='utf-8'?>", id="declaration-lies"),
        pytest.param("<?xml version='1.0' encoding='iso-8859-1'?>", id="declaration-true"),
    ],
)
def test_latin1_feed_is_decoded(tmp_path: Path, declaration: str) -> None:
    data = (declaration + _LATIN1_FEED).encode("latin-1")
    result = read_file(_write(tmp_path, "latin.xml", data))
    [article] = result.articles
    assert article.title == "Zürich café"
    assert article.body == "Café in Zürich opened."
    assert article.source == "Café News"
    assert REPLACEMENT not in article.title + article.body
    # An encoding override is not malformed XML.
    assert not any("malformed" in reject.reason for reject in result.rejects)


def test_utf16_feed_with_bom_is_decoded(tmp_path: Path) -> None:
    text = "<?xml version='1.0' encoding='utf-16'?>" + _LATIN1_FEED
    [article] = read_file(_write(tmp_path, "u16.xml", text.encode("utf-16"))).articles
    assert article.title == "Zürich café"


def test_cp1252_text_file(tmp_path: Path) -> None:
    title = "Café “quoted” in Zürich \u2013 €5"
    body = "Body with naïve \u2019apostrophes\u2019."
    text = f"{title}\n{body}\n"
    [article] = read_file(_write(tmp_path, "cp.txt", text.encode("cp1252"))).articles
    assert (article.title, article.body) == (title, body)


def test_latin1_text_file(tmp_path: Path) -> None:
    data = "Grüße aus Zürich\nDas Café öffnet.\n".encode("latin-1")
    [article] = read_file(_write(tmp_path, "latin.txt", data)).articles
    assert (article.title, article.body) == ("Grüße aus Zürich", "Das Café öffnet.")


def test_utf8_text_with_bom(tmp_path: Path) -> None:
    data = "\ufeffZürich title\nbody".encode()
    [article] = read_file(_write(tmp_path, "bom.txt", data)).articles
    assert article.title == "Zürich title"


def test_utf16_text_file_with_bom(tmp_path: Path) -> None:
    data = "Zürich title\nCafé body.\n".encode("utf-16")
    result = read_file(_write(tmp_path, "u16.txt", data))
    assert result.rejects == []
    [article] = result.articles
    assert (article.title, article.body) == ("Zürich title", "Café body.")


def test_json_with_utf8_bom(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + json.dumps([{"title": "Bom", "body": "x"}]).encode()
    result = read_file(_write(tmp_path, "bom.json", data))
    assert result.rejects == []
    assert [article.title for article in result.articles] == ["Bom"]


def test_json_lines_with_utf8_bom(tmp_path: Path) -> None:
    data = b'\xef\xbb\xbf{"title": "L1", "body": "a"}\n{"title": "L2", "body": "b"}\n'
    result = read_file(_write(tmp_path, "bom.jsonl", data))
    assert result.rejects == []
    assert [article.title for article in result.articles] == ["L1", "L2"]


# --- refused files --------------------------------------------------------------------------------


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert "binary" in _only_reject(read_file(_write(tmp_path, "image.png", data)))


@pytest.mark.parametrize("data", [b"", b"  \n\n\t  \r\n"], ids=["empty", "whitespace"])
def test_empty_file_is_rejected(tmp_path: Path, data: bytes) -> None:
    assert "empty" in _only_reject(read_file(_write(tmp_path, "empty.json", data)))


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    result = read_paths([tmp_path / "nope.json"])
    assert "no such file" in _only_reject(result)


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """A 1 KiB whole-file limit, and a record of every file read whole."""
    monkeypatch.setattr(reader, "MAX_WHOLE_FILE_BYTES", 1024)
    read_whole: list[Path] = []
    original = pathlib.Path.read_bytes

    def recording_read_bytes(self: Path) -> bytes:
        read_whole.append(self)
        return original(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", recording_read_bytes)
    return read_whole


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("big.txt", b"A title\n" + b"word " * 2000, id="text"),
        pytest.param("big.json", json.dumps([{"title": "t" * 4000}]).encode(), id="json"),
    ],
)
def test_file_over_the_limit_is_rejected_unread(
    tmp_path: Path, small_limit: list[Path], name: str, data: bytes
) -> None:
    path = _write(tmp_path, name, data)
    reason = _only_reject(read_file(path))
    assert "too large" in reason
    assert path not in small_limit


def test_json_lines_over_the_limit_are_streamed(tmp_path: Path, small_limit: list[Path]) -> None:
    lines = [
        json.dumps({"id": f"s-{n}", "title": f"Streamed {n}", "body": "x"}) for n in range(300)
    ]
    path = _write(tmp_path, "big.jsonl", ("\n".join(lines) + "\n").encode())
    assert path.stat().st_size > reader.MAX_WHOLE_FILE_BYTES * 10
    result = read_file(path)
    assert result.rejects == []
    assert len(result.articles) == 300
    assert path not in small_limit
    summary = import_into(tmp_path / "store.json", result)
    assert summary.added == 300


def test_json_lines_line_over_the_limit_is_one_reject(
    tmp_path: Path, small_limit: list[Path]
) -> None:
    lines = [
        json.dumps({"title": "Before", "body": "a"}),
        json.dumps({"title": "Huge", "body": "x" * 5000}),
        json.dumps({"title": "After", "body": "c"}),
    ]
    result = read_file(_write(tmp_path, "huge.jsonl", ("\n".join(lines) + "\n").encode()))
    assert [a.title for a in result.articles] == ["Before", "After"]
    [reject] = result.rejects
    assert reject.item == "line 2"
    assert "longer than" in reject.reason


def test_huge_single_line_without_newline_is_too_large_not_a_crash(
    tmp_path: Path, small_limit: list[Path]
) -> None:
    data = json.dumps({"title": "One line", "body": "x" * 5000}).encode()
    reason = _only_reject(read_file(_write(tmp_path, "oneline.jsonl", data)))
    assert "too large" in reason


# --- duplicates, missing text -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dups.json", "dups.jsonl"])
def test_duplicate_ids_in_one_file_import_once(tmp_path: Path, name: str) -> None:
    records = [
        {"id": "same", "title": "First copy", "body": "a"},
        {"id": "other", "title": "Other", "body": "b"},
        {"id": "same", "title": "Second copy", "body": "c"},
    ]
    if name.endswith(".jsonl"):
        data = "\n".join(json.dumps(record) for record in records).encode()
    else:
        data = json.dumps(records).encode()
    store = tmp_path / "store.json"
    summary = import_into(store, read_file(_write(tmp_path, name, data)))
    assert (summary.added, summary.duplicates) == (2, 1)
    docs = _stored_docs(store)
    assert sorted(doc["id"] for doc in docs) == ["other", "same"]
    assert next(doc for doc in docs if doc["id"] == "same")["title"] == "First copy"


def test_title_only_body_only_and_neither(tmp_path: Path) -> None:
    records = [
        {"title": "Title only"},
        {"body": "Body only first line\nand more body"},
        {"summary": "Summary only"},
        {"url": "https://x.example.com/nothing", "author": "Nobody"},
    ]
    result = read_file(_write(tmp_path, "r.json", json.dumps(records).encode()))
    title_only, body_only, summary_only = result.articles
    assert (title_only.title, title_only.body) == ("Title only", "")
    assert body_only.title.startswith("Body only first line")
    assert body_only.body == "Body only first line\nand more body"
    assert summary_only.title == "Summary only"
    [reject] = result.rejects
    assert reject.item == "item 4"
    assert reject.reason == "no title, summary or body"


def test_text_fields_of_the_wrong_type_are_a_reason_not_a_crash(tmp_path: Path) -> None:
    records = [{"title": True, "body": "x"}, {"title": "fine", "body": "y"}]
    result = read_file(_write(tmp_path, "r.json", json.dumps(records).encode()))
    assert [article.title for article in result.articles] == ["fine"]
    [reject] = result.rejects
    assert "bool" in reject.reason


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "published",
    [
        pytest.param("1066-10-14", id="year-1066"),
        pytest.param("3000-01-01T00:00:00Z", id="year-3000"),
        pytest.param("not a date", id="not-a-date"),
        pytest.param(-3_155_760_000, id="negative-epoch"),
        pytest.param(1e20, id="epoch-overflow"),
        pytest.param("Mon, 14 Oct 1066 09:00:00 GMT", id="rfc822-1066"),
    ],
)
def test_absurd_dates_fall_back_to_fetch_time(tmp_path: Path, published: object) -> None:
    record = {"title": "Dated", "body": "b", "published": published}
    before = datetime.now(UTC).replace(microsecond=0)
    [article] = read_file(_write(tmp_path, "d.json", json.dumps(record).encode())).articles
    after = datetime.now(UTC)
    assert article.extra["published_estimated"]
    moment = datetime.fromisoformat(article.published)
    assert before <= moment <= after + timedelta(seconds=1)


@pytest.mark.parametrize(
    "pub_date", ["Mon, 14 Oct 1066 09:00:00 GMT", "Wed, 01 Jan 3000 00:00:00 GMT", "soon"]
)
def test_absurd_feed_dates_fall_back_to_fetch_time(tmp_path: Path, pub_date: str) -> None:
    data = (
        "<rss version='2.0'><channel><title>t</title><link>https://t.example.com/</link>"
        f"<item><title>x</title><description>y</description><pubDate>{pub_date}</pubDate>"
        "</item></channel></rss>"
    ).encode()
    before = datetime.now(UTC).replace(microsecond=0)
    [article] = read_file(_write(tmp_path, "d.xml", data)).articles
    after = datetime.now(UTC)
    assert article.extra["published_estimated"]
    assert before <= datetime.fromisoformat(article.published) <= after + timedelta(seconds=1)


# --- hostile content -----------------------------------------------------------------------------


def test_scripts_and_event_handlers_do_not_reach_the_body(tmp_path: Path) -> None:
    record = {
        "title": "<span onmouseover='steal()'>Clean</span> title",
        "body": (
            "<p onclick=\"steal('cookie')\">Hello reader.</p><script>alert(1)</script>"
            "<img src=x onerror=alert(2)><style>body{display:none}</style><p>Bye.</p>"
        ),
    }
    store = tmp_path / "store.json"
    import_into(store, read_file(_write(tmp_path, "x.json", json.dumps(record).encode())))
    [doc] = _stored_docs(store)
    assert doc["title"] == "Clean title"
    assert doc["body"] == "Hello reader.\n\nBye."
    for bad in ("alert", "steal", "onclick", "onerror", "script", "display"):
        assert bad not in doc["body"]


def test_scripts_in_feed_content_do_not_reach_the_body(tmp_path: Path) -> None:
    data = (
        b"<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
        b"<title>t</title><link>https://t.example.com/</link><item><title>x</title>"
        b"<content:encoded><![CDATA[<p onclick='steal()'>Safe text.</p>"
        b"<script>alert(1)</script>]]></content:encoded></item></channel></rss>"
    )
    [article] = read_file(_write(tmp_path, "s.xml", data)).articles
    assert article.body == "Safe text."


_OSC52 = "\x1b]52;c;ZXZpbCBwYXlsb2Fk\x07"
_CSI = "\x1b[2J\x1b[31m"
_C1 = "\x9b31m\x9d0;pwned\x9c\x85"


def _has_control(text: str) -> bool:
    return any((ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F for ch in text)


def test_terminal_escapes_are_stripped_from_json(tmp_path: Path) -> None:
    record = {
        "title": f"Esc {_OSC52}title{_CSI} red{_C1} end",
        "body": f"Body {_OSC52}with{_CSI} escapes{_C1}.\n\nSecond \u202eparagraph.",
        "author": f"Mallory{_CSI}",
        "source": f"Evil{_OSC52} Wire",
        "tags": [f"t{_C1}ag"],
    }
    store = tmp_path / "store.json"
    import_into(store, read_file(_write(tmp_path, "esc.json", json.dumps(record).encode())))
    [doc] = _stored_docs(store)
    for field in ("title", "body", "author", "source"):
        assert not _has_control(doc[field]), (field, doc[field])
        assert "ZXZpbCBwYXlsb2Fk" not in doc[field]
        assert "pwned" not in doc[field]
    assert doc["title"] == "Esc title red end"
    assert doc["body"] == "Body with escapes.\n\nSecond paragraph."
    assert (doc["author"], doc["source"], doc["tags"]) == ("Mallory", "Evil Wire", ["tag"])


def test_terminal_escapes_are_stripped_from_text_files(tmp_path: Path) -> None:
    data = f"Title {_CSI}here{_OSC52}\nBody {_OSC52}text{_CSI} ok\n".encode()
    store = tmp_path / "store.json"
    import_into(store, read_file(_write(tmp_path, "esc.txt", data)))
    [doc] = _stored_docs(store)
    assert (doc["title"], doc["body"]) == ("Title here", "Body text ok")
    assert open_store(store).articles[0].title == "Title here"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"])
def test_odd_url_schemes_are_stored_as_text(tmp_path: Path, url: str) -> None:
    record = {"title": "Odd link", "body": "b", "url": url}
    store = tmp_path / "store.json"
    summary = import_into(store, read_file(_write(tmp_path, "u.json", json.dumps(record).encode())))
    assert summary.added == 1
    [doc] = _stored_docs(store)
    assert doc["url"] == url
    assert open_store(store).articles[0].url == url


def test_odd_url_schemes_in_feeds_do_not_crash() -> None:
    data = (
        b"<rss version='2.0'><channel><title>t</title><link>https://t.example.com/</link>"
        b"<item><title>js</title><link>javascript:alert(1)</link><description>a</description></item>"
        b"<item><title>file</title><link>file:///etc/passwd</link><description>b</description>"
        b"</item></channel></rss>"
    )
    result = read_bytes(data, "odd.xml")
    assert result.rejects == []
    js, local = result.articles
    assert js.url == "javascript:alert(1)"
    assert local.url.startswith("file:") and local.url.endswith("etc/passwd")
