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

from tui.serve.hub import Hub, Peer, printable
from tui.serve.options import ServeOptions
from tui.serve.session import ReaderSession
from tui.serve.ssh import asyncssh

LOGIN_TIMEOUT_S = 30.0
MAX_KEYS_LOGGED = 4
"""The keys a refused login's log line names, at most (a client may offer dozens)."""
CONNECTIONS_PER_SESSION = 2
"""Open connections allowed per session of --max-sessions (plus a few): enough for readers
reconnecting, not for a flood of logins that never finish."""
SPARE_CONNECTIONS = 8
STOP_WAIT_S = 5.0
"""How long stopping waits for the sessions' processes (they have ended well before)."""
KEEPALIVE_COUNT = 3


class ReaderServer(asyncssh.SSHServer):
    """One SSH connection: who it is, whether they got in, and the sessions they open."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._conn: asyncssh.SSHServerConnection | None = None
        self._user: str | None = None
        self._authed = False
        self._key_refusals: list[str] = []
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
        self._refuse_agent_and_x11(conn)
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
            shown = self._key_refusals[:MAX_KEYS_LOGGED]
            if more := len(self._key_refusals) - len(shown):
                shown.append(f"{more} more key(s)")
            self._log_refusal(f"login ({'; '.join(shown) or 'no key offered'})")

    def _log_refusal(self, what: str) -> None:
        host, port = self._peer
        self._hub.log(f"refused {printable(self._user or '?')} from {host}:{port}: {what}")

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
        refusal = None
        if options is not None and "principals" not in options:
            refusal = f'key {_fingerprint(key)} listed with no principals="..." naming its readers'
        elif options is None and self._keys.validate(key, host, host, None) is not None:
            refusal = f"key {_fingerprint(key)} not authorised for user {printable(username)}"
        elif options is None:
            refusal = f"unknown key {_fingerprint(key)} (not listed, or not from {host})"
        if refusal is not None and refusal not in self._key_refusals:
            self._key_refusals.append(refusal)
        return refusal is None

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

    def connection_requested(self, dest_host: str, dest_port: int, *_: Any) -> bool:
        self._log_refusal(f"port forwarding -L to {_place(dest_host, dest_port)}")
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        self._log_refusal(f"port forwarding -R from {_place(listen_host, listen_port)}")
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        self._log_refusal(f"forwarding -L to Unix socket {printable(dest_path)}")
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        self._log_refusal(f"forwarding -R from Unix socket {printable(listen_path)}")
        return False

    def tun_requested(self, unit: int | None) -> bool:
        self._log_refusal("tunnel (-w)")
        return False

    def tap_requested(self, unit: int | None) -> bool:
        self._log_refusal("tunnel (-w, Ethernet)")
        return False

    def _refuse_agent_and_x11(self, conn: asyncssh.SSHServerConnection) -> None:
        """Agent and X11 forwarding are turned off in the server's options; the library
        refuses them with no call of its own, at these two points, which log it here."""

        async def no_agent() -> bool:
            self._log_refusal("agent forwarding (-A)")
            return False

        async def no_x11(*_: Any) -> None:
            self._log_refusal("X11 forwarding (-X)")

        setattr(conn, "create_agent_listener", no_agent)  # noqa: B010
        setattr(conn, "attach_x11_listener", no_x11)  # noqa: B010


def _fingerprint(key: asyncssh.SSHKey) -> str:
    """The public key's fingerprint (``SHA256:...``): names the key, reveals nothing."""
    return key.get_fingerprint()


def _place(host: str, port: int) -> str:
    return f"{printable(host)}:{port}"


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
        # A reader whose client or network went away without a word is noticed after
        # KEEPALIVE_COUNT unanswered keepalives (3 minutes), not at the idle timeout.
        keepalive_interval=options.keepalive_s,
        keepalive_count_max=KEEPALIVE_COUNT,
    )


async def serve_until_stopped(
    options: ServeOptions, log: Callable[[str], None], ready: Callable[[int], None]
) -> None:
    """Serve until SIGINT, SIGTERM or SIGHUP (see ``_catch_stop_signals``), then end every
    session and wait for their processes."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    restore = _catch_stop_signals(loop, stop.set)
    hub = Hub(options, log)
    rounds = None
    try:
        acceptor = await start_server(options, hub)
        ready(acceptor.get_port())
        if options.fetch_every_s is not None:
            from tui.commands.rules import arrival_rules
            from tui.serve.fetching import FetchRounds

            rounds = FetchRounds(options.store_path, options.fetch_every_s, log, arrival_rules())
            rounds.start()
        loop.set_exception_handler(lambda _, context: _log_internal(log, context))
        try:
            await stop.wait()
        finally:
            acceptor.close()
            await _end_sessions(hub)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(acceptor.wait_closed(), STOP_WAIT_S)
    finally:
        if rounds is not None:
            rounds.stop()
        restore()


def _catch_stop_signals(
    loop: asyncio.AbstractEventLoop, stop: Callable[[], None]
) -> Callable[[], None]:
    """SIGINT and SIGTERM stop the server even when it was started with them ignored or
    blocked (a shell's background job, a service manager's mask). SIGHUP stops it too,
    unless it came ignored (``nohup``): then a hangup is caught and ignored. Every one of
    them is caught rather than ignored, so that each session's process starts with its
    default action. Returns what puts the signals back as they were."""
    wanted = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    before = {sig: signal.getsignal(sig) for sig in wanted}
    signal.pthread_sigmask(signal.SIG_UNBLOCK, wanted)
    for sig in wanted:
        hangup_ignored = sig == signal.SIGHUP and before[sig] == signal.SIG_IGN
        loop.add_signal_handler(sig, (lambda: None) if hangup_ignored else stop)

    def restore() -> None:
        for sig, handler in before.items():
            loop.remove_signal_handler(sig)
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)

    return restore


async def _end_sessions(hub: Hub) -> None:
    """End every session and wait for its process; SIGKILL for any still there at the end."""
    hub.stop_all()
    if not await _sessions_ended(hub, STOP_WAIT_S):
        hub.kill_all()
        await _sessions_ended(hub, STOP_WAIT_S)


async def _sessions_ended(hub: Hub, wait_s: float) -> bool:
    deadline = asyncio.get_running_loop().time() + wait_s
    while hub.sessions and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    return not hub.sessions


def _log_internal(log: Callable[[str], None], context: dict[str, Any]) -> None:
    """A fault inside the server is one log line, not a traceback; serving goes on."""
    exc = context.get("exception")
    detail = f": {type(exc).__name__}: {exc}" if exc is not None else ""
    log(f"internal error: {context.get('message', 'unexpected')}{detail}")


def log_line(message: str) -> None:
    print(f"newsdesk serve: {message}", file=sys.stderr, flush=True)
