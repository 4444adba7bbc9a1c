"""Cold start: time from launching ``newsdesk`` in a real terminal (tmux) to a frame with rows.

    python benchmarks/startup.py [--runs 10] [--db PATH] [--expect TEXT] [--json]

Each run uses a fresh HOME, so the first run of each measures the seed store's creation too
("first run") and the rest open the existing store ("warm files"). The screen is polled every
5 ms, so figures are accurate to about that.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time

from common import newsdesk_command, print_result

SEED_TITLE = "Israel said Sunday"


def time_to_text(command: list[str], expect: str, env: dict[str, str], size: str) -> float:
    """Seconds from starting ``command`` in tmux until ``expect`` is on screen."""
    socket = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    width, height = size.split("x")
    tmux = ["tmux", "-L", socket]
    start = time.perf_counter()
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", width, "-y", height, "--", *command],
        env=env,
        check=True,
    )
    try:
        while time.perf_counter() - start < 30:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p"], capture_output=True, text=True, check=False
            ).stdout
            if expect in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise TimeoutError(f"{expect!r} never appeared")
    finally:
        subprocess.run([*tmux, "kill-server"], check=False, capture_output=True)


def run(args: argparse.Namespace) -> dict[str, object]:
    command = [newsdesk_command(), *(["--db", args.db] if args.db else [])]
    first: list[float] = []
    warm: list[float] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, HOME=home, XDG_DATA_HOME=f"{home}/data", TERM="xterm-256color")
            first.append(time_to_text(command, args.expect, env, args.size))
            warm.append(time_to_text(command, args.expect, env, args.size))
    return {
        "runs": args.runs,
        "size": args.size,
        "first_run_median_s": round(statistics.median(first), 3),
        "cold_start_median_s": round(statistics.median(warm), 3),
        "cold_start_max_s": round(max(warm), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--db", help="store to open (default: a fresh seed store per run)")
    parser.add_argument("--expect", default=SEED_TITLE, help="text that marks the first frame")
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args)
    print_result(result, args.json)


if __name__ == "__main__":
    main()
