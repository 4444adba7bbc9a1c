"""Fixtures of the end-to-end tests: a reader's fresh machine and terminals to run in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.terminal import Reader, TerminalRun, Terminals, newsdesk_script, reader_machine


@pytest.fixture
def reader(tmp_path: Path) -> Reader:
    return reader_machine(tmp_path)


@pytest.fixture
def terminals(tmp_path: Path, reader: Reader) -> Iterator[Terminals]:
    started = Terminals(tmp_path, reader.env)
    yield started
    started.close()


@pytest.fixture
def launch(terminals: Terminals) -> Callable[[tuple[int, int]], TerminalRun]:
    """Start newsdesk (no arguments: the default store) in a fresh tmux server."""
    newsdesk = newsdesk_script()
    return lambda size: terminals.run([newsdesk], size)
