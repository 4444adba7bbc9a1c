"""One reader's SSH session: the app in a process of its own on a pty, bytes relayed both ways.

A process per session means one reader's crash, hang or runaway search never touches
another's, and the app runs exactly as it does in a local terminal. The parent only moves
bytes: from the channel to the pty master and back (non-blocking, on the event loop), sets
the pty's size from the client's and follows window changes (the kernel then sends the
app SIGWINCH), and ends the session when the reader quits, goes away or stays idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import re
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tui
from store.paths import reader_state_path
from tui.serve.options import AuthorizedKeys, ServeOptions
from tui.serve.ssh import asyncssh

READ_CHUNK = 64 * 1024
INPUT_HIGH_WATER = 64 * 1024
"""Keys not yet taken by the app beyond this pause reading from the client (flow control)."""
STOP_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL)
"""How a session's app is ended: hung up, then asked to stop, then killed."""
STOP_GRACE_S = 1.0
"""How long the app has after each of ``STOP_SIGNALS`` before the next one."""
OUTPUT_DRAIN_S = 1.0
"""After the app exits, its last output is relayed for at most this long."""
TERMINAL_RESET = (
    b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[0m"
)
"""Leave the alternate screen, show the cursor, stop mouse reports and bracketed paste:
what the app would have undone itself had it not been stopped from outside."""
_SAFE_TERM = re.compile(r"[A-Za-z0-9._+-]{1,64}")
CLIENT_ENV = ("NO_COLOR", "COLORTERM")
"""The only variables a client may set for its session (asked with SendEnv / SetEnv)."""
SERVER_ENV = (
    *("PATH", "HOME", "TMPDIR", "NEWSDESK_CONFIG"),
    *("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"),
)
"""The server's own variables a session keeps: where its config and data folders are."""


def printable(text: str, limit: int = 64) -> str:
    """Text a client chose, safe for the server's log: no control characters, bounded."""
    shown = "".join(c if c.isprintable() else "?" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


@dataclass
class Hub:
    """What every session of one server shares: its options, its sessions and its log."""

    options: ServeOptions
    log: Callable[[str], None]
    sessions: set[ReaderSession] = field(default_factory=set)
    keys: AuthorizedKeys | None = None
    connections: int = 0
    """Open SSH connections, logged in or not (``ReaderServer`` counts them)."""
    stopping: bool = False

    def authorized_keys(self) -> asyncssh.SSHAuthorizedKeys:
        """The keys that may log in now (the file is looked at again on each login)."""
        if self.keys is None:
            self.keys = AuthorizedKeys(
                self.options.authorized_keys_path, self.options.authorized_keys
            )
        keys, note = self.keys.current()
        if note:
            self.log(note)
        return keys

    def full(self) -> bool:
        return len(self.sessions) >= self.options.max_sessions

    def stop_all(self) -> None:
        self.stopping = True
        for session in list(self.sessions):
            session.end("server stopped", "newsdesk: the server is stopping")

    def kill_all(self) -> None:
        """The last resort when stopping: SIGKILL to every session's app still running."""
        for session in list(self.sessions):
            session.kill()


@dataclass(frozen=True)
class Peer:
    user: str
    host: str
    port: int
    local_host: str
    local_port: int

    def describe(self) -> str:
        return f"{printable(self.user)} from {self.host}:{self.port}"


class ReaderSession(asyncssh.SSHServerSession[bytes]):
    """A session channel: only an interactive shell request with a pty runs the app."""

    def __init__(self, hub: Hub, peer: Peer, on_close: Callable[[], None]) -> None:
        self._hub = hub
        self._peer = peer
        self._on_close = on_close
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._term: str | None = None
        self._size = (80, 24, 0, 0)
        self._master = -1
        self._proc: asyncio.subprocess.Process | None = None
        self._pending = bytearray()
        self._reading = False
        self._output_done = asyncio.Event()
        self._started = time.monotonic()
        self._last_input = self._started
        self._idle_timer: asyncio.TimerHandle | None = None
        self._bytes_in = 0
        self._bytes_out = 0
        self._reason: str | None = None
        self._running = False
        self._logged = False

    # -- what the client asks for ---------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], _: Any) -> bool:
        self._term = term_type if _SAFE_TERM.fullmatch(term_type or "") else "xterm-256color"
        self._size = term_size
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._refuse("exec request")
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        self._refuse(f"subsystem {printable(subsystem, 20)}")
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def signal_received(self, signal: str) -> None:
        """Signals from the client are not passed on: the app is not the client's process."""

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self._size = (width, height, pixwidth, pixheight)
        if self._master >= 0:
            _set_size(self._master, self._size)

    def session_started(self) -> None:
        chan = self._chan
        assert chan is not None
        if self._term is None:
            self._refuse("no terminal")
            self._close_with("newsdesk: this server runs the news reader only: connect with ssh -t")
        elif self._hub.stopping:
            self._close_with("newsdesk: the server is stopping")
        elif self._hub.full():
            self._refuse(f"server full ({self._hub.options.max_sessions} sessions)")
            self._close_with("newsdesk: the server is full: try again later")
        else:
            self._hub.sessions.add(self)
            self._running = True
            asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._last_input = time.monotonic()
        self._bytes_in += len(data)
        if self._master < 0 or self._reason is not None:
            return
        self._pending += data
        self._flush_input()
        if len(self._pending) > INPUT_HIGH_WATER and self._chan is not None:
            self._chan.pause_reading()

    def eof_received(self) -> bool:
        self.end("client closed its input")
        return False

    def pause_writing(self) -> None:
        """The client reads slower than the app writes: stop reading the app's output."""
        self._watch_output(False)

    def resume_writing(self) -> None:
        self._watch_output(True)

    def connection_lost(self, exc: Exception | None) -> None:
        self._on_close()
        if self._running:
            self.end(f"disconnected: {printable(str(exc))}" if exc else "disconnected")
        else:
            self._log_refusal()

    # -- running the app ------------------------------------------------------------------

    def end(self, reason: str, message: str | None = None) -> None:
        """Stop the session's app (first reason wins); ``message`` goes to the reader."""
        if self._reason is not None:
            return
        self._reason = reason
        self._watch_output(False)
        self._cancel_idle_timer()
        if message and self._chan is not None and not self._chan.is_closing():
            self._chan.write(TERMINAL_RESET + b"\r\n" + message.encode() + b"\r\n")
        self._stop_app()

    async def _run(self) -> None:
        status = 1
        try:
            status = await self._run_app()
        except OSError as exc:
            self._reason = self._reason or f"could not start the app: {exc.strerror or exc}"
            self._write_line("newsdesk: could not start a session: try again later")
        except Exception as exc:  # a fault here ends this session only, in one log line
            self._reason = f"internal error: {type(exc).__name__}: {exc}"
            self._write_line("newsdesk: the session failed: try again later")
            self.kill()
        finally:
            self._hub.sessions.discard(self)
            self._cancel_idle_timer()
            self._close_master()
            if self._chan is not None and not self._chan.is_closing():
                self._chan.exit(status)
            self._log_end(status)

    async def _run_app(self) -> int:
        master, slave = os.openpty()
        self._master = master
        try:
            os.set_blocking(master, False)
            _set_size(master, self._size)
            self._proc = await asyncio.create_subprocess_exec(
                *self._command(),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=self._environment(),
                cwd=str(self._hub.options.store_path.parent),
                start_new_session=True,
            )
        finally:
            os.close(slave)
        if self._reason is not None:  # ended while starting
            self._stop_app()
        self._watch_output(True)
        self._schedule_idle_check(self._hub.options.idle_timeout_s)
        status = await self._proc.wait()
        if self._reason is None:  # the app ended by itself: relay its last words
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._output_done.wait(), OUTPUT_DRAIN_S)
        self._watch_output(False)
        if self._reason is None:
            self._reason = "quit" if status == 0 else _status_reason(status)
        return status if status >= 0 else 128 - status

    def _command(self) -> list[str]:
        state = reader_state_path(self._hub.options.store_path, self._peer.user)
        return [
            sys.executable,
            "-m",
            "tui.serve.child",
            "--db",
            str(self._hub.options.store_path),
            "--state",
            str(state),
            "--read-only",
        ]

    def _environment(self) -> dict[str, str]:
        """A clean environment: nothing of the server's own beyond where things live."""
        env = {name: os.environ[name] for name in SERVER_ENV if name in os.environ}
        package_root = str(Path(tui.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = package_root
        env["LANG"] = "C.UTF-8"
        env["TERM"] = self._term or "xterm-256color"
        peer = self._peer
        env["SSH_CONNECTION"] = f"{peer.host} {peer.port} {peer.local_host} {peer.local_port}"
        if self._chan is not None:
            client = self._chan.get_environment()
            for name in CLIENT_ENV:
                value = client.get(name)
                if isinstance(value, str) and _SAFE_TERM.fullmatch(value):
                    env[name] = value
        return env

    # -- bytes both ways ------------------------------------------------------------------

    def _watch_output(self, on: bool) -> None:
        if self._master < 0 or on == self._reading or self._output_done.is_set():
            return
        loop = asyncio.get_running_loop()
        if on and self._reason is None:
            loop.add_reader(self._master, self._relay_output)
            self._reading = True
        elif not on:
            loop.remove_reader(self._master)
            self._reading = False

    def _relay_output(self) -> None:
        try:
            data = os.read(self._master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:  # EIO: every process holding the pty has closed it
            data = b""
        if not data:
            self._watch_output(False)
            self._output_done.set()
            return
        self._bytes_out += len(data)
        if self._chan is not None and not self._chan.is_closing():
            self._chan.write(data)

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
        if self._chan is not None:
            self._chan.resume_reading()

    def _close_master(self) -> None:
        if self._master >= 0:
            loop = asyncio.get_running_loop()
            loop.remove_reader(self._master)
            loop.remove_writer(self._master)
            os.close(self._master)
            self._master = -1

    def _stop_app(self, step: int = 0) -> None:
        """Send the app's process group ``STOP_SIGNALS[step]``, then the next one after
        ``STOP_GRACE_S`` until the app has ended: whatever the app ignores or blocks, SIGKILL
        comes within a few seconds."""
        if self._proc is None or self._proc.returncode is not None:
            return
        _signal_group(self._proc.pid, STOP_SIGNALS[step])
        if step + 1 < len(STOP_SIGNALS):
            loop = asyncio.get_running_loop()
            loop.call_later(STOP_GRACE_S, self._stop_app, step + 1)

    def kill(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            _signal_group(self._proc.pid, signal.SIGKILL)

    # -- idle timeout ---------------------------------------------------------------------

    def _schedule_idle_check(self, delay: float) -> None:
        loop = asyncio.get_running_loop()
        self._idle_timer = loop.call_later(max(delay, 0.05), self._check_idle)

    def _check_idle(self) -> None:
        timeout = self._hub.options.idle_timeout_s
        left = self._last_input + timeout - time.monotonic()
        if left > 0:
            self._schedule_idle_check(left)
            return
        shown = f"{timeout:g} s"
        self.end(f"idle for {shown}", f"newsdesk: closed after {shown} without a key pressed")

    def _cancel_idle_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    # -- messages and the log -------------------------------------------------------------

    def _write_line(self, message: str) -> None:
        if self._chan is not None and not self._chan.is_closing():
            self._chan.write(message.encode() + b"\r\n")

    def _close_with(self, message: str) -> None:
        self._write_line(message)
        if self._chan is not None:
            self._chan.exit(1)

    def _refuse(self, what: str) -> None:
        self._reason = self._reason or what

    def _log_refusal(self) -> None:
        if self._reason is not None and not self._logged:
            self._logged = True
            self._hub.log(f"refused {self._peer.describe()}: {self._reason}")

    def _log_end(self, status: int) -> None:
        self._logged = True
        took = _duration(time.monotonic() - self._started)
        traffic = f"{_size(self._bytes_in)} in, {_size(self._bytes_out)} out"
        self._hub.log(
            f"session {self._peer.describe()} ended after {took} ({self._reason}; {traffic})"
        )


def _set_size(fd: int, size: tuple[int, int, int, int]) -> None:
    """Tell the pty the client's size (the app's process then gets SIGWINCH)."""
    width, height, pixwidth, pixheight = size
    cols, rows = (width or 80), (height or 24)
    winsize = struct.pack("HHHH", min(rows, 0xFFFF), min(cols, 0xFFFF), pixwidth, pixheight)
    with contextlib.suppress(OSError):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, winsize)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _status_reason(status: int) -> str:
    if status < 0:
        return f"app ended by signal {signal.Signals(-status).name}"
    return f"app exited with status {status}"


def _duration(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"
