"""The reading state's journal: appended changes, torn lines, folds, other processes."""

from __future__ import annotations

from pathlib import Path

from store.reading import STATE_TABLE, ReadingState, fold_journal, journal
from store.reading.journal import journal_path
from store.storage.atomic import read_tables


def test_a_mark_appends_one_line_and_leaves_the_snapshot_alone(tmp_path: Path) -> None:
    path = tmp_path / "articles.state.json"
    state = ReadingState(path)
    state.toggle_star("a")
    state.set_read("b")

    lines = journal_path(path).read_bytes().splitlines()
    assert len(lines) == 2
    assert not path.exists(), "the snapshot is written only by a fold"
    again = ReadingState(path)
    assert again.is_starred("a") and again.is_read("b")


def test_a_torn_last_line_is_ignored_and_cut_off_by_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    ReadingState(path).toggle_star("a")
    with journal_path(path).open("ab") as file:  # a writer killed mid-append
        file.write(b'{"id": "b", "star')

    state = ReadingState(path)
    assert state.is_starred("a") and not state.is_starred("b")
    state.toggle_read("c")

    lines = journal_path(path).read_bytes().splitlines()
    assert [line.startswith(b'{"id":"') for line in lines] == [True, True]
    again = ReadingState(path)
    assert again.is_starred("a") and again.is_read("c")


def test_a_line_edited_into_nonsense_is_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    ReadingState(path).toggle_star("a")
    with journal_path(path).open("ab") as file:
        file.write(b"not json\n[1, 2]\n")
    ReadingState(path).toggle_star("b")

    again = ReadingState(path)
    assert again.error is None
    assert again.is_starred("a") and again.is_starred("b")


def test_the_journal_is_folded_once_it_outgrows_the_snapshot(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(journal, "FOLD_AT_LEAST_BYTES", 1_000)
    path = tmp_path / "state.json"
    state = ReadingState(path)
    for i in range(40):
        state.toggle_star(f"article-{i}")

    assert path.exists(), "folded into the snapshot"
    assert journal_path(path).stat().st_size < 1_000
    docs = read_tables(path)[STATE_TABLE]
    assert len(docs) > 10
    again = ReadingState(path)
    assert all(again.is_starred(f"article-{i}") for i in range(40))


def test_a_fold_by_another_process_is_noticed_before_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mine, theirs = ReadingState(path), ReadingState(path)
    mine.toggle_star("a")
    theirs.toggle_read("b")
    fold_journal(path)  # as another process's fold would
    theirs.toggle_read("c")

    mine.toggle_star("d")

    assert mine.is_read("b") and mine.is_read("c"), "it read what the others wrote"
    again = ReadingState(path)
    assert all(
        (again.is_starred("a"), again.is_read("b"), again.is_read("c"), again.is_starred("d"))
    )


def test_replaying_a_journal_already_folded_changes_nothing(tmp_path: Path) -> None:
    """A fold killed between writing the snapshot and emptying the journal."""
    path = tmp_path / "state.json"
    state = ReadingState(path)
    state.toggle_star("a")
    state.toggle_read("a")
    kept = journal_path(path).read_bytes()
    fold_journal(path)
    journal_path(path).write_bytes(kept)

    again = ReadingState(path)
    assert again.is_starred("a") and again.is_read("a")
    assert again.toggle_star("a") is False
    assert not ReadingState(path).is_starred("a")
