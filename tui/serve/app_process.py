"""A session's app in a process of its own on a pty, seen from the server.

The server only moves bytes: keys to the pty master and the app's output back, both
non-blocking on the event loop, with flow control either way. It sets the pty's size (the
kernel then sends the app SIGWINCH) and stops the app with ever firmer signals. What the
process runs first is ``tui.serve.child``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Callable

READ_CHUNK = 64 * 1024
STOP_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL)
"""How a session's app is ended: hung up, then asked to stop, then killed."""
STOP_GRACE_S = 1.0
"""How long the app has after each of ``STOP_SIGNALS`` before the next one."""

Size = tuple[int, int, int, int]
"""Columns, rows, and the width and height in pixels, as an SSH client reports them."""


class AppProcess:
    """The pty and the process on it; ``on_output`` gets what the app writes, and
    ``on_drained`` is called when every key sent has been taken."""

    def __init__(self, on_output: Callable[[bytes], None], on_drained: Callable[[], None]) -> None:
        self._on_output = on_output
        self._on_drained = on_drained
        self._master = -1
        self._proc: asyncio.subprocess.Process | None = None
        self._pending = bytearray()
        self._reading = False
        self._output_done = asyncio.Event()
        self.stopping = False

    @property
    def started(self) -> bool:
        return self._master >= 0

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    async def start(self, argv: list[str], env: dict[str, str], cwd: str, size: Size) -> None:
        """Open the pty and start ``argv`` on it, in a session of its own (raises ``OSError``)."""
        master, slave = os.openpty()
        self._master = master
        try:
            os.set_blocking(master, False)
            set_size(master, size)
            self._proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        finally:
            os.close(slave)
        if self.stopping:  # asked to stop while starting
            self._signal(0)
        self.watch_output(True)

    async def wait(self, drain_s: float) -> int:
        """The app's exit status (negative: the signal that ended it); when it ended by
        itself, its last output is relayed for at most ``drain_s``."""
        assert self._proc is not None
        status = await self._proc.wait()
        if not self.stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._output_done.wait(), drain_s)
        self.watch_output(False)
        return status

    def resize(self, size: Size) -> None:
        if self._master >= 0:
            set_size(self._master, size)

    def send(self, data: bytes) -> int:
        """Pass keys to the app; how many bytes it has not taken yet (for flow control)."""
        self._pending += data
        self._flush_input()
        return len(self._pending)

    def watch_output(self, on: bool) -> None:
        """Relay the app's output, or pause (the client reads slower than the app writes)."""
        if self._master < 0 or on == self._reading or self._output_done.is_set():
            return
        loop = asyncio.get_running_loop()
        if on and not self.stopping:
            loop.add_reader(self._master, self._relay_output)
            self._reading = True
        elif not on:
            loop.remove_reader(self._master)
            self._reading = False

    def stop(self) -> None:
        """Stop relaying and end the app: whatever it ignores or blocks, SIGKILL comes
        within a few seconds."""
        self.stopping = True
        self.watch_output(False)
        self._signal(0)

    def kill(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            _signal_group(self._proc.pid, signal.SIGKILL)

    def close(self) -> None:
        if self._master >= 0:
            loop = asyncio.get_running_loop()
            loop.remove_reader(self._master)
            loop.remove_writer(self._master)
            os.close(self._master)
            self._master = -1

    def _relay_output(self) -> None:
        try:
            data = os.read(self._master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:  # EIO: every process holding the pty has closed it
            data = b""
        if not data:
            self.watch_output(False)
            self._output_done.set()
            return
        self._on_output(data)

    def _flush_input(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            try:
                written = os.write(self._master, self._pending)
            except BlockingIOError:
                loop.add_writer(self._master, self._flush_input)
                return
            except OSError as exc:
                if exc.errno != errno.EIO:
                    raise
                self._pending.clear()
                break
            del self._pending[:written]
        loop.remove_writer(self._master)
        self._on_drained()

    def _signal(self, step: int) -> None:
        """Send the app's process group ``STOP_SIGNALS[step]``, then the next one after
        ``STOP_GRACE_S`` until the app has ended."""
        if self._proc is None or self._proc.returncode is not None:
            return
        _signal_group(self._proc.pid, STOP_SIGNALS[step])
        if step + 1 < len(STOP_SIGNALS):
            asyncio.get_running_loop().call_later(STOP_GRACE_S, self._signal, step + 1)


def set_size(fd: int, size: Size) -> None:
    """Tell the pty the client's size (the app's process then gets SIGWINCH)."""
    width, height, pixwidth, pixheight = size
    cols, rows = (width or 80), (height or 24)
    winsize = struct.pack("HHHH", min(rows, 0xFFFF), min(cols, 0xFFFF), pixwidth, pixheight)
    with contextlib.suppress(OSError):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, winsize)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
