"""Group headers among result rows (day from the row id, local time; source runs) and the
rules of the reader's arrangement (order, grouping, unread only)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.article import Article
from store.config import Config
from store.index import SearchIndex
from store.index.groups import (
    NO_SOURCE_LABEL,
    UNDATED_LABEL,
    Group,
    Grouper,
    Lines,
    day_groups,
    day_label,
    local_date_text,
    local_day,
)
from store.index.rows import ResultRows
from store.index.schema import TIE_BITS, UNDATED, time_key
from store.query import parse_query
from store.query.nodes import And, Flag, Query
from store.reading import Arrangement
from store.storage.library import create_store


@pytest.fixture
def zone() -> Iterator[object]:
    """Run a test in a chosen local time zone (``zone("America/New_York")``)."""
    saved = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def keys(*published: str) -> list[int]:
    """Row ids as the index gives them (a tie counter on each), newest first."""
    return sorted((time_key(p) + i for i, p in enumerate(published)), reverse=True)


# --- lines: headers among rows ------------------------------------------------------------


def test_lines_put_a_header_before_each_group() -> None:
    lines = Lines(5, [Group(0, 2, "A"), Group(2, 3, "B")])
    assert len(lines) == 7
    drawn = [lines.at(line) for line in range(len(lines))]
    assert drawn == [Group(0, 2, "A"), 0, 1, Group(2, 3, "B"), 2, 3, 4]
    assert [lines.line_of(p) for p in range(5)] == [1, 2, 4, 5, 6]
    assert [lines.starts_group(p) for p in range(5)] == [True, False, True, False, False]


def test_a_header_line_resolves_to_the_row_below_it() -> None:
    lines = Lines(5, [Group(0, 2, "A"), Group(2, 3, "B")])
    assert lines.position_at(3) == 2
    assert lines.position_at(0) == 0
    assert lines.position_at(99) == 4
    assert lines.position_at(-5) == 0


def test_without_groups_lines_are_rows() -> None:
    lines = Lines(3)
    assert len(lines) == 3
    assert [lines.at(i) for i in range(3)] == [0, 1, 2]
    assert [lines.line_of(i) for i in range(3)] == [0, 1, 2]
    assert not lines.starts_group(0)


# --- day groups from row ids --------------------------------------------------------------


def test_days_come_from_row_ids_with_counts(zone) -> None:
    zone("UTC")
    rowids = keys(
        "2026-12-01T23:59:59+00:00",
        "2026-12-01T00:00:00+00:00",
        "2026-11-30T12:00:00+00:00",
        "2026-11-28T08:00:00+00:00",
        "2026-11-28T07:00:00+00:00",
        "2026-11-28T06:00:00+00:00",
    )
    groups = day_groups(rowids)
    assert [(g.label, g.start, g.count) for g in groups] == [
        ("Tuesday 1 December 2026", 0, 2),
        ("Monday 30 November 2026", 2, 1),
        ("Saturday 28 November 2026", 3, 3),
    ]


def test_undated_articles_form_the_last_group(zone) -> None:
    zone("UTC")
    undated = [UNDATED + 2, UNDATED + 1, UNDATED]
    groups = day_groups([*keys("2025-03-05T08:00:00+00:00"), *undated])
    assert [(g.label, g.start, g.count) for g in groups] == [
        ("Wednesday 5 March 2025", 0, 1),
        (UNDATED_LABEL, 1, 3),
    ]
    assert [(g.label, g.count) for g in day_groups(undated)] == [(UNDATED_LABEL, 3)]


def test_days_are_the_readers_local_days(zone) -> None:
    zone("America/New_York")  # UTC-5 in March before the change, UTC-4 after
    rowids = keys(
        "2025-03-05T03:00:00+00:00",  # 4 March, 22:00 in New York
        "2025-03-04T06:00:00+00:00",
    )
    assert [(g.label, g.count) for g in day_groups(rowids)] == [("Tuesday 4 March 2025", 2)]
    assert local_date_text("2025-03-05T03:00:00+00:00") == "2025-03-04"
    zone("Asia/Tokyo")
    assert [g.label for g in day_groups(rowids)] == [
        "Wednesday 5 March 2025",
        "Tuesday 4 March 2025",
    ]
    assert local_date_text("2025-03-04T20:00:00+00:00") == "2025-03-05"


def test_a_day_with_a_clock_change_is_one_group(zone) -> None:
    zone("Europe/Berlin")  # 30 March 2025 has 23 hours there
    rowids = keys(
        "2025-03-30T21:30:00+00:00",  # 23:30 local
        "2025-03-29T23:30:00+00:00",  # 00:30 local on the 30th
        "2025-03-29T22:30:00+00:00",  # 23:30 local on the 29th
    )
    assert [(g.label, g.count) for g in day_groups(rowids)] == [
        ("Sunday 30 March 2025", 2),
        ("Saturday 29 March 2025", 1),
    ]


def test_many_articles_in_one_second_stay_in_their_day(zone) -> None:
    zone("UTC")
    base = time_key("2025-03-05T23:59:59+00:00")
    rowids = [base + tie for tie in reversed(range(50))] + keys("2025-03-04T10:00:00+00:00")
    assert [g.count for g in day_groups(rowids)] == [50, 1]


def test_an_incomplete_result_marks_its_last_group(zone) -> None:
    zone("UTC")
    groups = day_groups(keys("2025-03-05T08:00:00+00:00", "2025-03-04T08:00:00+00:00"), False)
    assert [g.more for g in groups] == [False, True]


def test_dates_far_from_now_still_get_a_day() -> None:
    assert local_day(time_key("0001-01-02T00:00:00+00:00") >> TIE_BITS).year in (1, 2)
    assert local_day(2**60).year > 2000
    assert day_groups(keys("1850-06-01T12:00:00+00:00"))[0].label.endswith("1850")


def test_day_label() -> None:
    from datetime import date

    assert day_label(date(2026, 12, 1)) == "Tuesday 1 December 2026"


def test_an_undated_row_shows_no_date() -> None:
    assert local_date_text("") == ""


# --- source groups from the index ----------------------------------------------------------

SOURCES = [
    Article(id="r1", title="One", source="Reuters", published="2025-03-05T08:00:00+00:00"),
    Article(id="a1", title="Two", source="AP", published="2025-03-04T08:00:00+00:00"),
    Article(id="r2", title="Three", source="reuters", published="2025-03-03T08:00:00+00:00"),
    Article(id="e1", title="Four", source="Écho", published="2025-03-02T08:00:00+00:00"),
    Article(id="n1", title="Five", source="", published="2025-03-01T08:00:00+00:00"),
    Article(id="a2", title="Six storm", source="AP", published=""),
]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    store = tmp_path / "articles.json"
    create_store(store, SOURCES)
    opened = SearchIndex.open(store)
    opened.catch_up(store)
    yield opened
    opened.close()


def source_result(index: SearchIndex, text: str) -> ResultRows:
    return ResultRows(index, index.search(Query(parse_query(text).root, "source")))


def test_sources_group_a_to_z_newest_first(index: SearchIndex) -> None:
    rows = source_result(index, "")
    groups = Grouper(index).groups(rows, "source")
    assert [(g.label, g.count) for g in groups] == [
        (NO_SOURCE_LABEL, 1),
        ("AP", 2),
        ("Écho", 1),
        (groups[3].label, 2),
    ]
    assert groups[3].label.lower() == "reuters", "one group for names that fold alike"
    assert [row.id for row in rows] == ["n1", "a1", "a2", "e1", "r1", "r2"]


def test_source_groups_of_a_filtered_result(index: SearchIndex) -> None:
    grouper = Grouper(index)
    rows = source_result(index, "-title:one")
    groups = grouper.groups(rows, "source")
    assert [(g.label.lower(), g.start, g.count) for g in groups] == [
        (NO_SOURCE_LABEL, 0, 1),
        ("ap", 1, 2),
        ("écho", 3, 1),
        ("reuters", 4, 1),
    ]
    assert [(g.label, g.count) for g in grouper.groups(source_result(index, "storm"), "source")]


def test_source_groups_follow_a_changed_index(index: SearchIndex, tmp_path: Path) -> None:
    grouper = Grouper(index)
    assert len(grouper.groups(source_result(index, ""), "source")) == 4
    store = tmp_path / "articles.json"
    more = Article(id="b1", title="Seven", source="BBC", published="2025-03-06T08:00:00+00:00")
    store.unlink()
    create_store(store, [*SOURCES, more])
    index.catch_up(store)
    labels = [g.label for g in grouper.groups(source_result(index, ""), "source")]
    assert "BBC" in labels and len(labels) == 5


def test_a_stale_source_order_gives_no_groups_rather_than_wrong_ones(index: SearchIndex) -> None:
    rows = source_result(index, "")
    with index.conn:  # as a catch-up on another connection would, before forget_cache
        index.conn.execute(
            "INSERT INTO meta(rowid, id, fingerprint, published, source, title, sourcekey, "
            "part, key) VALUES (1, 'x', x'', '', 'BBC', 'x', 'bbc', 0, 'x')"
        )
    assert Grouper(index).groups(rows, "source") == []
    index.forget_cache()
    assert len(Grouper(index).groups(source_result(index, ""), "source")) == 5


def test_no_grouping_has_no_groups(index: SearchIndex) -> None:
    assert Grouper(index).groups(source_result(index, ""), "none") == []


# --- the arrangement ----------------------------------------------------------------------


def test_arrangement_comes_from_the_config() -> None:
    arranged = Arrangement.from_config(
        Config(default_sort="source", group_by="day", show_read=False)
    )
    assert arranged == Arrangement("source", "day", True)
    assert Arrangement.from_config(Config()) == Arrangement("relevance", "none", False)


def test_o_cycles_date_source_relevance() -> None:
    query = parse_query("storm")
    arranged = Arrangement("date")
    seen = []
    for _ in range(3):
        arranged = arranged.next_order(query)
        seen.append(arranged.order)
    assert seen == ["source", "relevance", "date"]


def test_a_typed_sort_wins_over_the_chosen_order() -> None:
    arranged = Arrangement("source")
    assert arranged.applied(parse_query("storm sort:date")).sort == "date"
    assert arranged.applied(parse_query("storm")).sort == "source"
    assert arranged.describe(parse_query("storm sort:relevance")) == ""


def test_relevance_without_words_is_newest_first() -> None:
    arranged = Arrangement("relevance")
    assert arranged.describe(parse_query("tag:world")) == ""
    assert arranged.describe(parse_query("storm")) == ""


def test_a_grouping_brings_its_order_and_yields_to_a_typed_sort() -> None:
    by_day = Arrangement("relevance", "day")
    assert by_day.applied(parse_query("storm")).sort == "date"
    assert by_day.grouping(parse_query("storm")) == "day"
    assert by_day.describe(parse_query("storm")) == "grouped by day"
    assert by_day.grouping(parse_query("storm sort:source")) == "none"
    assert Arrangement("date", "source").applied(parse_query("")).sort == "source"


def test_an_order_the_grouping_cannot_follow_turns_it_off() -> None:
    query = parse_query("")
    assert Arrangement("date", "day").next_order(query) == Arrangement("source", "none")
    assert Arrangement("date", "none").next_group() == Arrangement("date", "day")
    assert Arrangement("date", "source").next_group() == Arrangement("date", "none")


def test_unread_only_is_an_is_unread_filter() -> None:
    hidden = Arrangement(unread_only=True)
    assert hidden.applied(parse_query("")).root == Flag("unread")
    root = hidden.applied(parse_query("storm")).root
    assert isinstance(root, And) and root.children[1] == Flag("unread")
    assert hidden.describe(parse_query("")) == "unread only"
    assert hidden.toggled_unread() == Arrangement()


def test_unread_only_composes_with_a_search(index: SearchIndex) -> None:
    index.set_flags([("a2", True, False)])
    hidden = Arrangement(unread_only=True)
    found = index.search(hidden.applied(parse_query("title:six OR title:two")))
    assert [row.id for row in ResultRows(index, found)] == ["a1"]
