"""The SSH server: public keys from one file, a session per reader, nothing else allowed.

Passwords and keyboard-interactive logins are not offered, so a client cannot even try
them; port forwarding (TCP and Unix), tunnels, agent and X11 forwarding, exec requests and
subsystems (SFTP) are refused. A connection that never logs in gets one log line saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import asyncssh

from tui.serve.options import ServeOptions
from tui.serve.relay import Hub, Peer, ReaderSession, printable

LOGIN_TIMEOUT_S = 30.0
CONNECTIONS_PER_SESSION = 2
"""Open connections allowed per session of --max-sessions (plus a few): enough for readers
reconnecting, not for a flood of logins that never finish."""
SPARE_CONNECTIONS = 8
STOP_WAIT_S = 5.0


class ReaderServer(asyncssh.SSHServer):
    """One SSH connection: who it is, whether they got in, and the sessions they open."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._conn: asyncssh.SSHServerConnection | None = None
        self._user: str | None = None
        self._authed = False
        self._keys_tried = 0
        self._unnamed = False
        self._counted = False
        self._keys = hub.options.authorized_keys
        self._channels = 0
        self._quiet_since = time.monotonic()
        self._quiet_timer: asyncio.TimerHandle | None = None
        self._peer = ("?", 0)
        self._local = ("?", 0)

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._peer = _address(conn.get_extra_info("peername"))
        self._local = _address(conn.get_extra_info("sockname"))
        hub = self._hub
        hub.connections += 1
        self._counted = True
        limit = hub.options.max_sessions * CONNECTIONS_PER_SESSION + SPARE_CONNECTIONS
        if hub.connections > limit:
            host, port = self._peer
            hub.log(f"refused a connection from {host}:{port}: {limit} already open")
            conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, "newsdesk: the server is full")

    def connection_lost(self, exc: Exception | None) -> None:
        if self._quiet_timer is not None:
            self._quiet_timer.cancel()
        if self._counted:
            self._hub.connections -= 1
            self._counted = False
        if self._user is not None and not self._authed:
            host, port = self._peer
            tried = self._keys_tried
            keys = "no key offered" if not tried else f"{tried} unknown key(s) offered"
            if self._unnamed:
                keys = 'a listed key with no principals="..." naming its readers'
            self._hub.log(f"refused {printable(self._user)} from {host}:{port}: login ({keys})")

    def begin_auth(self, username: str) -> bool:
        self._user = username
        self._keys = self._hub.authorized_keys()
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        """A key in the file whose line names the readers it may log in as
        (``principals="alice"``; ``"*"`` for any name): the name chooses the reading state,
        so a key with no names on its line could read and change anyone's. ``from="..."``
        limits where a key may come from."""
        host = self._peer[0]
        options = self._keys.validate(key, host, host, [username])
        if options is not None and "principals" not in options:
            self._unnamed = True
            options = None
        if options is None:
            self._keys_tried += 1
        return options is not None

    def auth_completed(self) -> None:
        self._authed = True
        self._quiet_since = time.monotonic()
        self._check_quiet()

    def _check_quiet(self) -> None:
        """A logged-in connection with no session open (``ssh -N``) is closed after the idle
        timeout too: it holds one of the bounded connections and serves nobody."""
        timeout = self._hub.options.idle_timeout_s
        left = self._quiet_since + timeout - time.monotonic()
        if self._channels == 0 and left <= 0 and self._conn is not None:
            host, port = self._peer
            user = printable(self._user or "?")
            self._hub.log(f"closed {user} from {host}:{port}: no session for {timeout:g} s")
            self._conn.close()
            return
        delay = timeout if self._channels else max(left, 0.05)
        self._quiet_timer = asyncio.get_running_loop().call_later(delay, self._check_quiet)

    def _channel_closed(self) -> None:
        self._channels -= 1
        self._quiet_since = time.monotonic()

    def session_requested(self) -> ReaderSession:
        assert self._user is not None
        host, port = self._peer
        local_host, local_port = self._local
        self._channels += 1
        peer = Peer(self._user, host, port, local_host, local_port)
        return ReaderSession(self._hub, peer, self._channel_closed)

    def connection_requested(self, *_: Any) -> bool:
        return False

    def server_requested(self, *_: Any) -> bool:
        return False

    def unix_connection_requested(self, *_: Any) -> bool:
        return False

    def unix_server_requested(self, *_: Any) -> bool:
        return False

    def tun_requested(self, *_: Any) -> bool:
        return False

    def tap_requested(self, *_: Any) -> bool:
        return False


def _address(value: Any) -> tuple[str, int]:
    if isinstance(value, tuple) and len(value) >= 2:
        return str(value[0]), int(value[1])
    return "?", 0


async def start_server(options: ServeOptions, hub: Hub) -> asyncssh.SSHAcceptor:
    """Listen (raises ``OSError`` when the address cannot be had)."""
    return await asyncssh.create_server(
        lambda: ReaderServer(hub),
        options.host,
        options.port,
        server_host_keys=[options.host_key],
        encoding=None,
        login_timeout=LOGIN_TIMEOUT_S,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        reuse_address=True,
        # A reader whose network went away is noticed in about 3 minutes, not at the idle
        # timeout.
        keepalive_interval=60,
        keepalive_count_max=3,
    )


async def serve_until_stopped(
    options: ServeOptions, log: Callable[[str], None], ready: Callable[[int], None]
) -> None:
    """Serve until SIGINT or SIGTERM, then end every session (their processes too)."""
    hub = Hub(options, log)
    acceptor = await start_server(options, hub)
    ready(acceptor.get_port())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _, context: _log_internal(log, context))
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        acceptor.close()
        hub.stop_all()
        await _wait_for_sessions(hub)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(acceptor.wait_closed(), STOP_WAIT_S)


async def _wait_for_sessions(hub: Hub) -> None:
    deadline = asyncio.get_running_loop().time() + STOP_WAIT_S
    while hub.sessions and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)


def _log_internal(log: Callable[[str], None], context: dict[str, Any]) -> None:
    """A fault inside the server is one log line, not a traceback; serving goes on."""
    exc = context.get("exception")
    detail = f": {type(exc).__name__}: {exc}" if exc is not None else ""
    log(f"internal error: {context.get('message', 'unexpected')}{detail}")


def log_line(message: str) -> None:
    print(f"newsdesk serve: {message}", file=sys.stderr, flush=True)
