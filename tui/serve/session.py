"""One reader's SSH session: the channel's requests, the app started for it, idle timing
and the session's log line.

A process per session means one reader's crash, hang or runaway search never touches
another's, and the app runs exactly as it does in a local terminal (``AppProcess``). The
session ends when the reader quits, goes away or stays idle, or when the server stops.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tui
from store import reader_state_path
from tui.serve.app_process import AppProcess
from tui.serve.hub import Hub, Peer, printable
from tui.serve.ssh import asyncssh

INPUT_HIGH_WATER = 64 * 1024
"""Keys not yet taken by the app beyond this pause reading from the client (flow control)."""
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


class ReaderSession(asyncssh.SSHServerSession[bytes]):
    """A session channel: only an interactive shell request with a pty runs the app."""

    def __init__(self, hub: Hub, peer: Peer, on_close: Callable[[], None]) -> None:
        self._hub = hub
        self._peer = peer
        self._on_close = on_close
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._term: str | None = None
        self._size = (80, 24, 0, 0)
        self._app = AppProcess(self._relay_output, self._keys_taken)
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
        self._app.resize(self._size)

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
        if not self._app.started or self._reason is not None:
            return
        if self._app.send(data) > INPUT_HIGH_WATER and self._chan is not None:
            self._chan.pause_reading()

    def eof_received(self) -> bool:
        self.end("client closed its input")
        return False

    def pause_writing(self) -> None:
        """The client reads slower than the app writes: stop reading the app's output."""
        self._app.watch_output(False)

    def resume_writing(self) -> None:
        self._app.watch_output(True)

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
        self._app.stop()
        self._cancel_idle_timer()
        if message and self._chan is not None and not self._chan.is_closing():
            self._chan.write(TERMINAL_RESET + b"\r\n" + message.encode() + b"\r\n")

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
            self._app.close()
            if self._chan is not None and not self._chan.is_closing():
                self._chan.exit(status)
            self._log_end(status)

    async def _run_app(self) -> int:
        cwd = str(self._hub.options.store_path.parent)
        await self._app.start(self._command(), self._environment(), cwd, self._size)
        self._schedule_idle_check(self._hub.options.idle_timeout_s)
        status = await self._app.wait(OUTPUT_DRAIN_S)
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

    def _relay_output(self, data: bytes) -> None:
        self._bytes_out += len(data)
        if self._chan is not None and not self._chan.is_closing():
            self._chan.write(data)

    def _keys_taken(self) -> None:
        if self._chan is not None:
            self._chan.resume_reading()

    def kill(self) -> None:
        self._app.kill()

    @property
    def app_pid(self) -> int | None:
        """The process id of the session's app, once started."""
        return self._app.pid

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
