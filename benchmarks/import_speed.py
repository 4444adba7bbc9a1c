"""Import speed: time ``newsdesk import`` of a generated JSON Lines file, end to end.

    python benchmarks/import_speed.py [--articles 10000] [--runs 3] [--json]

The corpus is deterministic: bodies of about 2,500 characters drawn from the seed article's
words (so entities are dense), 50 sources, a year of dates. Each run imports into a fresh
store ("first import", entities extracted), then imports the same file again ("re-import",
everything unchanged). Times include process start-up.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import newsdesk_command, print_result

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_400443abfab150ff.txt"


def write_corpus(path: Path, count: int) -> None:
    rng = random.Random(20250223)
    words = SEED.read_text(encoding="utf-8").split()[2:]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            record = {
                "id": f"bench-{i}",
                "title": " ".join(rng.choices(words, k=9)),
                "url": f"https://news.example.com/{i}",
                "source": f"Source {i % 50}",
                "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
                "body": " ".join(rng.choices(words, k=420)),
            }
            out.write(json.dumps(record) + "\n")


def timed_import(store: Path, corpus: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [newsdesk_command(), "import", "--db", str(store), str(corpus)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    first, again = [], []
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.jsonl"
        write_corpus(corpus, args.articles)
        for run in range(args.runs):
            store = Path(folder) / f"store-{run}.json"
            first.append(timed_import(store, corpus))
            again.append(timed_import(store, corpus))
    result = {
        "articles": args.articles,
        "first_import_s": round(statistics.median(first), 2),
        "import_articles_per_s": round(args.articles / statistics.median(first)),
        "reimport_s": round(statistics.median(again), 2),
    }
    print_result(result, args.json)


if __name__ == "__main__":
    main()
