"""What a scheduled fetch round costs: ``refresh_feeds(every=...)`` over N local feeds, most of
them answering 304, as a reader's 500 subscriptions do between two rounds.

A server in a process of its own (so its work is not counted) serves N feeds of 20 items on
127.0.0.1; every tenth feed changes between rounds, the others answer 304 to the ETag of
the last round. A feed that changes has one new item, the oldest dropped, as a news feed
does. The first round fetches everything (and imports it); the figures are the
later rounds': wall time, CPU of this process, and its peak RSS beyond the store's.

    python benchmarks/fetch_rounds.py --feeds 500 --rounds 3 [--json]
"""

from __future__ import annotations

import argparse
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import print_result

BAR_CPU_S = 0.5
BAR_RSS_MB = 60.0

_SERVER = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
hits = {}
def rss(n, version):
    items = b"".join(
        b"<item><title>Feed %d item %d</title><guid>f%d-%d</guid><link>http://x/%d/%d</link>"
        b"<description>Text of item %d.</description></item>" % (n, i, n, i, n, i, i)
        for i in range(version, version + 20))
    head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title>' % n
    return head + items + b"</channel></rss>"
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        n = int(self.path.rsplit("/", 1)[1])
        hits[n] = hits.get(n, 0) + 1
        version = hits[n] if n % 10 == 0 else 1
        tag = '"v%d"' % version
        if self.headers.get("If-None-Match") == tag:
            self.send_response(304); self.send_header("ETag", tag)
            self.send_header("Content-Length", "0"); self.end_headers(); return
        body = rss(n, version)
        self.send_response(200); self.send_header("ETag", tag)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="rounds after the first (3)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from store.ingest.importer import import_into
    from store.ingest.refresh import refresh_feeds
    from store.ingest.result import ReadResult, Subscription

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", _SERVER, str(port)])
    try:
        time.sleep(1.0)
        with tempfile.TemporaryDirectory() as folder:
            store = Path(folder) / "articles"
            urls = [f"http://127.0.0.1:{port}/feed/{n}" for n in range(args.feeds)]
            import_into(store, ReadResult(feeds=[Subscription(url) for url in urls]))
            moment = datetime.now(UTC)
            started = time.monotonic()
            refresh_feeds(store, every=60, now=moment)
            first_s = time.monotonic() - started
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            walls, cpus, added = [], [], 0
            for round_number in range(1, args.rounds + 1):
                due = moment + timedelta(minutes=round_number)
                wall, cpu = time.monotonic(), time.process_time()
                report = refresh_feeds(store, every=60, now=due)
                walls.append(time.monotonic() - wall)
                cpus.append(time.process_time() - cpu)
                added += report.summary.updated + report.summary.added
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        server.terminate()
        server.wait()
    result = {
        "feeds": args.feeds,
        "first_round_s": round(first_s, 2),
        "round_wall_s": round(sorted(walls)[len(walls) // 2], 2),
        "round_cpu_s": round(sorted(cpus)[len(cpus) // 2], 2),
        "articles_changed": added,
        "peak_rss_mb": round(rss, 1),
        "rss_growth_after_first_round_mb": round(rss - rss_before, 1),
        "cpu_met": sorted(cpus)[len(cpus) // 2] <= BAR_CPU_S,
    }
    print_result(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
