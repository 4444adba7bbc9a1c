"""The performance bars, measured on a deterministic synthetic corpus (see ``corpus.py``).

    python benchmarks/bench.py --articles N [--runs R] [--workdir PATH] [--reuse-store]
                               [--size 80x24] [--json]

1. import: ``newsdesk import`` of the corpus into a fresh store, as a subprocess with a fresh
   HOME (entities and the index refresh included); articles/s, seconds, peak RSS.
2. index build: a first catch-up of the index of a copy of the store with no index.
3. cold start: launching ``newsdesk --db STORE`` in tmux until the newest article's row is on
   screen; with the index built (warm files), and once with no index ("first open").
4. filter keystrokes: field queries typed character by character, in-process (while typing,
   as in the app, a large result is fetched up to its first ranked rows); each keystroke
   is parse + search + the first screenful of rows (``filter_app`` adds what the main screen
   also does per keystroke: keep the cursor's article, count the store).
5. full-text keystrokes: free-text queries typed likewise, and whole queries at once.
6. mark read: ``Session.toggle_read``, with a small and with a large reading-state file.
7. RSS: the app's peak (VmHWM) after rows, searches, reading an article and the entity facets.
8. adding: ``newsdesk import`` of 50 new articles into a copy of the store and into an empty
   store, whole processes: seconds, peak RSS and bytes written (``adding.py``).
9. disk: the store and its index against the corpus's JSON Lines.

The corpus and the imported store are kept in ``--workdir`` (default: a temporary folder),
so a second run with ``--reuse-store`` skips generating and importing 100,000 articles.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from adding import add_figures
from common import newsdesk_command
from corpus import sample_words, write_jsonl
from startup import time_to_text

from store.errors import StoreError
from store.index import SearchIndex
from store.index.rows import ResultRows
from store.index.schema import index_path_for, remove_index_files
from store.index.searcher import RANK_WINDOW
from store.paths import is_folder_store, state_path_for
from store.query import QueryError, parse_query
from store.session import Session, open_store_session
from store.storage.atomic import AtomicJSONStorage

Result = dict[str, object]
SCREENFUL = 50
PLACEHOLDER = "search: words"
"""The start of the empty search box's placeholder."""
MB = 1024 * 1024
FILTER_QUERIES = (
    "source:smith",
    "title:gaza",
    "author:johnson",
    "person:cooper",
    "person:michael",
    "place:gaza",
    "org:nato",
    "is:unread",
    "is:read",
    "is:starred",
    "after:2024-01-01",
    "before:2021-06-30",
    "on:2023-05",
    "tag:politics",
    "source:smith is:unread",
    "place:london after:2023-01-01",
    "-is:read person:johnson",
    "sort:source",
)
SCREEN_QUERIES = ("gaza ceasefire", "person:cooper", "source:smith is:unread", '"west bank"')
"""Typed into the running app, key by key, for the keystroke-to-screen figure."""
UNREAD_MARK = "●"
FULLTEXT_QUERIES = (
    "the",
    "said",
    "government",
    "gaza",
    "gaza ceasefire",
    '"west bank"',
    '"told reporters"',
    '"of the"',
    "gaza -hamas",
    "the -of",
    "gaza OR kyiv",
    "london OR paris election",
    "gaza is:unread",
    "kyiv after:2024-01-01",
    "org:nato kyiv",
)
BARS: dict[str, tuple[str, float]] = {
    "cold_start_s": ("<=", 1.0),
    "cold_start_p95_s": ("<=", 1.0),
    "screen_keystroke_p95_ms": ("<=", 50.0),
    "filter_p95_ms": ("<=", 16.0),
    "filter_app_p95_ms": ("<=", 16.0),
    "fulltext_p95_ms": ("<=", 50.0),
    "fulltext_whole_p95_ms": ("<=", 50.0),
    "rss_mb": ("<=", 400.0),
    "import_articles_per_s": (">=", 2500.0),
    "import_rss_mb": ("<=", 1536.0),
    "mark_read_ms": ("<=", 10.0),
    "add_time_ratio": ("<=", 1.5),
    "add_written_mb": ("<=", 50.0),
    "add_rss_over_empty_mb": ("<=", 100.0),
    "disk_ratio": ("<=", 2.0),
}


# -- figures -------------------------------------------------------------------------------


def p95(samples: Sequence[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def summary(name: str, samples: Sequence[float], digits: int = 2) -> Result:
    """``name_median_*``, ``name_p95_*`` and ``name_max_*`` for ``name`` ending in its unit."""
    stem, unit = name.rsplit("_", 1)
    return {
        f"{stem}_median_{unit}": round(statistics.median(samples), digits),
        f"{stem}_p95_{unit}": round(p95(samples), digits),
        f"{stem}_max_{unit}": round(max(samples), digits),
    }


def file_mb(*paths: Path) -> float:
    return round(sum(p.stat().st_size for p in paths if p.exists()) / MB, 1)


def store_mb(store: Path) -> float:
    """The store's articles and feeds: a folder store's manifest, segments and feeds file
    (not the index or reading state inside it), or the one file."""
    if not is_folder_store(store):
        return file_mb(store)
    files = [store / "manifest.json", store / "feeds.json", *(store / "segments").iterdir()]
    return file_mb(*files)


def index_mb(store: Path) -> float:
    path = index_path_for(store)
    return file_mb(path, path.with_name(path.name + "-wal"))


# -- environment and work folder -----------------------------------------------------------


def fresh_env(home: Path) -> dict[str, str]:
    """A reader's first login: nothing from this session, a UTF-8 locale for "●" and "…"."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TMUX", "TMUX_PANE", "NEWSDESK_DB", "NO_COLOR", "COLUMNS", "LINES"}
        and not key.startswith(("TEXTUAL", "XDG_", "SSH_"))
    }
    for name in ("config", "cache", "data", "state"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        TERM="xterm-256color",
    )
    ctype = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if "utf8" not in ctype.lower().replace("-", ""):
        env.pop("LC_ALL", None)
        env.pop("LC_CTYPE", None)
        env["LANG"] = "C.UTF-8"
    return env


@contextlib.contextmanager
def fresh_home(workdir: Path) -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="home-", dir=workdir) as home:
        yield fresh_env(Path(home))


@contextlib.contextmanager
def work_folder(path: str | None) -> Iterator[Path]:
    if path is not None:
        folder = Path(path).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as folder:
        yield Path(folder)


def corpus_file(workdir: Path, count: int) -> tuple[Path, float | None]:
    """The cached corpus of ``count`` articles, and seconds spent generating it (or None)."""
    path = workdir / f"corpus-{count}.jsonl"
    if path.exists():
        return path, None
    start = time.perf_counter()
    partial = path.with_suffix(".part")
    write_jsonl(partial, count)
    partial.replace(path)
    return path, time.perf_counter() - start


# -- 1. import -----------------------------------------------------------------------------


@dataclass
class ImportRun:
    seconds: float
    cpu_s: float
    peak_rss_mb: float


def timed_import(store: Path, corpus: Path, env: dict[str, str]) -> ImportRun:
    """``newsdesk import`` as a child; its rusage via ``wait4`` (peak RSS over the process and
    the extraction workers it waited for)."""
    log = store.parent / "import.log"
    command = [newsdesk_command(), "import", "--json", "--db", str(store), str(corpus)]
    start = time.perf_counter()
    with log.open("wb") as err:
        proc = subprocess.Popen(command, env=env, stdout=err, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"import failed ({proc.returncode}): {log.read_text()[-2000:]}")
    return ImportRun(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def import_store(store: Path, corpus: Path, runs: int, workdir: Path) -> list[ImportRun]:
    """Import ``runs`` times, each into a fresh store; the last one is kept."""
    results: list[ImportRun] = []
    for _ in range(runs):
        shutil.rmtree(store.parent, ignore_errors=True)
        store.parent.mkdir(parents=True)
        with fresh_home(workdir) as env:
            results.append(timed_import(store, corpus, env))
    return results


def import_figures(count: int, runs: list[ImportRun]) -> Result:
    seconds = statistics.median(r.seconds for r in runs)
    return {
        "import_runs": len(runs),
        "import_s": round(seconds, 2),
        "import_articles_per_s": round(count / seconds),
        "import_cpu_s": round(statistics.median(r.cpu_s for r in runs), 2),
        "import_rss_mb": round(max(r.peak_rss_mb for r in runs), 1),
    }


def imported(args: argparse.Namespace, workdir: Path, corpus: Path, store: Path) -> Result:
    """Import figures, measured now, or cached from an earlier run with ``--reuse-store``."""
    cache = store.parent.with_name(f"{store.parent.name}-import.json")
    if args.reuse_store and cache.exists() and store.exists() and index_path_for(store).exists():
        return dict(json.loads(cache.read_text()), import_cached=True)
    figures = import_figures(args.articles, import_store(store, corpus, args.import_runs, workdir))
    figures["import_built_index"] = index_path_for(store).exists()
    cache.write_text(json.dumps(figures))
    return dict(figures, import_cached=False)


# -- 2. index build ------------------------------------------------------------------------


def linked_copy(store: Path, folder: Path) -> Path:
    """The store in ``folder`` (hard links where possible), with no index or state."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    copy = folder / store.name
    if is_folder_store(store):
        skipped = shutil.ignore_patterns("index.sqlite*", "state.*", "readers", "*.lock")
        shutil.copytree(store, copy, copy_function=os.link, ignore=skipped)
        return copy
    try:
        os.link(store, copy)
    except OSError:
        shutil.copy2(store, copy)
    return copy


def time_index_build(store: Path) -> float:
    """Seconds for ``SearchIndex.open(store).catch_up(store)`` with no index file beside it."""
    remove_index_files(index_path_for(store))
    start = time.perf_counter()
    index = SearchIndex.open(store)
    try:
        index.catch_up(store)
    finally:
        index.close()
    return time.perf_counter() - start


# -- 3. and 7. the app in tmux -------------------------------------------------------------


class Tmux:
    """One detached session on a private tmux server, running one command."""

    def __init__(self, env: dict[str, str], size: str) -> None:
        self.env = env
        self.size = size
        self.socket = f"bench-{os.getpid()}-{time.monotonic_ns()}"
        self.started = 0.0

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout

    def start(self, command: list[str]) -> None:
        width, height = self.size.split("x")
        self.started = time.perf_counter()
        self.run("new-session", "-d", "-s", "main", "-x", width, "-y", height, "--", *command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "main")

    def wait_for(self, text: str, timeout: float) -> float:
        """Seconds since ``start`` when ``text`` was first on screen (polled every 5 ms)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.screen():
                return time.perf_counter() - self.started
            time.sleep(0.005)
        raise TimeoutError(f"{text!r} not on screen after {timeout:.0f} s:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while text in self.screen():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{text!r} still on screen after {timeout:.0f} s")
            time.sleep(0.002)

    def wait_top(self, text: str, timeout: float) -> None:
        """Until the first screen line (the search box) shows ``text``; polled every 2 ms."""
        deadline = time.perf_counter() + timeout
        while not self.screen().startswith(f" / {text} "):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{text!r} not in the search box after {timeout:.0f} s")
            time.sleep(0.002)

    def type(self, text: str, pause: float = 0.08) -> None:
        """One key at a time, as a person types (tmux ``send-keys -l``)."""
        for char in text:
            self.run("send-keys", "-t", "main", "-l", char)
            time.sleep(pause)

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", "main", *keys)

    def pane_pid(self) -> int:
        return int(self.run("list-panes", "-t", "main", "-F", "#{pane_pid}").split()[0])

    def kill(self) -> None:
        self.run("kill-server")


@contextlib.contextmanager
def app_in_tmux(command: list[str], env: dict[str, str], size: str) -> Iterator[Tmux]:
    term = Tmux(env, size)
    term.start(command)
    try:
        yield term
    finally:
        pid: int | None = None
        with contextlib.suppress(LookupError, OSError, ValueError, IndexError):
            pid = app_pid(term.pane_pid())
        term.kill()
        if pid is not None:
            wait_gone(pid)


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Wait for a killed app to end, so it writes nothing to the files measured next."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def newest_row_text(store: Path) -> str:
    """What the newest article's list row shows: its date, then the start of its source."""
    session = open_store_session(store)
    try:
        row = session.search(parse_query(""))[0]
    finally:
        session.index.close()
    return f"{row.date} {row.source[:6]}"


def cold_starts(store: Path, expect: str, runs: int, size: str, workdir: Path) -> list[float]:
    command = [newsdesk_command(), "--db", str(store)]
    times: list[float] = []
    for _ in range(runs):
        with fresh_home(workdir) as env:
            times.append(time_to_text(command, expect, env, size))
    return times


def first_open(store: Path, expect: str, size: str, workdir: Path) -> Result:
    """With no index yet (the app builds it): seconds to the first rows on screen, and to the
    newest article's row (its batch may come last)."""
    remove_index_files(index_path_for(store))
    with fresh_home(workdir) as env, app_in_tmux(app_command(store), env, size) as term:
        first_rows = term.wait_for(UNREAD_MARK, timeout=900)
        newest = term.wait_for(expect, timeout=900)
    return {"first_open_rows_s": round(first_rows, 3), "first_open_s": round(newest, 3)}


def screen_keystrokes(store: Path, expect: str, size: str, workdir: Path) -> Result:
    """Key pressed in a real terminal (tmux) to the screen showing it, with the list
    filtered in the same frame: every key of a few queries typed into the running app."""
    samples: list[float] = []
    with fresh_home(workdir) as env, app_in_tmux(app_command(store), env, size) as term:
        term.wait_for(expect, timeout=60)
        for query in SCREEN_QUERIES:
            term.send("/")
            term.wait_gone("q Quit", timeout=30)  # the footer of the search box
            for end in range(1, len(query) + 1):
                start = time.perf_counter()
                term.run("send-keys", "-t", "main", "-l", query[end - 1])
                term.wait_top(query[:end], timeout=30)
                samples.append((time.perf_counter() - start) * 1000)
            # One escape clears the query and returns to the list; the next "/" waits for
            # both, since an escape closely followed by another key reaches the app as one
            # alt+key.
            term.send("Escape")
            term.wait_for("q Quit", timeout=30)
            term.wait_for(PLACEHOLDER, timeout=30)
    return summary("screen_keystroke_ms", samples, digits=1)


def app_command(store: Path) -> list[str]:
    return [newsdesk_command(), "--db", str(store)]


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def app_pid(pid: int) -> int:
    """The newsdesk process: the pane's own, or its first descendant running newsdesk."""
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    if b"newsdesk" in cmdline and b"tmux" not in cmdline:
        return pid
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with contextlib.suppress(LookupError):
            return app_pid(int(child))
    raise LookupError(f"no newsdesk process under {pid}")


def rss_stage(pid: int, settle: float) -> float:
    time.sleep(settle)
    return round(status_kb(pid, "VmHWM") / 1024, 1)


def search_in_app(term: Tmux, query: str) -> None:
    """Focus the search box, type ``query`` key by key, wait for it on screen."""
    term.send("/")
    time.sleep(0.3)
    term.type(query)
    term.wait_for(query, timeout=30)


def app_rss(store: Path, expect: str, size: str, workdir: Path) -> Result:
    """Peak RSS of the app: rows on screen, two searches typed, an article read, facets."""
    with fresh_home(workdir) as env, app_in_tmux(app_command(store), env, size) as term:
        term.wait_for(expect, timeout=60)
        pid = app_pid(term.pane_pid())
        figures: Result = {"rss_rows_mb": rss_stage(pid, 0.5)}
        search_in_app(term, "the government")
        figures["rss_search_mb"] = rss_stage(pid, 1.0)
        term.send("Escape")  # clears the query and focuses the list
        term.wait_for(PLACEHOLDER, timeout=30)
        search_in_app(term, "person:cooper")
        term.send("Enter")  # to the list
        time.sleep(0.3)
        term.send("Enter")  # read the article under the cursor
        figures["rss_read_mb"] = rss_stage(pid, 1.0)
        for _ in range(2):  # back to the list, then clear the query: facets of everything
            term.send("Escape")
            time.sleep(0.3)
        term.wait_for(PLACEHOLDER, timeout=30)
        term.send("e")
        term.wait_for("People", timeout=60)
        figures["rss_facets_mb"] = rss_stage(pid, 1.0)
        figures["rss_mb"] = max(v for v in figures.values() if isinstance(v, float))
        figures["rss_now_mb"] = round(status_kb(pid, "VmRSS") / 1024, 1)
        return figures


# -- 4. and 5. keystrokes, in-process ------------------------------------------------------


@dataclass
class Keystroke:
    text: str
    core_ms: float
    app_ms: float
    capped: bool = False


def capped_search(session: Session, text: str, typing: bool, cap_s: float) -> ResultRows | None:
    """The result of ``text``, or ``None`` when SQLite was still at it after ``cap_s``."""
    timer = threading.Timer(cap_s, session.index.conn.interrupt)
    timer.start()
    try:
        # As the search pane does: while typing, the first rows of a large result at once
        # (ranked as in full), the whole of it when typing pauses (the "whole" figures).
        rows = session.search(parse_query(text, typing=typing), RANK_WINDOW if typing else None)
        rows[0:SCREENFUL]
        return rows
    except (sqlite3.OperationalError, StoreError) as exc:  # the index says StoreError
        if "interrupted" not in str(exc):
            raise
        return None
    finally:
        timer.cancel()


def keystroke(
    session: Session, text: str, typing: bool, current: str | None, cap_s: float
) -> Keystroke:
    """parse + search + a screenful of rows; then what the main screen adds (cursor, count)."""
    start = time.perf_counter()
    try:
        rows = capped_search(session, text, typing, cap_s)
    except QueryError:
        spent = (time.perf_counter() - start) * 1000
        return Keystroke(text, spent, spent)
    if rows is None:
        return Keystroke(text, cap_s * 1000, cap_s * 1000, capped=True)
    core = time.perf_counter()
    rows.position_of(current)
    session.total()
    end = time.perf_counter()
    return Keystroke(text, (core - start) * 1000, (end - start) * 1000)


def typed(queries: Sequence[str]) -> list[str]:
    """Every prefix of every query, as the search box holds it keystroke by keystroke."""
    return [query[:i] for query in queries for i in range(1, len(query) + 1)]


def keystrokes(
    session: Session, texts: Sequence[str], typing: bool, rounds: int, cap_s: float
) -> list[Keystroke]:
    """``rounds`` passes over ``texts``; a text capped once counts as capped in later rounds
    without running again (a minute per sample at 100,000 articles would stall the run)."""
    current = session.search(parse_query(""))[0].id
    capped: set[str] = set()
    samples: list[Keystroke] = []
    for _ in range(rounds):
        for text in texts:
            if text in capped:
                samples.append(Keystroke(text, cap_s * 1000, cap_s * 1000, capped=True))
                continue
            sample = keystroke(session, text, typing, current, cap_s)
            if sample.capped:
                capped.add(text)
            samples.append(sample)
    return samples


def slowest(samples: Sequence[Keystroke], count: int = 5) -> list[str]:
    worst: dict[str, float] = {}
    for sample in samples:
        worst[sample.text] = max(worst.get(sample.text, 0.0), sample.core_ms)
    ranked = sorted(worst.items(), key=lambda item: -item[1])[:count]
    return [f"{text!r} {ms:.1f}ms" for text, ms in ranked]


def keystroke_figures(name: str, samples: Sequence[Keystroke], app: bool) -> Result:
    figures: Result = {f"{name}_samples": len(samples)}
    figures.update(summary(f"{name}_ms", [s.core_ms for s in samples]))
    if app:
        figures.update(summary(f"{name}_app_ms", [s.app_ms for s in samples]))
    figures[f"{name}_slowest"] = slowest(samples)
    figures[f"{name}_capped"] = sorted({s.text for s in samples if s.capped})
    return figures


def search_figures(store: Path, rounds: int, cap_s: float) -> Result:
    session = open_store_session(store)
    try:
        words = [w.lower() for w in sample_words(60)]
        filters = keystrokes(session, typed(FILTER_QUERIES), True, rounds, cap_s)
        fulltext = keystrokes(session, typed([*FULLTEXT_QUERIES, *words[:12]]), True, rounds, cap_s)
        whole = keystrokes(session, [*FULLTEXT_QUERIES, *words], False, rounds, cap_s)
    finally:
        session.index.close()
    return {
        "keystroke_cap_s": cap_s,
        **keystroke_figures("filter", filters, app=True),
        **keystroke_figures("fulltext", fulltext, app=True),
        **keystroke_figures("fulltext_whole", whole, app=False),
    }


# -- 6. mark read --------------------------------------------------------------------------


def toggle_times(session: Session, ids: Sequence[str]) -> list[float]:
    """Each article marked and then unmarked: two samples per id, the state left as it was."""
    times: list[float] = []
    for article_id in [*ids, *ids]:
        start = time.perf_counter()
        session.toggle_read(article_id)
        times.append((time.perf_counter() - start) * 1000)
    return times


def write_state(store: Path, ids: Sequence[str]) -> None:
    """A reading-state file in which every one of ``ids`` is read (a heavy reader's)."""
    docs = {str(i): {"id": article_id, "read": True} for i, article_id in enumerate(ids, 1)}
    AtomicJSONStorage(state_path_for(store)).write({"state": docs})


def newest_ids(session: Session, count: int) -> list[str]:
    return [row.id for row in session.search(parse_query(""))[0:count]]


def with_session(store: Path, use: Callable[[Session], list[float]]) -> list[float]:
    session = open_store_session(store)
    try:
        return use(session)
    finally:
        session.index.close()


def mark_read_figures(store: Path, toggles: int, heavy_state: int) -> Result:
    """On a store with no reading state, then with ``heavy_state`` articles already read."""
    state_path_for(store).unlink(missing_ok=True)
    light = with_session(store, lambda s: toggle_times(s, newest_ids(s, toggles)))
    ids = with_session(store, lambda s: newest_ids(s, heavy_state + toggles))
    write_state(store, ids[toggles:])
    heavy = with_session(store, lambda s: toggle_times(s, ids[:toggles]))
    state_mb = round(state_path_for(store).stat().st_size / MB, 2)
    state_path_for(store).unlink(missing_ok=True)
    return {
        **summary("mark_read_ms", light),
        "heavy_state_articles": len(ids) - toggles,
        "heavy_state_mb": state_mb,
        **summary("mark_read_heavy_ms", heavy),
    }


# -- the run -------------------------------------------------------------------------------


def timed(label: str, work: Callable[[], Result]) -> Result:
    """Run one stage, saying on stderr what it is and how long it took."""
    print(f"[bench] {label}…", file=sys.stderr, flush=True)
    start = time.perf_counter()
    result = work()
    print(f"[bench] {label}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return result


def startup_figures(args: argparse.Namespace, store: Path, copy: Path, workdir: Path) -> Result:
    expect = newest_row_text(store)
    warm = cold_starts(store, expect, args.runs, args.size, workdir)
    figures: Result = {"cold_start_expect": expect, "cold_start_runs": len(warm)}
    figures.update(summary("cold_start_s", warm, digits=3))
    figures.update(screen_keystrokes(store, expect, args.size, workdir))
    if not args.no_first_open:
        figures.update(first_open(copy, expect, args.size, workdir))
    return figures


def run(args: argparse.Namespace, workdir: Path) -> Result:
    result: Result = {"articles": args.articles, "workdir": str(workdir)}
    corpus, generated = corpus_file(workdir, args.articles)
    result["corpus_generated_s"] = None if generated is None else round(generated, 1)
    name = "articles.json" if args.backend == "file" else "articles"
    store = workdir / f"n{args.articles}" / args.backend / name
    result.update(timed("import", lambda: imported(args, workdir, corpus, store)))
    result.update(store_mb=store_mb(store), index_mb=index_mb(store), input_mb=file_mb(corpus))
    disk = (result["store_mb"] + result["index_mb"]) / max(result["input_mb"], 0.1)  # type: ignore[operator]
    result["disk_ratio"] = round(disk, 2)
    copy = linked_copy(store, workdir / f"n{args.articles}" / "copy")
    result.update(timed("cold start", lambda: startup_figures(args, store, copy, workdir)))
    build = timed("index build", lambda: {"index_build_s": round(time_index_build(copy), 2)})
    result.update(build)
    result.update(timed("keystrokes", lambda: search_figures(store, args.runs, args.cap)))
    heavy = min(10_000, args.articles // 2)
    result.update(timed("mark read", lambda: mark_read_figures(copy, args.toggles, heavy)))
    result.update(timed("rss", lambda: app_rss(store, result_expect(result), args.size, workdir)))
    result.update(timed("adding", lambda: add_figures(store, args.add, workdir)))
    result.update(headline(result))
    result["bars"] = bars(result)
    return result


def headline(result: Result) -> Result:
    """The figures under their plain names: ``cold_start_s`` is the median cold start,
    ``mark_read_ms`` the slower p95 of marking read with the small and the large state."""
    return {
        "cold_start_s": result["cold_start_median_s"],
        "mark_read_ms": max(result["mark_read_p95_ms"], result["mark_read_heavy_p95_ms"]),
    }


def result_expect(result: Result) -> str:
    return str(result["cold_start_expect"])


def bars(result: Result) -> dict[str, object]:
    """Each bar: the figure, the limit, and whether it is met."""
    verdicts: dict[str, object] = {}
    for name, (op, limit) in BARS.items():
        value = result.get(name)
        if isinstance(value, int | float):
            met = value <= limit if op == "<=" else value >= limit
            verdicts[name] = {"value": value, "bar": f"{op} {limit:g}", "met": met}
    return verdicts


def print_table(result: Result) -> None:
    for key, value in result.items():
        if key != "bars":
            print(f"{key:>28}  {value}")
    print()
    print(f"{'bar':>28}  {'value':>10}  {'limit':>8}  verdict")
    for name, verdict in result["bars"].items():  # type: ignore[union-attr]
        mark = "met" if verdict["met"] else "NOT MET"
        print(f"{name:>28}  {verdict['value']:>10}  {verdict['bar']:>8}  {mark}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="cold starts and typing rounds")
    parser.add_argument("--import-runs", type=int, default=1)
    parser.add_argument("--toggles", type=int, default=25, help="articles marked then unmarked")
    parser.add_argument("--workdir", help="keep the corpus and store here (default: temporary)")
    parser.add_argument(
        "--reuse-store",
        action="store_true",
        help="with --workdir: skip the import when a store from an earlier run is there",
    )
    parser.add_argument(
        "--cap",
        type=float,
        default=2.0,
        help="seconds after which one keystroke's search is interrupted and counted as capped",
    )
    parser.add_argument("--size", default="80x24", help="terminal size for the app")
    parser.add_argument("--no-first-open", action="store_true", help="skip the no-index start")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument(
        "--backend", choices=["folder", "file"], default="folder", help="the store's format"
    )
    parser.add_argument("--add", type=int, default=50, help="new articles the adding stage adds")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with work_folder(args.workdir) as workdir:
        result = run(args, workdir)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
