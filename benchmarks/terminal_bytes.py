"""Bytes the app writes to the terminal per key, and while idle: what a reader over SSH pays.

    python benchmarks/terminal_bytes.py [--articles 1000] [--sizes 80x24,160x48] [--rounds 20]
                                        [--idle 5] [--workdir PATH] [--json]

The installed ``newsdesk`` runs on a generated store in a pseudo-terminal (no tmux in between:
tmux redraws for its own client, so only the pty shows what the app itself sent). After the
first screen, each action is a key sent and every byte written until the app has been quiet
for 0.4 s: a cursor move (``j``), opening the article (``enter``) and going back (``esc``),
a search keystroke (a letter typed in the box), and ``--idle`` seconds with no key at all.
``cursor_held`` is ``j`` held down (10 moves at 30 a second), per move: the preview beside
the list is drawn once the cursor rests, so a held key pays for the rows only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench import fresh_env, newest_row_text
from common import newsdesk_command
from corpus import write_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.pty_app import PtyApp

KEY_REPEAT_S = 1 / 30
"""A held key: a terminal's auto-repeat sends about 30 a second."""
HELD_MOVES = 10
ESC_SETTLE_S = 0.6
"""After escape: Textual waits a little for the rest of a possible escape sequence."""
Figures = dict[str, object]


def build_store(workdir: Path, count: int) -> Path:
    """A store of ``count`` generated articles, imported once and kept in ``workdir``."""
    store = workdir / f"store-{count}" / "articles.json"
    if store.exists():
        return store
    import subprocess

    store.parent.mkdir(parents=True, exist_ok=True)
    corpus = workdir / f"corpus-{count}.jsonl"
    write_jsonl(corpus, count)
    env = fresh_env(workdir / "home-import")
    command = [newsdesk_command(), "import", "--db", str(store), str(corpus)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    return store


@contextmanager
def running_app(store: Path, size: tuple[int, int], workdir: Path) -> Iterator[PtyApp]:
    """The app on ``store``, its first screen drawn (the newest row written), quiet."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=workdir))
    app = PtyApp([newsdesk_command(), "--db", str(store)], fresh_env(home), size)
    try:
        app.wait_for(newest_row_text(store)[:10])
        app.settle(1.0)
        yield app
    finally:
        app.close()


def stats(samples: Sequence[int]) -> Figures:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered)),
        "p95": p95,
        "max": ordered[-1],
    }


def repeated(rounds: int, action: Callable[[], int]) -> Figures:
    return stats([action() for _ in range(rounds)])


def held_moves(app: PtyApp, key: bytes) -> int:
    """Bytes per move while ``key`` is held down (``HELD_MOVES`` at key-repeat pace)."""
    start = app.written()
    for _ in range(HELD_MOVES):
        app.send(key)
        time.sleep(KEY_REPEAT_S)
    app.settle()
    return round((app.written() - start) / HELD_MOVES)


def measure(
    store: Path, size: tuple[int, int], rounds: int, idle_s: float, workdir: Path
) -> Figures:
    """Every action at one terminal size, in one run of the app."""
    with running_app(store, size, workdir) as app:
        figures: Figures = {"first_screen": app.written()}
        figures["cursor_move"] = repeated(rounds, lambda: len(app.key(b"j")))
        figures["cursor_held"] = repeated(max(1, rounds // 4), lambda: held_moves(app, b"j"))
        opens, backs = [], []
        for _ in range(rounds):
            opens.append(len(app.key(b"\r")))
            backs.append(len(app.key(b"\x1b", ESC_SETTLE_S)))
            app.key(b"j")
        figures["open_article"] = stats(opens)
        figures["back_to_list"] = stats(backs)
        app.key(b"/")
        letters = (b"abcdefghijklmnoprstu" * (rounds // 20 + 1))[:rounds]
        typed = []
        for letter in letters:
            typed.append(len(app.key(bytes([letter]))))
            app.key(b"\x7f")  # backspace: keep the result large, like a first letter
        figures["search_keystroke"] = stats(typed)
        figures["idle_in_search_box_bytes_per_s"] = idle(app, idle_s)
        app.key(b"\r")
        figures["idle_bytes_per_s"] = idle(app, idle_s)
    return figures


def idle(app: PtyApp, seconds: float) -> float:
    """Bytes a second written while nobody types (a blinking cursor, a timer redrawing)."""
    app.settle(1.0)
    start = app.written()
    time.sleep(seconds)
    return round((app.written() - start) / seconds, 1)


def parse_size(text: str) -> tuple[int, int]:
    width, height = text.lower().split("x")
    return int(width), int(height)


def print_table(result: dict[str, Figures]) -> None:
    actions = ("cursor_move", "cursor_held", "open_article", "back_to_list", "search_keystroke")
    print(f"{'size':<8} {'action':<18} {'median':>8} {'p95':>8} {'max':>8}")
    for size, figures in result.items():
        for action in actions:
            row = figures[action]
            assert isinstance(row, dict)
            print(f"{size:<8} {action:<18} {row['median']:>8} {row['p95']:>8} {row['max']:>8}")
        print(f"{size:<8} {'idle (B/s)':<18} {figures['idle_bytes_per_s']:>8}")
        typing = figures["idle_in_search_box_bytes_per_s"]
        print(f"{size:<8} {'idle, box (B/s)':<18} {typing:>8}")
        print(f"{size:<8} {'first screen':<18} {figures['first_screen']:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--sizes", default="80x24,160x48")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--workdir")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsdesk-bytes-") as scratch:
        workdir = Path(args.workdir).resolve() if args.workdir else Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        store = build_store(workdir, args.articles)
        result = {
            size: measure(store, parse_size(size), args.rounds, args.idle, workdir)
            for size in args.sizes.split(",")
        }
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
