"""How long group headers take to place over a large result (day and source groups).

    python benchmarks/groups.py [--articles 100000] [--sources 300] [--days 1100] [--runs 20]

An in-memory index holds list rows only (row ids are time keys, as in a real index), which
is all grouping reads; prints the best, median and worst time per grouping and result
size (a fresh copy of the result each run, as a new search hands out, copying included).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.fold import fold
from store.index import SearchIndex
from store.index.groups import Grouper, day_groups
from store.index.rows import ResultRows
from store.index.schema import TIE_BITS, connect
from store.query.nodes import Everything, Query

NOW = 1_764_633_600  # 2025-12-02


def build(articles: int, sources: int, days: int) -> SearchIndex:
    index = SearchIndex(connect(None), None)
    rng = random.Random(6)
    names = [f"Source {n:03d}" for n in range(sources)]
    rows = []
    taken: set[int] = set()
    for i in range(articles):
        key = (NOW - rng.randrange(days * 86_400)) << TIE_BITS
        while key in taken:
            key += 1
        taken.add(key)
        name = rng.choice(names)
        rows.append((key, f"id-{i}", b"", "", name, f"Title {i}", fold(name)))
    with index.conn:
        index.conn.executemany(
            "INSERT INTO meta(rowid, id, fingerprint, published, source, title, sourcekey) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return index


def timed(label: str, runs: int, work: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    count = len(result) if isinstance(result, list) else "-"
    print(
        f"{label:<44} min {min(times):6.2f}  median {statistics.median(times):6.2f} ms  "
        f"max {max(times):6.2f} ms  groups {count}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--days", type=int, default=1_100)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    index = build(args.articles, args.sources, args.days)
    everything = index.everything()
    by_source = index.search(Query(Everything(), "source"))
    half = set(random.Random(1).sample(everything, len(everything) // 2))
    half_by_source = [r for r in by_source if r in half]
    half_by_date = [r for r in everything if r in half]
    runs = args.runs
    timed("day groups, every article", runs, lambda: day_groups(everything))
    timed("day groups, half the articles", runs, lambda: day_groups(half_by_date))
    timed("day groups, first 5,000 (typing)", runs, lambda: day_groups(everything[:5000], False))
    grouper = Grouper(index)
    timed(
        "day groups, the empty query again (kept)",
        runs,
        lambda: grouper.groups(ResultRows(index, index.everything()), "day"),
    )
    start = time.perf_counter()
    grouper.groups(ResultRows(index, by_source), "source")
    print(f"{'source runs, first time (once per index change)':<44} "
          f"{(time.perf_counter() - start) * 1000:7.2f} ms")  # fmt: skip
    timed(
        "source groups, every article",
        runs,
        lambda: grouper.groups(ResultRows(index, list(by_source)), "source"),
    )
    start = time.perf_counter()
    grouper.groups(ResultRows(index, half_by_source), "source")
    print(f"{'source positions, first subset (once per index change)':<44} "
          f"{(time.perf_counter() - start) * 1000:7.2f} ms")  # fmt: skip
    timed(
        "source groups, half the articles",
        runs,
        lambda: grouper.groups(ResultRows(index, list(half_by_source)), "source"),
    )


if __name__ == "__main__":
    main()
