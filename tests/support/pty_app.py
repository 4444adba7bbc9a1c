"""The app in a pseudo-terminal, with every byte it writes kept.

tmux shows what the screen looks like; only a pty shows what was *sent*: the bytes a reader
over SSH pays for, and any escape sequence an article might smuggle to their terminal. Used
by the terminal-safety tests and by ``benchmarks/terminal_bytes.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence

QUIET_S = 0.4
"""No output for this long after a key: the app has finished answering it."""


FIRST_BYTE_S = 2.0
"""A key answered by nothing at all for this long is taken as answered by nothing."""


class PtyApp:
    """A child process on the slave side of a pty; a thread reads the master side."""

    def __init__(self, command: Sequence[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.master, slave = os.openpty()
        width, height = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.proc = subprocess.Popen(
            list(command),
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._lock = threading.Lock()
        self._output = bytearray()
        self._last_write = time.monotonic()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
            except (OSError, ValueError):
                return
            if not ready:
                if self.proc.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._output += chunk
                self._last_write = time.monotonic()

    @property
    def output(self) -> bytes:
        """Every byte written to the terminal so far."""
        with self._lock:
            return bytes(self._output)

    def written(self) -> int:
        with self._lock:
            return len(self._output)

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        """Until ``text`` (UTF-8) has been written, anywhere in the output so far."""
        needle = text.encode()
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                tail = self.output[-3000:].decode(errors="replace")
                raise TimeoutError(f"{text!r} never written; last output: {tail!r}")
            time.sleep(0.02)

    def settle(self, quiet: float = QUIET_S, timeout: float = 30.0) -> None:
        """Until nothing has been written for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                since = time.monotonic() - self._last_write
            if since >= quiet:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the app kept writing for {timeout:.0f}s")
            time.sleep(min(0.05, quiet - since + 0.001))

    def key(self, keys: bytes, quiet: float = QUIET_S) -> bytes:
        """Send ``keys``; return what the app wrote in answer, once it has gone quiet."""
        start = self.written()
        self.send(keys)
        deadline = time.monotonic() + FIRST_BYTE_S
        while self.written() == start and time.monotonic() < deadline:
            time.sleep(0.005)
        self.settle(quiet)
        return self.output[start:]

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._reader.join(timeout=2)
        os.close(self.master)
