"""A hostile feed reaches the reader's terminal as text only: checked on the bytes written.

The feed's titles, bodies, links, authors, tags and channel name carry OSC 52 clipboard
writes, OSC 0 title changes, CSI screen clears and cursor moves, bracketed-paste toggles, C1
controls and bidi overrides. It is imported with ``newsdesk import``; the app then runs in a
pseudo-terminal (``support.pty_app``) while a reader moves onto the article, opens it and opens the
dialogs that show its text (links, export, tags, entity facets). Every byte the app wrote is
kept and searched: none of the payloads may be in it, and sequences the app itself also
writes (a screen clear at start, bracketed paste) may appear no more often than in a run on
the same feed without payloads.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from support.pty_app import PtyApp
from support.terminal import Reader, newsdesk_script

pytestmark = pytest.mark.e2e

ESC, BEL = "\x1b", "\x07"
SIZE = (120, 30)
"""Wide enough for the list and the reading pane side by side."""

PAYLOADS = {
    "osc52-title": f"{ESC}]52;c;VElUTEVDTElQ{BEL}",
    "osc52-body": f"{ESC}]52;c;Qk9EWUNMSVA={ESC}\\",
    "osc52-link": f"{ESC}]52;c;TElOS0NMSVA={BEL}",
    "osc0-title": f"{ESC}]0;PWNEDTITLE{BEL}",
    "osc0-channel": f"{ESC}]0;CHANNELTITLE{BEL}",
    "osc0-tag": f"{ESC}]0;TAGTITLE{BEL}",
    "clear": f"{ESC}[2J",
    "home": f"{ESC}[H",
    "paste-on": f"{ESC}[?2004h",
    "paste-off": f"{ESC}[?2004l",
    "c1-csi": "\x9b2J",
    "c1-osc": "\x9d0;CONETITLE\x9c",
    "bidi": "\u202e",
    "isolates": "\u2066\u2067\u2068\u2069",
}
SECRETS = ("VElUTEVDTElQ", "Qk9EWUNMSVA", "TElOS0NMSVA", "PWNEDTITLE", "CHANNELTITLE", "TAGTITLE")
SECRETS += ("CONETITLE",)
"""Text that only exists inside a payload: it must go with its sequence."""
APP_ALSO_WRITES = (f"{ESC}[2J", f"{ESC}[H", f"{ESC}[?2004h", f"{ESC}[?2004l", f"{ESC}]0;")
UNSAFE_CHARS = re.compile("[\u0080-\u009f\u202a-\u202e\u2066-\u2069]")


def _feed(payload: Callable[[str], str]) -> str:
    """An RSS 2.0 feed of one article; ``payload(name)`` is put between its words."""
    title = f"Quake{payload('osc52-title')} hits{payload('osc0-title')} the coast"
    title += f"{payload('clear')}{payload('home')} town {payload('bidi')}today{payload('c1-csi')}"
    body = (
        f"<p>First{payload('osc52-body')} paragraph{payload('paste-on')} here"
        f"{payload('paste-off')}.</p><p>Second {payload('isolates')}paragraph"
        f"{payload('c1-osc')} ends.</p>"
    )
    link = f"https://example.com/story{payload('osc52-link')}"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire{payload("osc0-channel")} News</title>
<link>https://example.com/</link>
<item><title>{escape(title)}</title><link>{escape(link)}</link>
<author>ann@example.com (Ann{payload("clear")} Writer{payload("bidi")})</author>
<category>quake{payload("osc0-tag")}s</category>
<pubDate>Mon, 03 Mar 2025 08:00:00 +0000</pubDate>
<description>{escape(body)}</description></item></channel></rss>
"""


def _json_line(payload: Callable[[str], str]) -> str:
    """The same attack through JSON Lines, which carries C1 controls as they are (feedparser
    turns some into their Windows-1252 characters)."""
    return json.dumps(
        {
            "id": "jsonl-attack",
            "title": f"Flood{payload('c1-csi')} warning{payload('c1-osc')} issued",
            "source": f"Wire{payload('bidi')} Desk",
            "published": "2025-03-02T08:00:00+00:00",
            "body": f"River{payload('osc52-body')} rising {payload('isolates')}fast.",
        }
    )


def _store(folder: Path, env: dict[str, str], hostile: bool) -> Path:
    """A store imported from the feed (with or without its payloads)."""
    folder.mkdir()

    def payload(name: str) -> str:
        return PAYLOADS[name] if hostile else ""

    feed, lines = folder / "feed.xml", folder / "more.jsonl"
    feed.write_text(_feed(payload), encoding="utf-8")
    lines.write_text(_json_line(payload) + "\n", encoding="utf-8")
    store = folder / "articles.json"
    command = [newsdesk_script(), "import", "--db", str(store), str(feed), str(lines)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    # A raw ESC makes the XML malformed: the reader keeps what parsed (exit 1, partial).
    assert done.returncode in (0, 1), done.stderr
    assert "2 added" in done.stdout, done.stdout + done.stderr
    return store


def _session_bytes(store: Path, env: dict[str, str]) -> bytes:
    """Everything the app writes while a reader looks at both articles and their dialogs."""
    app = PtyApp([newsdesk_script(), "--db", str(store)], env, SIZE)
    try:
        app.wait_for("Quake")
        app.settle()
        for key in (b"j", b"k", b"\r", b"L", b"\x1b", b"x", b"\x1b", b"t", b"\x1b", b"\x1b"):
            app.key(key, quiet=0.6)
        for key in (b"e", b"e", b"j", b"\r", b"\x1b"):
            app.key(key, quiet=0.6)
        app.wait_for("River")  # the second article, previewed
        app.key(b"q")
        app.proc.wait(timeout=10)
        return app.output
    finally:
        app.close()


def test_hostile_feed_writes_no_control_sequence_to_the_terminal(
    tmp_path: Path,
    reader: Reader,
) -> None:
    env = reader.env
    clean = _session_bytes(_store(tmp_path / "clean", env, hostile=False), env)
    hostile = _session_bytes(_store(tmp_path / "hostile", env, hostile=True), env)
    text = hostile.decode("utf-8", errors="replace")

    assert "Quake" in text and "the coast" in text and "First" in text, "the article was shown"
    for secret in SECRETS:
        assert secret.encode() not in hostile, f"{secret} reached the terminal"
    assert b"]52;" not in hostile, "no clipboard write at all (y was never pressed)"
    for sequence in APP_ALSO_WRITES:
        assert hostile.count(sequence.encode()) <= clean.count(sequence.encode()), repr(sequence)
    found = sorted({f"U+{ord(char):04X}" for char in UNSAFE_CHARS.findall(text)})
    assert not found, f"C1 or bidi controls written: {found}"
