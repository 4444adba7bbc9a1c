"""``newsdesk serve --fetch-every DURATION``: the server keeps its store fresh itself.

A thread of the server runs scheduled rounds (``refresh_feeds(every=...)``, the feeds that
are due, with the rules on arrival of the server's config) and logs one line per round;
every session's app sees the new articles within a few seconds, as it sees any change to
the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from store import StoreError

if TYPE_CHECKING:
    from store.ingest.rules import Rules


class FetchRounds(threading.Thread):
    """Rounds until ``stop`` is called; a round that fails is logged and the next tries."""

    def __init__(
        self, store: Path, every: float, log: Callable[[str], None], rules: Rules | None = None
    ) -> None:
        super().__init__(name="newsdesk-fetch-rounds", daemon=True)
        self.store = store
        self.rules = rules
        self.every = every
        self.log = log
        self._halt = threading.Event()
        self.rounds = 0

    def run(self) -> None:
        pause = 0.0
        while not self._halt.wait(pause):
            pause = self._round()
            self.rounds += 1

    def stop(self) -> None:
        self._halt.set()

    def _round(self) -> float:
        from store import refresh_feeds

        try:
            report = refresh_feeds(self.store, every=self.every, rules=self.rules)
        except StoreError as exc:
            self.log(f"fetch round skipped: {exc}")
            return self.every
        except Exception as exc:  # a bug costs one round, never the server
            self.log(f"fetch round failed: {type(exc).__name__}: {exc}")
            return self.every
        self.log(f"fetched: {report.round_line()}")
        return report.pause(self.every)
