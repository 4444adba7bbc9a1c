"""``benchmarks/bench.py`` end to end on a small corpus: it imports, starts the installed app
in tmux, types, marks read and measures memory, and prints one JSON object holding every
figure ``benchmarks/README.md`` is made of, under the names it promises.

The figures themselves are not judged here (speed lives in the benchmark, not in tests);
only that each was measured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.terminal import required_tool

pytestmark = pytest.mark.e2e

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench.py"
BENCH_README = BENCH.with_name("README.md")
HEADLINE = (
    "import_articles_per_s",
    "cold_start_s",
    "filter_p95_ms",
    "fulltext_p95_ms",
    "mark_read_ms",
    "rss_mb",
)


def test_bench_measures_every_headline_figure(tmp_path: Path, env: dict[str, str]) -> None:
    required_tool("tmux")  # the benchmark drives the app in tmux
    command = [
        sys.executable,
        str(BENCH),
        "--articles=300",
        "--runs=1",
        "--toggles=3",
        "--no-first-open",
        f"--workdir={tmp_path}",
        "--json",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    for name in HEADLINE:
        value = figures[name]
        assert isinstance(value, int | float) and value > 0, (name, value)
    assert figures["articles"] == 300 and figures["import_built_index"] is True
    assert figures["filter_samples"] > 0 and figures["fulltext_samples"] > 0
    assert set(HEADLINE) <= set(figures["bars"])


def test_the_benchmarks_readme_names_every_headline_figure() -> None:
    text = BENCH_README.read_text(encoding="utf-8")
    assert [name for name in HEADLINE if f"`{name}`" not in text] == []


def test_the_extraction_benchmark_scores_generated_pages(env: dict[str, str]) -> None:
    script = BENCH.with_name("extraction.py")
    command = [sys.executable, str(script), "--pages", "12", "--json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert figures["pages"] == 12 and figures["refused"] == 0
    assert 0.9 <= figures["f1"] <= 1.0 and figures["pages_per_s"] > 0
