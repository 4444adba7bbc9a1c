"""Work the main screen does behind the list: fetching feeds (``R``) and keeping the index
in step with the store (another process's import, a hand edit, a damaged index).

A part of ``MainScreen``: the session does the store work in worker threads; here the
workers are started, their progress is shown beside the search box, and the list is
searched again when they are done.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding, BindingType

from store import CatchUp, Fetched, IndexBusy, Session, StoreError, clean_line
from store.index.sync import BATCH as BATCH_SHOWN
from tui.screens.parts import MainParts
from tui.widgets.search_bar import SearchBar

STORE_CHECK_S = 2.0
"""How often the store is checked for changes made by another process or by hand."""
AUTO_FIRST_S = 2.0
"""With ``auto_fetch``, the first round this long after the app opens (feeds already due)."""
AUTO_TICK_S = 60.0
"""Rounds at least this often, so a feed's own shorter interval is kept; each fetches only
the feeds that are due."""

FETCH_BINDINGS: list[BindingType] = [
    Binding(
        "R",
        "fetch",
        "Fetch",
        show=False,
        tooltip="fetch every subscribed feed in the background",
        id="main.fetch",
    ),
]


class BackgroundWork(MainParts):
    """Fetching and catching up, each in a worker of its own group."""

    def watch_index(self) -> None:
        """Before the first search: a damaged index is rebuilt, whoever finds it."""
        self.session.index.on_damaged = self._index_damaged_later

    keep_place = False
    """Set for articles an automatic fetch brought: the cursor stays on its article."""

    def start_background(self) -> None:
        """Once shown: catch up when the store is ahead, check it every few seconds, and
        fetch on a schedule when the config asks (``auto_fetch``)."""
        if self.session.needs_catch_up:
            self.start_catch_up()
        self.set_interval(STORE_CHECK_S, self.check_store)
        if (every := self._auto_every()) is not None:
            self.set_timer(AUTO_FIRST_S, self._auto_fetch)
            self.set_interval(min(every, AUTO_TICK_S), self._auto_fetch)

    def _auto_every(self) -> float | None:
        from store.ingest.schedule import parse_duration

        setting = self.session.config.auto_fetch
        if not setting or self.session.read_only:
            return None
        return parse_duration(setting)  # checked when the config was read

    def _auto_fetch(self) -> None:
        """A scheduled round, quietly: only the feeds that are due, said only when it
        brings something."""
        every = self._auto_every()
        if every is not None and not self._busy("fetch"):
            self._fetch_feeds(every)

    def _status(self, text: str) -> None:
        self.query_one(SearchBar).set_status(text)

    def _busy(self, group: str) -> bool:
        return any(worker.group == group and worker.is_running for worker in self.workers)

    # -- fetching -------------------------------------------------------------------------

    def action_fetch(self) -> None:
        """Fetch every subscribed feed in the background; new articles appear when done."""
        if self.session.read_only:
            self.notify("Read-only store: fetching is up to its owner", timeout=3)
            return
        if self._busy("fetch"):
            self.notify("Already fetching", timeout=2)
            return
        self._status("fetching…")
        self._fetch_feeds()

    @work(thread=True, exclusive=True, group="fetch")
    def _fetch_feeds(self, every: float | None = None) -> None:
        """Runs in a thread; the UI is touched via ``call_from_thread`` only. ``every``:
        an automatic round (no progress shown, said only when articles arrive)."""
        call = self.app.call_from_thread

        def progress(done: int, total: int) -> None:
            if every is None:
                call(self._fetching, done, total)

        try:
            fetched = self.session.fetch_feeds(progress, every)
        except StoreError as exc:
            if every is None:
                call(self._fetch_done, False, f"Fetch failed: {exc}")
            return
        if every is None:
            call(self._fetch_done, fetched.feeds > 0, _fetch_summary(fetched))
        elif fetched.added:
            call(self._auto_done, f"{fetched.added} new article(s)")
            self._tell_reader(fetched)

    def _tell_reader(self, fetched: Fetched) -> None:
        """In the fetch's thread: a desktop notification through the terminal, and
        ``notify_command``, for what the round brought (as the ``notify`` setting asks)."""
        from tui import notify

        config = self.session.config
        if config.notify == "off" or (config.notify == "rules" and not fetched.notified):
            return
        matched = config.notify == "rules"
        count, titles = (fetched.notified, fetched.titles) if matched else (fetched.added, [])
        text = notify.message(count, titles, matched)
        self.app.call_from_thread(self._write_to_terminal, notify.terminal_sequence(text))
        if config.notify_command:
            argv = notify.command_argv(config.notify_command, count, titles)
            if (failure := notify.run_command(argv)) is not None:
                self.app.call_from_thread(self.notify, failure, severity="warning", markup=False)

    def _write_to_terminal(self, sequence: str) -> None:
        driver = self.app._driver  # as Textual's own bell and clipboard write to it
        if driver is not None and not self.app.is_headless:
            driver.write(sequence)

    def _auto_done(self, message: str) -> None:
        self.keep_place = True
        self.check_store()
        self.notify(message, timeout=4, markup=False)

    def _fetching(self, done: int, total: int) -> None:
        self._status(f"fetching {done}/{total}")

    def _fetch_done(self, fetched: bool, message: str) -> None:
        self._status("")
        if fetched:
            self.check_store()
        self.notify(message, timeout=6, markup=False)

    # -- the index in step with the store -------------------------------------------------

    def check_store(self) -> None:
        """Catch up with a store changed by another process, or by hand; after an import
        or a fetch, which catch the index up themselves, show the index as it is now."""
        index = self.session.index
        if not index.in_step(self.session.store_path):
            self.start_catch_up()
        elif index.changed_elsewhere() and not self._busy("index"):
            self._caught_up(CatchUp())

    def start_catch_up(self) -> None:
        if self._busy("index"):
            return
        if self.session.index.path is None:  # in memory: only this connection sees it
            self._caught_up(self.session.index.catch_up(self.session.store_path))
            return
        self._status("indexing…")
        self._catch_up()

    @work(thread=True, exclusive=True, group="index")
    def _catch_up(self) -> None:
        """Runs in a thread, on a connection of its own; the UI keeps the old index meanwhile."""
        call = self.app.call_from_thread
        try:
            report = self.session.catch_up_apart(
                lambda done, total: call(self._indexing, done, total)
            )
        except IndexBusy:  # an import is writing it: the next check of the store retries
            call(self._status, "")
        except StoreError as exc:
            call(self._catch_up_failed, str(exc))
        else:
            call(self._caught_up, report)

    def _indexing(self, done: int, total: int) -> None:
        """Rows read, then words indexed; the list shows what is stored from the first batch
        on (searches by words follow as their batches are indexed)."""
        if total == 0:
            self._status(f"reading {done:,}")
            self.rerun()
            return
        self._status(f"indexing {100 * done // max(total, 1)}%")
        if done <= BATCH_SHOWN:
            self.rerun()

    def _caught_up(self, report: CatchUp) -> None:
        self._status("")
        self.session.reload_flags()
        keep, self.keep_place = self.keep_place, False
        self.rerun(keep_place=keep)
        if report.rejects and report.rejects != self.session.rejects:
            self.session.rejects = report.rejects
            self.notify(skipped_note(self.session), severity="warning", timeout=8, markup=False)

    def _catch_up_failed(self, message: str) -> None:
        self._status("")
        self.notify(f"Store not re-read: {message}", severity="error", timeout=10, markup=False)

    def _index_damaged_later(self) -> None:
        """Told by the index (maybe while a row is drawn): dealt with once this is done."""
        self.call_later(self._index_damaged)

    def _index_damaged(self) -> None:
        """The index file was found damaged and started afresh: build it from the store."""
        self.notify(
            "Search index damaged: rebuilding it from the store", severity="warning", timeout=8
        )
        self.rerun()
        self.start_catch_up()


def skipped_note(session: Session) -> str:
    """The store's documents left out, and the first of them (``session.rejects``)."""
    first = session.rejects[0]
    return clean_line(f"{session.skipped()} (first: {first.item}: {first.reason})")


def _fetch_summary(fetched: Fetched) -> str:
    if fetched.feeds == 0:
        return "No subscriptions yet: add one with 'newsdesk feeds add URL'"
    failed = f"; {fetched.failed} feed(s) failed" if fetched.failed else ""
    return f"{fetched.added} new article(s) from {fetched.feeds} feed(s){failed}"
