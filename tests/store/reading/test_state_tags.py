"""Reading state beyond read and starred: tags, last opened, bulk changes in one write,
undo that restores exactly what was there, and ``tag:`` matching the reader's own tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.article import Article
from store.config import Config
from store.query import parse_query
from store.reading import (
    STATE_TABLE,
    Edit,
    ReadingState,
    UndoHistory,
    UndoStep,
    clean_tag,
    fold_journal,
    parse_tag_change,
)
from store.reading import state as state_module
from store.reading.journal import Position
from store.session import Session, open_store_session
from store.storage.atomic import read_tables
from store.storage.library import create_store


def _article(i: int, tags: tuple[str, ...] = ()) -> Article:
    return Article(
        id=f"a{i}",
        title=f"Story number {i}",
        source="Wire",
        published=f"2025-01-{i + 1:02d}T08:00:00+00:00",
        body=f"Body {i}.",
        tags=tags,
    )


@pytest.fixture
def session(tmp_path: Path) -> Session:
    store = tmp_path / "articles.json"
    articles = [_article(0, ("World",)), *(_article(i) for i in range(1, 10))]
    create_store(store, articles)
    return open_store_session(store)


def found(session: Session, text: str) -> list[str]:
    return session.result_ids(session.search(parse_query(text)), parse_query(text))


def count_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every append to the reading state's journal, by the number of documents in it."""
    writes: list[int] = []
    real = state_module.append

    def counting(path: Path, position: Position, docs: list[object]) -> Position:
        writes.append(len(docs))
        return real(path, position, docs)  # type: ignore[arg-type]

    monkeypatch.setattr(state_module, "append", counting)
    return writes


# Tag names


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  climate  ", "climate"),
        ("two   words", "two words"),
        ("#hash", "hash"),
        ("bell\x07\x1b[31mred", "bellred"),
        ("a,b", "a b"),
        ("x" * 60, "x" * 40),
        (" - ", ""),
    ],
)
def test_tag_names_are_cleaned(typed: str, kept: str) -> None:
    assert clean_tag(typed) == kept


def test_typed_tags_add_and_remove() -> None:
    change = parse_tag_change("Climate, energy , -old, ,-, #x")
    assert change.add == ("Climate", "energy", "x")
    assert change.remove == ("old",)
    assert not parse_tag_change(" , ,")


# Tags in the state file


def test_tags_are_saved_deduplicated_by_case_and_accent(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path)
    state.apply({"a": Edit(add_tags=("Café", "news"))})
    state.apply({"a": Edit(add_tags=("cafe", "NEWS", "more"))})
    state.apply({"b": Edit(add_tags=("news",))})
    assert state.tags_of("a") == ("Café", "news", "more")

    again = ReadingState(path)
    assert again.tags_of("a") == ("Café", "news", "more")
    assert again.known_tags() == [("news", 2), ("Café", 1), ("more", 1)]
    again.apply({"a": Edit(remove_tags=("CAFE",))})
    assert ReadingState(path).tags_of("a") == ("news", "more")


def test_tags_keep_the_read_and_star_flags(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path)
    state.set_read("a")
    state.toggle_star("a")
    state.apply({"a": Edit(add_tags=("x",))})
    again = ReadingState(path)
    assert again.is_read("a") and again.is_starred("a") and again.tags_of("a") == ("x",)


def test_a_tag_another_process_added_survives(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mine, theirs = ReadingState(path), ReadingState(path)
    mine.apply({"a": Edit(add_tags=("mine",))})
    theirs.apply({"a": Edit(add_tags=("theirs",))})
    undo = mine.apply({"a": Edit(add_tags=("later",))})
    assert mine.tags_of("a") == ("mine", "theirs", "later"), "the file's tags, not the cache"
    mine.apply(undo)
    assert ReadingState(path).tags_of("a") == ("mine", "theirs")


def test_opening_is_recorded(session: Session) -> None:
    session.config = Config(auto_mark_read=False)
    assert session.open_article("a1") is False
    assert not session.state.is_read("a1")
    assert session.state.opened("a1") is not None
    assert ReadingState(session.state.path).opened("a1") == session.state.opened("a1")
    assert len(session.history) == 0, "opening is no undo step"

    session.config = Config(auto_mark_read=True)
    assert session.open_article("a2") is True
    assert session.state.is_read("a2") and session.state.opened("a2") is not None


# Bulk changes


def test_mark_all_read_is_one_write(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    session.toggle_read("a3")
    writes = count_writes(monkeypatch)
    ids = found(session, "")
    assert session.mark_all_read(ids) == 9, "one was read already"
    assert writes == [9], "one append of the nine articles it changed"
    fold_journal(session.state.path)
    docs = read_tables(session.state.path)[STATE_TABLE].values()
    assert sorted(d["id"] for d in docs if d.get("read")) == sorted(ids)
    assert found(session, "is:unread") == []


def test_tag_all_is_one_write(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    writes = count_writes(monkeypatch)
    ids = found(session, "story")
    assert session.edit_tags(ids, parse_tag_change("batch, Later")) == 10
    assert writes == [10]
    assert all(ReadingState(session.state.path).tags_of(i) == ("batch", "Later") for i in ids)


def test_bulk_uses_the_whole_result_not_only_its_first_rows(session: Session) -> None:
    query = parse_query("story")
    first = session.search(query, first=3)
    assert len(first) == 3 and not first.complete
    assert len(session.result_ids(first, query)) == 10


# Undo


def test_undo_restores_exactly_what_each_article_had(session: Session) -> None:
    session.toggle_read("a1")  # read before the bulk change
    session.toggle_star("a2")
    session.mark_all_read(found(session, ""))
    step = session.undo()
    assert step is not None and step.label == "marked 9 read"
    state = session.state
    assert state.is_read("a1"), "read before, read after"
    assert [state.is_read(f"a{i}") for i in (0, 2, 3)] == [False, False, False]
    assert state.is_starred("a2")
    assert found(session, "is:unread") == [f"a{i}" for i in (9, 8, 7, 6, 5, 4, 3, 2, 0)]

    again = ReadingState(state.path)
    assert again.is_read("a1") and not again.is_read("a0") and again.is_starred("a2")


def test_undo_is_a_stack(session: Session) -> None:
    session.toggle_read("a1")
    session.toggle_star("a1")
    session.edit_tags(["a1", "a2"], parse_tag_change("x"))
    session.edit_tags(["a1"], parse_tag_change("-x, y"))
    labels = []
    while (step := session.undo()) is not None:
        labels.append(step.label)
    assert labels == [
        "tags +y -x on 1 article",
        "tags +x on 2 articles",
        "starred",
        "marked read",
    ]
    state = session.state
    assert not state.is_read("a1") and not state.is_starred("a1")
    assert state.tags_of("a1") == () and state.tags_of("a2") == ()
    assert session.undo() is None


def test_undoing_a_tag_keeps_tags_the_article_had(session: Session) -> None:
    session.edit_tags(["a1"], parse_tag_change("old"))
    session.edit_tags(["a1", "a2"], parse_tag_change("old, new"))
    session.undo()
    assert session.state.tags_of("a1") == ("old",)
    assert session.state.tags_of("a2") == ()


def test_changes_that_change_nothing_are_not_undo_steps(session: Session) -> None:
    session.mark_all_read(["a1"])
    session.mark_all_read(["a1"])
    assert len(session.history) == 1


def test_history_forgets_the_oldest_steps() -> None:
    history = UndoHistory(limit=3)
    for n in range(5):
        history.push(UndoStep(str(n), {"a": Edit({"read": True})}))
    assert [history.pop().label for _ in range(3)] == ["4", "3", "2"]  # type: ignore[union-attr]
    assert history.pop() is None


# tag: in queries


def test_tag_query_matches_reader_tags_and_article_tags(session: Session) -> None:
    session.edit_tags(["a1", "a2"], parse_tag_change("Zürich"))
    assert found(session, "tag:zurich") == ["a2", "a1"]
    assert found(session, "tag:world") == ["a0"], "the article's own tags still match"
    session.edit_tags(["a0"], parse_tag_change("zurich"))
    assert found(session, "tag:zurich") == ["a2", "a1", "a0"]
    assert found(session, "tag:zurich -tag:world") == ["a2", "a1"]
    assert found(session, "story tag:zurich") == ["a2", "a1", "a0"], "with words (FTS plan)"
    assert found(session, "tag:zur") == [], "exact unless being typed"
    typed = parse_query("tag:zur", typing=True)
    assert session.result_ids(session.search(typed), typed) == ["a2", "a1", "a0"]


def test_tag_query_follows_removal_undo_and_reopening(session: Session) -> None:
    session.edit_tags(["a1", "a2"], parse_tag_change("keep"))
    session.edit_tags(["a1"], parse_tag_change("-keep"))
    assert found(session, "tag:keep") == ["a2"]
    session.undo()
    assert found(session, "tag:keep") == ["a2", "a1"]
    session.index.close()
    reopened = open_store_session(session.store_path)
    assert found(reopened, "tag:keep") == ["a2", "a1"]


def test_unread_count_of_a_result(session: Session) -> None:
    rows = session.search(parse_query(""))
    assert session.unread_among(rows) == 10
    session.mark_all_read(["a1", "a2"])
    assert session.unread_among(rows) == 8
    session.undo()
    assert session.unread_among(rows) == 10


def _snapshot(session: Session) -> list[tuple[bool, bool, tuple[str, ...]]]:
    state = session.state
    ids = [f"a{i}" for i in range(10)]
    return [(state.is_read(i), state.is_starred(i), state.tags_of(i)) for i in ids]


@pytest.mark.parametrize("seed", range(5))
def test_undo_walks_back_through_every_state_exactly(session: Session, seed: int) -> None:
    """Random marks, stars, tags and bulk changes; undoing them one by one passes through
    every earlier state in reverse, on disk as in memory."""
    import random

    rng = random.Random(seed)
    ids = [f"a{i}" for i in range(10)]
    seen = [_snapshot(session)]
    for _ in range(25):
        some = rng.sample(ids, rng.randint(1, len(ids)))
        action = rng.choice(("m", "s", "t", "A", "T"))
        if action == "m":
            session.toggle_read(some[0])
        elif action == "s":
            session.toggle_star(some[0])
        elif action == "A":
            session.mark_all_read(some)
        else:
            typed = ", ".join(rng.sample(["x", "-x", "Y", "-y", "z"], 2))
            session.edit_tags(some[:1] if action == "t" else some, parse_tag_change(typed))
        if _snapshot(session) != seen[-1]:
            seen.append(_snapshot(session))
    while len(seen) > 1:
        assert session.undo() is not None
        seen.pop()
        assert _snapshot(session) == seen[-1]
    assert session.undo() is None
    session.state = ReadingState(session.state.path)
    assert _snapshot(session) == seen[0], "the file holds it too"
