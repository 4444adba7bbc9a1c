"""Search hits found a part of a text at a time are the hits found in the whole text."""

from __future__ import annotations

import pytest

from store.query.highlight import hit_spans, without_overlaps
from store.query.nodes import Text as Term

TEXT = "Rent rose. The rent cap\nfailed; rent cap talks resume, and renters wait. " * 40


def _in_parts(text: str, terms: list[Term], size: int) -> list[tuple[int, int]]:
    hits: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = text.find(" ", start + size)
        end = len(text) if end < 0 else end
        hits.extend(hit_spans(text, terms, "body", start, end))
        start = end
    return without_overlaps(hits)


@pytest.mark.parametrize("size", [1, 7, 30, 500])
@pytest.mark.parametrize(
    "terms",
    [
        [Term(("rent",))],
        [Term(("rent", "cap"))],
        [Term(("rent", "cap", "talks")), Term(("rent",), prefix=True)],
    ],
)
def test_parts_find_what_the_whole_text_finds(terms: list[Term], size: int) -> None:
    whole = hit_spans(TEXT, terms, "body")
    assert whole
    assert _in_parts(TEXT, terms, size) == whole


def test_a_part_holds_only_hits_that_start_in_it_phrases_running_past_its_end() -> None:
    text = "one rent cap two"
    terms = [Term(("rent", "cap"))]
    assert hit_spans(text, terms, "body", 0, text.index("cap")) == [(4, 12)]
    assert hit_spans(text, terms, "body", text.index("cap"), len(text)) == []
