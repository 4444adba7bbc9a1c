"""Make untrusted article text safe to show in a terminal.

Removes ANSI/VT escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC forms, in
their 7-bit and 8-bit spellings), every other C0 and C1 control character except newline and
tab, and Unicode bidirectional overrides that can make text display differently from what it
is. Newlines and tabs survive; tabs become spaces so cell widths stay predictable, and the
Unicode line and paragraph separators (U+2028, U+2029) become newlines. The invisible
characters that are part of what text says (``JOINERS``) are kept.
"""

from __future__ import annotations

import re

_STRING_SEQUENCE = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
_ESC = r"\x1b[ -/]*[0-~]?"
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
_BIDI = r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
_UNSAFE = re.compile("|".join((_STRING_SEQUENCE, _CSI, _ESC, _CONTROLS, _BIDI)))
# Every unsafe match starts with one of these; a single character-class scan finds out
# quickly (about 10x faster than the full pattern) that most text has none.
_ASCII_UNSAFE = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
"""The ASCII characters of ``_FIRST_UNSAFE`` (newline and tab are kept)."""
_FIRST_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)


JOINERS = re.compile(r"[\u200c\u200d\ufe00-\ufe0f\U000e0020-\U000e007f\U000e0100-\U000e01ef]")
"""Invisible characters that belong inside text, never stripped: the zero-width joiner and
non-joiner (emoji sequences such as 👩‍💻, words in Persian or Hindi), variation selectors
(the U+FE0F of 🏳️‍🌈) and the tag characters of subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿)."""


def is_joiner(char: str) -> bool:
    """Whether ``char`` is one of the ``JOINERS``: typed, it is text to keep."""
    return JOINERS.fullmatch(char) is not None


def clean_text(text: str) -> str:
    """Return ``text`` without escape sequences or control characters; keeps newlines."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if "\t" in text:
        text = text.replace("\t", "    ")
    if "\u2028" in text or "\u2029" in text:
        # Line and paragraph separators: Rich lays text out on "\n" only, so sent as they
        # are they would move the terminal's cursor (or not) behind the layout's back.
        text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    if _is_safe(text):
        return text
    return _UNSAFE.sub("", text)


def _is_safe(text: str) -> bool:
    """Whether ``text`` holds nothing ``clean_text`` removes (checked as bytes when it is
    ASCII: a fifth of the time, on every field of every article imported)."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_UNSAFE)) == len(raw)
    return _FIRST_UNSAFE.search(text) is None


def clean_line(text: str) -> str:
    """Like ``clean_text`` but for one-line fields: any whitespace run becomes one space."""
    return " ".join(clean_text(text).split())
