"""What rules on arrival cost an import: ``newsdesk import`` of a generated corpus into a
fresh store, without rules and with a set of typical ones (a title ignore, a phrase, a
person to notify, an organisation to ignore, a place to tag), whole process, alternating.

    python benchmarks/rules_cost.py [--articles 100000] [--runs 2] [--json]

The corpus is ``benchmarks/corpus.py``'s (bodies of about 2,500 characters, dense in
entities). The figure to watch is ``overhead``: the median import time with rules over the
median without, minus one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import newsdesk_command, print_result
from corpus import write_jsonl

RULES = """\
[[rules]]
query = 'title:sponsored OR "paid post"'
action = "ignore"

[[rules]]
query = '"prime minister" -title:opinion'
action = "star"

[[rules]]
query = 'person:"israel katz"'
action = "notify"

[[rules]]
query = 'org:hamas'
action = "ignore"

[[rules]]
query = 'place:gaza'
action = "tag:gaza"
"""


def _import(corpus: Path, folder: Path, config: Path) -> tuple[float, str]:
    store = folder / "articles"
    shutil.rmtree(store, ignore_errors=True)
    env = {**os.environ, "NEWSDESK_CONFIG": str(config)}
    command = [newsdesk_command(), "import", "--db", str(store), str(corpus)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout.splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus.jsonl"
        write_jsonl(corpus, args.articles)
        (folder / "rules.toml").write_text(RULES)
        plain, ruled, line = [], [], ""
        for _ in range(args.runs):
            plain.append(_import(corpus, folder, folder / "none.toml")[0])
            seconds, line = _import(corpus, folder, folder / "rules.toml")
            ruled.append(seconds)
    without, with_rules = statistics.median(plain), statistics.median(ruled)
    print_result(
        {
            "articles": args.articles,
            "import_s_without_rules": round(without, 2),
            "import_s_with_rules": round(with_rules, 2),
            "overhead": round(with_rules / without - 1, 3),
            "summary_with_rules": line,
        },
        args.json,
    )


if __name__ == "__main__":
    main()
