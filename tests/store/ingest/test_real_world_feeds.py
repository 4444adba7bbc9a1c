"""Feeds as real publishers write them: HTML entities, channels without items, the charset
named by the server. None of these is a reject: rejects are for what really lost data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.feed_server import FeedServer

from store.ingest.feeds import numeric_entities
from store.ingest.fetch import FeedRequest, fetch_feed
from store.ingest.reader import read_bytes

ENTITIES_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Caf&eacute; Wire&nbsp;&mdash; World</title>
<link>https://wire.example/</link>
<item><title>Z&uuml;rich votes&hellip; and S&atilde;o Paulo &ndash; waits</title>
<link>https://wire.example/1</link><guid>w1</guid>
<description>Voters in Z&uuml;rich&nbsp;went to the polls &laquo;early&raquo;.</description>
</item></channel></rss>"""
ENTITIES_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>K&ouml;lner Nachrichten</title>
<id>urn:koeln</id><updated>2025-03-03T10:00:00Z</updated>
<entry><title>Dom&nbsp;ge&ouml;ffnet</title><id>urn:koeln:1</id>
<updated>2025-03-03T10:00:00Z</updated><link href="https://koeln.example/1"/>
<summary>Der Dom ist wieder ge&ouml;ffnet &ndash; seit Montag.</summary></entry></feed>"""
CHANNEL_ONLY = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Nachrichten aus K&ouml;ln</title>
<link>https://koeln.example/</link><description>Noch nichts</description></channel></rss>"""
CDATA_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Quoted</title><guid>c1</guid><link>https://c.example/1</link>
<description><![CDATA[<p>Code: <code>&amp;nbsp;</code> and&nbsp;space</p>]]></description>
</item></channel></rss>"""
UNDEFINED = ENTITIES_RSS.replace(b"&mdash;", b"&notanentity;")


def test_html_entities_are_their_characters_and_no_reject() -> None:
    result = read_bytes(ENTITIES_RSS, "wire.xml")
    assert result.rejects == []
    [article] = result.articles
    assert article.title == "Zürich votes… and São Paulo \u2013 waits"
    assert "Zürich\xa0went to the polls «early»" in (article.body or article.summary or "")
    assert result.feed_title == "Café Wire\xa0— World"


def test_atom_with_html_entities_reads_cleanly() -> None:
    result = read_bytes(ENTITIES_ATOM, "koeln.atom")
    assert result.rejects == []
    assert [a.title for a in result.articles] == ["Dom geöffnet"]  # spaces made plain


def test_a_channel_without_items_is_a_feed_with_no_articles() -> None:
    result = read_bytes(CHANNEL_ONLY, "empty.xml")
    assert result.rejects == []
    assert result.articles == []
    assert result.feed_title == "Nachrichten aus Köln"


def test_cdata_is_left_as_written() -> None:
    assert numeric_entities(CDATA_RSS) == CDATA_RSS  # its one entity is inside CDATA
    assert read_bytes(CDATA_RSS, "cdata.xml").rejects == []


def test_an_entity_no_html_defines_is_still_malformed_xml() -> None:
    result = read_bytes(UNDEFINED, "undefined.xml")
    assert len(result.articles) == 1
    [reject] = result.rejects
    assert reject.reason.startswith("malformed XML, kept what parsed")


LATIN1_RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Presse</title>'
    "<item><title>Élection à Genève</title><guid>g1</guid><link>https://g.example/1</link>"
    "<description>Le résultat est tombé.</description></item></channel></rss>"
).encode("latin-1")


@pytest.mark.parametrize(
    "content_type", ["application/rss+xml; charset=ISO-8859-1", "text/xml; charset=latin-1"]
)
def test_the_charset_the_server_names_is_how_the_feed_is_read(
    feed_server: FeedServer, content_type: str
) -> None:
    url = feed_server.serve("/presse.xml", LATIN1_RSS, content_type=content_type)
    outcome = fetch_feed(FeedRequest(url), timeout=5.0, retries=0)
    assert outcome.status == "ok", outcome.error
    assert outcome.result.rejects == []
    [article] = outcome.result.articles
    assert article.title == "Élection à Genève"


def test_without_a_charset_the_feeds_own_declaration_stands(feed_server: FeedServer) -> None:
    declared = LATIN1_RSS.replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="iso-8859-1"?>'
    )
    url = feed_server.serve("/declared.xml", declared, content_type="application/rss+xml")
    outcome = fetch_feed(FeedRequest(url), timeout=5.0, retries=0)
    assert [a.title for a in outcome.result.articles] == ["Élection à Genève"]
    assert outcome.result.rejects == []


def test_importing_a_feed_with_entities_exits_0(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    feed = tmp_path / "wire.xml"
    feed.write_bytes(ENTITIES_RSS)
    store = tmp_path / "articles.json"
    command = [sys.executable, "-m", "tui", "import", "--db", str(store), str(feed)]
    done = subprocess.run(command, env=subprocess_env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 added" in done.stdout and "0 rejected" in done.stdout, done.stdout
