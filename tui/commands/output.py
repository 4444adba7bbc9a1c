"""Shared output for subcommands: exit statuses, one-line errors, a progress bar on demand."""

from __future__ import annotations

import json
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from store import clean_line

if TYPE_CHECKING:
    import argparse

    from rich.progress import Progress, TaskID

    SubParsers = argparse._SubParsersAction[Any]

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_UNUSABLE = 2
PROGRESS_DELAY_S = 0.4


def fail(message: str) -> int:
    """Print one clean line on stderr; the status for unusable input."""
    print(f"newsdesk: {clean_line(message)}", file=sys.stderr)
    return EXIT_UNUSABLE


def warn(message: str) -> None:
    """Print one clean line on stderr about something that did not stop the command."""
    print(f"newsdesk: {clean_line(message)}", file=sys.stderr)


def say(text: str) -> None:
    print(clean_line(text))


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False))


class LazyProgress:
    """A progress bar on stderr that appears only when work lasts longer than a moment."""

    def __init__(self, label: str, enabled: bool = True) -> None:
        self._label = label
        self._enabled = enabled and sys.stderr.isatty()
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, done: int, total: int) -> None:
        if not self._enabled or time.monotonic() - self._started < PROGRESS_DELAY_S:
            return
        if self._progress is None:
            self._progress = _progress_bar(self._label)
            self._progress.start()
            self._task = self._progress.add_task(self._label, total=total or None)
        if self._task is not None:
            self._progress.update(self._task, completed=done, total=total or None)


def _progress_bar(label: str) -> Progress:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
