"""Marking an article read: the time of one ``ReadingState.toggle_read`` on a state file that
already holds N entries, as the app does it on ``m`` (write through, fsync included).

    python benchmarks/state_write.py [--entries 1000,10000,100000] [--marks 50]
                                     [--no-fsync] [--json]

Each size gets a fresh state file in a temporary folder (the same file system as the store
would be on: ``--dir``), filled with N read/starred entries in one write; then ``--marks``
toggles of articles picked at random (half of them already in the file, half new) are timed
one by one. The article store itself is never written by a mark, so it plays no part here.

``--no-fsync`` makes fsync a no-op: what is left is what the code costs, the difference is
the disk's (on a disk shared with other work, fsync's latency varies most).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from common import print_result

from store.reading import STATE_TABLE, ReadingState
from store.storage import atomic as storage
from store.storage.atomic import AtomicJSONStorage


def fill(path: Path, entries: int) -> None:
    """A state file of ``entries`` documents, shaped as ReadingState writes them."""
    table = {
        str(i + 1): {
            "id": f"art-{i:06d}",
            "read": i % 3 != 0,
            "starred": i % 7 == 0,
            "opened": "2025-02-23T10:00:00+00:00",
        }
        for i in range(entries)
    }
    AtomicJSONStorage(path).write({STATE_TABLE: table})


def time_marks(path: Path, entries: int, marks: int) -> list[float]:
    """Milliseconds of each of ``marks`` toggles (existing and new articles alternately)."""
    rng = random.Random(entries)
    state = ReadingState(path)
    times = []
    for k in range(marks):
        number = rng.randrange(entries) if k % 2 == 0 else entries + k
        start = time.perf_counter()
        state.toggle_read(f"art-{number:06d}")
        times.append((time.perf_counter() - start) * 1000)
    if state.error:
        raise SystemExit(state.error)
    return times


def measure(folder: Path, entries: int, marks: int) -> dict[str, object]:
    path = folder / f"state-{entries}.json"
    fill(path, entries)
    times = sorted(time_marks(path, entries, marks))
    return {
        "entries": entries,
        "file_kb": path.stat().st_size // 1024,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
        "max_ms": round(times[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", default="1000,10000,100000")
    parser.add_argument("--marks", type=int, default=50)
    parser.add_argument("--dir", type=Path, default=None, help="folder for the state files")
    parser.add_argument("--no-fsync", action="store_true", help="time without the disk's flush")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.no_fsync:
        storage.os.fsync = lambda fd: None  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        for entries in (int(n) for n in args.entries.split(",")):
            print_result(measure(Path(folder), entries, args.marks), args.json)


if __name__ == "__main__":
    main()
