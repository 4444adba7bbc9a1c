"""Main-text extraction scored against known text: token-level precision, recall and F1.

By default the pages are generated (``article_pages``: six layouts of news page around
articles of the synthetic corpus). ``--dataset DIR`` scores real pages instead, in the
layout of the public article extraction benchmark (github.com/scrapinghub/
article-extraction-benchmark: ``DIR/ground-truth.json`` and ``DIR/html/<id>.html.gz``),
which is not kept in this repository.

Links keep their targets in newsdesk's text (``[text](url)``); the targets are markup, not
words of the article, so they are left out of the score. Precision and recall are averaged
over pages (each page counts once, whatever its length)
and F1 is taken from the averages, as that benchmark does; ``--shingles 4`` scores runs of
four tokens rather than single tokens, as its published table does. Throughput is pages per
second of extraction on one core (the HTML already in memory).

``--through-fetch`` scores what a reader stores instead: the pages are served with a feed
on 127.0.0.1 and read through ``newsdesk feeds add --full-text`` and ``newsdesk fetch``.

    python benchmarks/extraction.py                  # 120 generated pages
    python benchmarks/extraction.py --dataset DIR    # real pages
    python benchmarks/extraction.py --dataset DIR --through-fetch
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import print_result

from store.ingest.pages import NotAnArticle, extract_page

TOKEN = re.compile(r"\w+")
LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
BAR_F1 = 0.95
BAR_PAGES_PER_S = 20.0

Sample = tuple[str, str, str]
"""A page's HTML, its address and its known text."""


def generated(count: int) -> Iterator[Sample]:
    import article_pages

    for page in article_pages.pages(count):
        yield page.html, page.url, page.text


def dataset(folder: Path) -> Iterator[Sample]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for key, item in truth.items():
        raw = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        yield raw.decode("utf-8", errors="replace"), item.get("url", ""), item["articleBody"]


def _grams(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def score(known: str, found: str, n: int) -> tuple[float, float]:
    """Precision and recall of ``found`` against ``known``."""
    truth, got = _grams(known, n), _grams(found, n)
    hit = sum((truth & got).values())
    precision = hit / sum(got.values()) if got else float(not truth)
    recall = hit / sum(truth.values()) if truth else 1.0
    return precision, recall


def run(samples: Iterator[Sample], n: int) -> dict[str, object]:
    """Extraction in this process, timed on one core."""
    pairs, refused, took = [], 0, 0.0
    for markup, url, known in samples:
        started = time.process_time()
        try:
            found = extract_page(markup, url).text
        except NotAnArticle:
            found, refused = "", refused + 1
        took += time.process_time() - started
        pairs.append((known, found))
    speed = len(pairs) / took
    return scores(pairs, n) | {
        "refused": refused,
        "pages_per_s": round(speed, 1),
        "speed_met": speed >= BAR_PAGES_PER_S,
    }


def through_fetch(samples: Iterator[Sample], n: int) -> dict[str, object]:
    """What ``newsdesk fetch`` stores for a full-text feed of the pages."""
    from fulltext_fetch import fetched_bodies

    pairs, took = fetched_bodies(samples)
    stored = sum(1 for _, body in pairs if body)
    return scores(pairs, n) | {"stored": stored, "fetch_s": round(took, 2)}


def scores(pairs: list[tuple[str, str]], n: int) -> dict[str, object]:
    """Precision and recall averaged over pages, F1 from the averages."""
    measured = [score(known, LINK_TARGET.sub("]", found), n) for known, found in pairs]
    p = sum(m[0] for m in measured) / len(measured)
    r = sum(m[1] for m in measured) / len(measured)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "pages": len(measured),
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f1, 3),
        "f1_met": f1 >= BAR_F1,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120, help="generated pages (default 120)")
    parser.add_argument("--dataset", type=Path, help="a folder of real pages and their text")
    parser.add_argument("--shingles", type=int, default=1, help="tokens per unit (default 1)")
    parser.add_argument(
        "--through-fetch", action="store_true", help="score what newsdesk fetch stores"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    samples = dataset(args.dataset) if args.dataset else generated(args.pages)
    result = {"source": str(args.dataset or "generated"), "shingles": args.shingles}
    result |= (through_fetch if args.through_fetch else run)(samples, args.shingles)
    print_result(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
