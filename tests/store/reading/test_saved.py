"""Saved searches in the reading-state file: saving, replacing, deleting, bad input."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from store.reading import ReadingState
from store.reading.saved import MAX_NAME, SavedSearches


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "articles.state.json"


def test_saved_in_order_and_read_back(path: Path) -> None:
    saved = SavedSearches(path)
    saved.save("Gaza", "gaza -sport")
    saved.save("  Wires  news ", "source:reuters OR source:ap")
    again = SavedSearches(path)
    assert [(s.name, s.query) for s in again.all()] == [
        ("Gaza", "gaza -sport"),
        ("Wires news", "source:reuters OR source:ap"),
    ]


def test_a_name_saved_again_is_replaced_and_moves_last(path: Path) -> None:
    saved = SavedSearches(path)
    saved.save("A", "alpha")
    saved.save("B", "beta")
    saved.save("A", "gamma")
    assert [(s.name, s.query) for s in SavedSearches(path).all()] == [("B", "beta"), ("A", "gamma")]


def test_delete(path: Path) -> None:
    saved = SavedSearches(path)
    saved.save("A", "alpha")
    saved.save("B", "beta")
    saved.delete("A")
    saved.delete("nope")
    assert [s.name for s in SavedSearches(path).all()] == ["B"]


def test_two_processes_saving_keep_both(path: Path) -> None:
    first, second = SavedSearches(path), SavedSearches(path)
    first.save("A", "alpha")
    second.save("B", "beta")
    assert [s.name for s in SavedSearches(path).all()] == ["A", "B"]


def test_reading_state_and_saved_searches_share_the_file(path: Path) -> None:
    state = ReadingState(path)
    state.set_read("x")
    SavedSearches(path).save("A", "alpha")
    state.toggle_star("x")
    assert ReadingState(path).is_read("x") and ReadingState(path).is_starred("x")
    assert [s.name for s in SavedSearches(path).all()] == ["A"]
    assert set(orjson.loads(path.read_bytes())) == {"state", "searches"}


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", "gaza", "a saved search needs a name"),
        ("   ", "gaza", "a saved search needs a name"),
        ("x" * (MAX_NAME + 1), "gaza", f"names are at most {MAX_NAME} characters"),
        ("A", "", "nothing to save"),
        ("A", "gaza)", "not saved: unmatched ) (at character 5)"),
        ("A", "is:maybe", "not saved: is: takes read, unread, starred"),
    ],
)
def test_bad_names_and_queries_are_refused(path: Path, name: str, query: str, message: str) -> None:
    saved = SavedSearches(path)
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        saved.save(name, query)
    assert not path.exists()


def test_a_corrupt_file_is_left_alone_and_searches_live_in_memory(path: Path) -> None:
    path.write_bytes(b"{not json")
    saved = SavedSearches(path)
    assert saved.error is not None and saved.error.startswith("saved searches not saved:")
    saved.save("A", "alpha")
    assert [s.name for s in saved.all()] == ["A"]
    assert path.read_bytes() == b"{not json"


def test_malformed_entries_are_skipped(path: Path) -> None:
    path.write_bytes(
        orjson.dumps({"searches": {"1": {"name": "ok", "query": "a"}, "2": {"name": 3}, "3": []}})
    )
    assert [s.name for s in SavedSearches(path).all()] == ["ok"]
