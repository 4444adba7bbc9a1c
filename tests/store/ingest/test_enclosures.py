"""Enclosures of feed items: read from RSS, Atom, Media RSS and JSON Feed, made safe, kept
idempotently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.article import ENCLOSURES, Article
from store.enclosures import MAX_ENCLOSURES, byte_length, duration_seconds, mime_type
from store.ingest.enclosures import clean_enclosures
from store.ingest.importer import import_into
from store.ingest.reader import read_bytes
from store.storage.library import open_store

_RSS_NAMESPACES = (
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:media="http://search.yahoo.com/mrss/"'
)


def _rss(item_xml: str, title: str = "Episode 12") -> bytes:
    item = (
        f"<item><title>{title}</title><link>https://pod.example/12</link>"
        f"<guid>https://pod.example/12</guid><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate>"
        f"<description>Show notes.</description>{item_xml}</item>"
    )
    channel = f"<channel><title>Pod</title><link>https://pod.example/</link>{item}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0" {_RSS_NAMESPACES}>{channel}</rss>'.encode()


def _one(data: bytes, source: str = "https://pod.example/feed.xml") -> Article:
    result = read_bytes(data, source)
    assert result.rejects == [], result.rejects
    assert len(result.articles) == 1
    return result.articles[0]


def _enclosures(data: bytes, source: str = "https://pod.example/feed.xml") -> list[dict]:
    return list(_one(data, source).extra.get(ENCLOSURES, []))


# --- the formats ------------------------------------------------------------------------------


def test_rss_enclosure_with_itunes_duration() -> None:
    found = _enclosures(
        _rss(
            '<enclosure url="https://cdn.example/ep12.mp3" type="audio/mpeg" length="38100000"/>'
            "<itunes:duration>42:10</itunes:duration>"
        )
    )
    assert found == [
        {"url": "https://cdn.example/ep12.mp3", "type": "audio/mpeg", "length": 38100000,
         "duration": 2530}
    ]  # fmt: skip


def test_media_content_fills_in_what_the_enclosure_left_out_and_adds_its_own() -> None:
    found = _enclosures(
        _rss(
            '<enclosure url="https://cdn.example/ep12.mp3" type="audio/mpeg" length="0"/>'
            '<media:content url="https://cdn.example/ep12.mp3" fileSize="1234" duration="61"/>'
            '<media:content url="https://cdn.example/clip.mp4" type="video/mp4" duration="5"/>'
        )
    )
    assert found == [
        {"url": "https://cdn.example/ep12.mp3", "type": "audio/mpeg", "length": 1234,
         "duration": 61},
        {"url": "https://cdn.example/clip.mp4", "type": "video/mp4", "duration": 5},
    ]  # fmt: skip


def test_a_relative_enclosure_url_is_resolved_against_the_feed() -> None:
    found = _enclosures(_rss('<enclosure url="/img/cover.jpg" type="image/jpeg"/>'))
    assert found == [{"url": "https://pod.example/img/cover.jpg", "type": "image/jpeg"}]


def test_atom_link_rel_enclosure() -> None:
    data = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b"<entry><id>urn:uuid:1</id><title>Talk</title><updated>2025-03-03T10:00:00Z</updated>"
        b'<link href="https://talks.example/1"/>'
        b'<link rel="enclosure" href="https://talks.example/1.ogg" type="audio/ogg" length="77"/>'
        b"<summary>A talk.</summary></entry></feed>"
    )
    article = _one(data)
    assert article.url == "https://talks.example/1"
    assert article.extra[ENCLOSURES] == [
        {"url": "https://talks.example/1.ogg", "type": "audio/ogg", "length": 77}
    ]


def _json_feed(attachments: object) -> bytes:
    item = {"id": "1", "title": "Episode", "content_text": "Notes.", "attachments": attachments}
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Pod",
        "feed_url": "https://pod.example/feed.json",
        "items": [item],
    }
    return json.dumps(feed).encode()


def test_json_feed_attachments() -> None:
    article = _one(
        _json_feed(
            [
                {"url": "https://cdn.example/1.m4a", "mime_type": "audio/x-m4a",
                 "size_in_bytes": 89970236, "duration_in_seconds": 3600.4},
                {"url": "/1.jpg", "mime_type": "image/jpeg"},
            ]
        ),
        "feed.json",
    )  # fmt: skip
    assert article.extra[ENCLOSURES] == [
        {"url": "https://cdn.example/1.m4a", "type": "audio/x-m4a", "length": 89970236,
         "duration": 3600},
        {"url": "https://pod.example/1.jpg", "type": "image/jpeg"},
    ]  # fmt: skip
    assert "jsonfeed_attachments" not in article.extra


def test_an_item_without_enclosures_has_no_field() -> None:
    assert ENCLOSURES not in _one(_rss("")).extra
    assert ENCLOSURES not in _one(_json_feed([]), "feed.json").extra


def test_a_json_article_files_own_enclosures_are_cleaned() -> None:
    record = {
        "id": "x",
        "title": "T",
        "body": "B.",
        "enclosures": [
            {"url": "javascript:alert(1)", "type": "audio/mpeg"},
            {"url": "https://a.example/x.mp3", "type": "AUDIO/MPEG; rate=44100", "length": "12"},
        ],
    }
    article = _one(json.dumps([record]).encode(), "in.json")
    assert article.extra[ENCLOSURES] == [
        {"url": "https://a.example/x.mp3", "type": "audio/mpeg", "length": 12}
    ]


# --- hostile values ---------------------------------------------------------------------------


def test_hostile_enclosures_are_dropped_or_cleaned_and_the_item_still_imports() -> None:
    article = _one(
        _rss(
            '<enclosure url="javascript:alert(1)" type="audio/mpeg" length="5"/>'
            '<enclosure url="data:audio/mpeg;base64,AAAA" type="audio/mpeg"/>'
            '<enclosure url="file:///etc/passwd" type="text/plain"/>'
            '<enclosure type="audio/mpeg" length="5"/>'
            '<enclosure url="https://cdn.example/a.mp3" type="audio/mpeg [31m" length="-5"/>'
            "<itunes:duration>soon</itunes:duration>"
            '<enclosure url="https://cdn.example/b.mp3" type="[bold]x[/bold]" length="1e99"/>'
            '<enclosure url="https://cdn.example/c.mp3" length="99999999999999999999"/>'
        )
    )
    assert article.title == "Episode 12"
    assert article.extra[ENCLOSURES] == [
        {"url": "https://cdn.example/a.mp3"},
        {"url": "https://cdn.example/b.mp3"},
        {"url": "https://cdn.example/c.mp3"},
    ]


def test_escape_sequences_in_type_and_duration_are_cleaned() -> None:
    attachments = [
        {"url": "https://cdn.example/a.mp3", "mime_type": "audio/mpeg\x1b[2J\x1b]0;owned\x07",
         "duration_in_seconds": "\x9b31m42:10", "size_in_bytes": -1},
        {"url": "https://cdn.example/b.mp3", "mime_type": "audio/\u202empeg",
         "duration_in_seconds": "4\x1b[1m2:10\x1b[0m", "size_in_bytes": 10**20},
    ]  # fmt: skip
    article = _one(_json_feed(attachments), "feed.json")
    assert article.extra[ENCLOSURES] == [
        {"url": "https://cdn.example/a.mp3", "type": "audio/mpeg", "duration": 2530},
        {"url": "https://cdn.example/b.mp3", "type": "audio/mpeg", "duration": 2530},
    ]


def test_an_item_whose_enclosures_are_all_malformed_still_imports() -> None:
    article = _one(_rss('<enclosure url="javascript:alert(1)"/><enclosure url="   "/>'))
    assert article.title == "Episode 12"
    assert ENCLOSURES not in article.extra


@pytest.mark.parametrize(
    "attachments",
    [
        "not a list",
        [1, None, "x", [], {"url": 5}, {"url": ["https://a.example/"]}],
        [{"url": "https://a.example/x\x1b]8;;evil\x07.mp3"}],
        [{"url": "https://a.example/\u202ex.mp3"}],
        [{"url": "https://" + "a" * 5000 + ".example/x.mp3"}],
    ],
)
def test_malformed_json_feed_attachments_are_dropped_not_the_item(attachments: object) -> None:
    article = _one(_json_feed(attachments), "feed.json")
    assert article.title == "Episode"
    assert ENCLOSURES not in article.extra


def test_enclosures_are_capped_per_article() -> None:
    many = [{"url": f"https://a.example/{n}.jpg", "type": "image/jpeg"} for n in range(100)]
    kept = clean_enclosures(many)
    assert len(kept) == MAX_ENCLOSURES
    assert kept[0]["url"] == "https://a.example/0.jpg"


def test_urls_are_made_safe_as_other_links_are() -> None:
    kept = clean_enclosures([{"url": " https://a.example/my episode.mp3 "}])
    assert kept == [{"url": "https://a.example/my%20episode.mp3"}]


def test_cleaning_is_idempotent() -> None:
    once = clean_enclosures(
        [
            {"href": "https://a.example/é x.mp3", "mime_type": "Audio/MPEG", "filesize": "10",
             "duration": "1:02:03"},
            {"url": "https://b.example/y.mp4", "duration_in_seconds": 2.6},
        ]
    )  # fmt: skip
    assert once == [
        {"url": "https://a.example/%C3%A9%20x.mp3", "type": "audio/mpeg", "length": 10,
         "duration": 3723},
        {"url": "https://b.example/y.mp4", "duration": 3},
    ]  # fmt: skip
    assert clean_enclosures(once) == once


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("42:10", 2530),
        ("1:02:03", 3723),
        ("01:02:03", 3723),
        ("75:30", 4530),
        ("3600", 3600),
        ("3600.6", 3601),
        (" 90 ", 90),
        (125, 125),
        (12.4, 12),
        ("0", None),
        ("", None),
        ("soon", None),
        ("1:75:30", None),
        ("10:61", None),
        ("-5", None),
        ("1:2:3:4", None),
        ("\uff11\uff12", None),  # fullwidth digits
        (-3, None),
        (float("nan"), None),
        (float("inf"), None),
        (10**400, None),
        (True, None),
        (None, None),
        ("99999999", None),
        ("\x1b[31m12", 12),  # cleaned first
    ],
)
def test_duration_is_normalised_to_seconds(value: object, seconds: int | None) -> None:
    assert duration_seconds(value) == seconds


@pytest.mark.parametrize(
    ("value", "length"),
    [
        ("38100000", 38100000),
        (12, 12),
        (" 7 ", 7),
        ("0", None),
        (0, None),
        ("-5", None),
        (-5, None),
        ("1.5", None),
        (1.5, None),
        ("9" * 5000, None),
        (10**13, None),
        (True, None),
        ("big", None),
    ],
)
def test_length_is_a_positive_int_or_absent(value: object, length: int | None) -> None:
    assert byte_length(value) == length


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("audio/mpeg", "audio/mpeg"),
        ("Video/MP4; codecs=avc1", "video/mp4"),
        ("application/vnd.apple.mpegurl", "application/vnd.apple.mpegurl"),
        ("audio/mpeg\x1b[2J", "audio/mpeg"),
        ("[red]audio[/red]", ""),
        ("mp3", ""),
        ("audio/mpeg extra words", ""),
        ("audio/" + "x" * 200, ""),
        (5, ""),
    ],
)
def test_type_is_a_clean_mime_type_or_empty(value: object, kind: str) -> None:
    assert mime_type(value) == kind


# --- in the store -----------------------------------------------------------------------------


def test_the_same_item_with_the_same_enclosures_again_is_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "articles"
    feed = _rss(
        '<enclosure url="https://cdn.example/ep12.mp3" type="audio/mpeg" length="38100000"/>'
        '<media:content url="https://cdn.example/ep12.jpg" type="image/jpeg"/>'
        "<itunes:duration>42:10</itunes:duration>"
    )
    first = import_into(store, read_bytes(feed, "https://pod.example/feed.xml"))
    assert (first.added, first.updated, first.unchanged) == (1, 0, 0)
    again = import_into(store, read_bytes(feed, "https://pod.example/feed.xml"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    [stored] = open_store(store).articles
    assert [e["url"] for e in stored.extra[ENCLOSURES]] == [
        "https://cdn.example/ep12.mp3",
        "https://cdn.example/ep12.jpg",
    ]
    changed = feed.replace(b'length="38100000"', b'length="38200000"')
    assert import_into(store, read_bytes(changed, "https://pod.example/feed.xml")).updated == 1


def test_a_json_export_of_enclosures_imports_back_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "articles"
    feed = _rss('<enclosure url="https://cdn.example/é.mp3" type="audio/mpeg" length="9"/>')
    import_into(store, read_bytes(feed, "https://pod.example/feed.xml"))
    exported = json.dumps([a.to_document() for a in open_store(store).articles]).encode()
    again = import_into(store, read_bytes(exported, "export.json"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
