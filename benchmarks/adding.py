"""What one small write costs: ``newsdesk import`` of N new articles (a fetch's worth) into a
copy of a large store and into an empty one, each as a whole process; seconds, peak RSS, and
bytes written (``wchar`` of ``/proc/self/io``: every byte the process handed to ``write``),
both read as it exits (``ru_maxrss`` would count the benchmark's own pages it forked from).

    python benchmarks/adding.py --db STORE [--count 50] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import print_result
from corpus import articles

from store.paths import index_path_for, is_folder_store

MB = 1024 * 1024
_IMPORT = """
import atexit, sys
from pathlib import Path

NOTE = Path(sys.argv[1])

def written() -> None:
    io = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    NOTE.write_text(io["wchar"].strip() + " " + status["VmHWM"].split()[0])

atexit.register(written)
sys.argv = ["newsdesk", *sys.argv[2:]]
from tui.launch import main
main()
"""


@dataclass
class Added:
    seconds: float
    peak_rss_mb: float
    written_mb: float


def new_articles(path: Path, count: int) -> Path:
    """``count`` articles no store of the corpus has, published in the last hours."""
    now = int(time.time())
    with path.open("w", encoding="utf-8") as out:
        for n, record in enumerate(articles(count)):
            from datetime import UTC, datetime

            moment = datetime.fromtimestamp(now - 60 * n, UTC).isoformat()
            fresh = dict(record, id=f"added-{n}", published=moment)
            out.write(json.dumps(fresh, ensure_ascii=False) + "\n")
    return path


def store_copy(store: Path, folder: Path) -> Path:
    """A copy of ``store`` with its index: segment files hard-linked (a write never changes
    one in place), everything else copied."""
    copy = folder / store.name
    if is_folder_store(store):
        shutil.copytree(store, copy, copy_function=_link_segments, ignore=_no_locks)
    else:
        shutil.copy2(store, copy)
        shutil.copy2(index_path_for(store), index_path_for(copy))
    return copy


def _link_segments(source: str, target: str) -> None:
    if f"{os.sep}segments{os.sep}" in source:
        try:
            os.link(source, target)
            return
        except OSError:
            pass
    shutil.copy2(source, target)


def _no_locks(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if name.endswith(".lock")]


def timed_add(store: Path, incoming: Path) -> Added:
    with tempfile.NamedTemporaryFile(prefix="wchar-", delete=False) as note:
        note_path = Path(note.name)
    command = [sys.executable, "-c", _IMPORT, str(note_path), "import", "--db", str(store)]
    start = time.perf_counter()
    proc = subprocess.Popen([*command, str(incoming)], stdout=subprocess.DEVNULL)
    _, status, _ = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"import into {store} failed")
    written, peak_kb = (int(n) for n in note_path.read_text().split())
    note_path.unlink()
    return Added(seconds, peak_kb / 1024, written / MB)


def add_figures(store: Path, count: int, workdir: Path, runs: int = 3) -> dict[str, object]:
    """The median of ``runs`` imports of ``count`` new articles into a copy of ``store``
    and into an empty store of the same kind."""
    incoming = new_articles(workdir / f"added-{count}.jsonl", count)
    big: list[Added] = []
    empty: list[Added] = []
    for run in range(runs):
        folder = workdir / f"add-{run}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        copy = store_copy(store, folder / "big")
        os.sync()  # else the import's first fsync would write out the copy's dirty pages
        big.append(timed_add(copy, incoming))
        (folder / "empty").mkdir()
        empty.append(timed_add(folder / "empty" / store.name, incoming))
        shutil.rmtree(folder)
    middle = sorted(big, key=lambda a: a.seconds)[runs // 2]
    base = sorted(empty, key=lambda a: a.seconds)[runs // 2]
    return {
        "add_count": count,
        "add_s": round(middle.seconds, 2),
        "add_rss_mb": round(middle.peak_rss_mb, 1),
        "add_written_mb": round(middle.written_mb, 2),
        "add_empty_s": round(base.seconds, 2),
        "add_empty_rss_mb": round(base.peak_rss_mb, 1),
        "add_empty_written_mb": round(base.written_mb, 2),
        "add_time_ratio": round(middle.seconds / base.seconds, 2),
        "add_rss_over_empty_mb": round(middle.peak_rss_mb - base.peak_rss_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the store to add to (it is copied)")
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsdesk-add-") as workdir:
        result = add_figures(Path(args.db).resolve(), args.count, Path(workdir), args.runs)
    print_result(result, args.json)


if __name__ == "__main__":
    main()
