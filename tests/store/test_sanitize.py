"""clean_text / clean_line: untrusted article text made safe for a terminal."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.fold import fold
from store.reading import clean_tag
from store.sanitize import clean_line, clean_text, is_joiner

UNSAFE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

STRIPPED = {
    "csi-clear-screen": ("before\x1b[2Jafter", "beforeafter"),
    "csi-cursor-position": ("a\x1b[10;10Hb", "ab"),
    "csi-cursor-up": ("a\x1b[3Ab", "ab"),
    "sgr-colours": ("\x1b[1;31mred\x1b[0m and \x1b[38;5;196mmore\x1b[m", "red and more"),
    "osc52-bel": ("x\x1b]52;c;ZXZpbA==\x07y", "xy"),
    "osc52-st": ("x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"),
    "osc0-title": ("\x1b]0;pwned title\x07text", "text"),
    "osc8-hyperlink": ("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ here", "click here"),
    "bracketed-paste": ("\x1b[?2004hpasted\x1b[?2004l", "pasted"),
    "c1-csi": ("\x9b31mred\x9b0m", "red"),
    "c1-osc": ("a\x9d0;title\x9cb", "ab"),
    "c1-controls": ("a\x85b\x84c\x9cd\x80e", "abcde"),
    "dcs": ("\x1bPq#0;2;0;0;0#0~~-\x1b\\after", "after"),
    "c1-dcs": ("\x90$qm\x9cafter", "after"),
    "apc-pm-sos": ("1\x1b_apc\x1b\\2\x1b^pm\x1b\\3\x1bXsos\x1b\\4", "1234"),
    "two-byte-esc": ("\x1b7saved\x1b8\x1bc\x1b(B", "saved"),
    "nul-bel-backspace": ("a\x00b\x07c\x08d", "abcd"),
    "carriage-return-overwrite": ("safe\rEVIL", "safeEVIL"),
    "del": ("a\x7fb", "ab"),
    "vertical-tab-form-feed": ("a\x0bb\x0cc", "abc"),
    "bidi-override": ("invoice\u202egnp.exe", "invoicegnp.exe"),
    "bidi-isolates": ("\u2066a\u2067b\u2068c\u2069d", "abcd"),
    "bidi-marks": ("a\u200eb\u200fc\u061cd", "abcd"),
}


@pytest.mark.parametrize(("raw", "expected"), STRIPPED.values(), ids=STRIPPED.keys())
def test_clean_text_strips(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


KEPT = {
    "plain": "Israel said Sunday it was scaling up an offensive.",
    "newlines": "first line\nsecond line\n\nnew paragraph\n",
    "accents": "Zürich, café, naïve, São Paulo, Kraków",
    "emoji": "Good news 🎉👍🏽 family \U0001f469\u200d\U0001f467 flag 🇨🇭",
    "cjk": "東京で会議が開かれた。北京和首尔",
    "typography": "“Quoted” — dash… \u2019apostrophe\u2019 €5 ½",
    "rtl-text-without-overrides": "Hebrew שלום and Arabic مرحبا",
}


@pytest.mark.parametrize("text", KEPT.values(), ids=KEPT.keys())
def test_clean_text_keeps_safe_text(text: str) -> None:
    assert clean_text(text) == text


def test_crlf_becomes_newline() -> None:
    assert clean_text("one\r\ntwo\r\n") == "one\ntwo\n"


def test_tabs_become_spaces() -> None:
    cleaned = clean_text("col1\tcol2\n\tindented")

    assert "\t" not in cleaned
    assert cleaned == "col1    col2\n    indented"


def test_escape_inside_text_keeps_the_surrounding_words() -> None:
    raw = "Breaking: \x1b[2J\x1b[H\x1b]52;c;cm0gLXJmIH4=\x07markets \x1b[31mfell\x1b[0m today."

    assert clean_text(raw) == "Breaking: markets fell today."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Breaking:\n\tnews  \x1b[31mnow\x1b[0m  ", "Breaking: news now"),
        ("one\r\ntwo\n\nthree", "one two three"),
        ("\u202eevil\u202c title", "evil title"),
        ("", ""),
        (" \n\t ", ""),
        ("Zürich  café", "Zürich café"),
    ],
)
def test_clean_line_collapses_whitespace(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


# --- properties ----------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    ["\x1b", "\x1b[", "\x1b]", "\x1bP", "\x1b\\", "\x07", "\x9b", "\x9c", "\x9d", "\x90",
     "\r", "\r\n", "\n", "\t", "[", "]", ";", "0", "31m", "52;c;", "?2004h", "\u202e", "\u2066"]
)  # fmt: skip
_ANY_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=5)), max_size=25).map("".join)


@settings(max_examples=500, deadline=None)
@given(_ANY_TEXT)
def test_clean_text_never_leaves_control_characters(raw: str) -> None:
    cleaned = clean_text(raw)

    assert not UNSAFE_CONTROL.search(cleaned), repr(cleaned)
    assert not set(cleaned) & set(BIDI)
    assert clean_text(cleaned) == cleaned  # idempotent
    assert "\n" not in clean_line(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs"], exclude_characters=BIDI)))
def test_text_without_controls_passes_unchanged(text: str) -> None:
    assert clean_text(text) == text


def test_unterminated_osc_is_dropped_to_the_end_of_its_line_only() -> None:
    assert clean_text("before\x1b]0;evil title\nafter") == "before\nafter"


@pytest.mark.parametrize(
    "text",
    [
        "👩\u200d💻",  # zero-width joiner
        "🏳\ufe0f\u200d🌈",  # variation selector 16, joiner
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # tag characters
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # zero-width non-joiner, in Persian
    ],
)
def test_joiners_are_text_kept_by_cleaning_and_folding(text: str) -> None:
    assert clean_text(text) == clean_line(text) == clean_tag(text) == text
    assert fold(text) == fold(clean_tag(text)), "a tag is filed and searched alike"
    assert any(is_joiner(char) for char in text)
    assert clean_text(f"\u202e{text}\u2066\x07") == text, "bidi controls and controls are not"
    assert not any(is_joiner(char) for char in "\u202e\u2066\u200e\x07\x1b a")
