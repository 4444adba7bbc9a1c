"""What reaches a remote reader's terminal from article text: every 8-bit control, every bidi
control, and the Unicode line separators, in each field an article can carry."""

from __future__ import annotations

import pytest

from store.sanitize import clean_line, clean_text

C1 = "".join(map(chr, range(0x80, 0xA0)))
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("char", list(C1), ids=lambda c: f"U+{ord(c):04X}")
def test_every_c1_control_goes(char: str) -> None:
    # The newline ends whatever sequence the control starts (CSI, OSC, DCS, ...).
    assert clean_text(f"a{char}\nb") == "a\nb"


@pytest.mark.parametrize("char", list(BIDI), ids=lambda c: f"U+{ord(c):04X}")
def test_every_bidi_override_and_isolate_goes(char: str) -> None:
    assert clean_line(f"invoice{char}gnp.exe") == "invoicegnp.exe"


def test_line_and_paragraph_separators_become_newlines() -> None:
    assert clean_text("one\u2028two\u2029three") == "one\ntwo\n\nthree"
    assert clean_line("one\u2028two\u2029three") == "one two three"


@pytest.mark.parametrize(
    "field",
    ["https://example.com/a\x1b]52;c;QQ==\x07b", "tag\x9d0;t\x9cs", "Ann\u202e Writer"],
)
def test_one_line_fields_lose_their_sequences(field: str) -> None:
    cleaned = clean_line(field)
    assert not set(cleaned) & set(C1 + BIDI + "\x1b\x07")
    assert "52;c;" not in cleaned and "0;t" not in cleaned
