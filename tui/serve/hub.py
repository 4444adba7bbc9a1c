"""What every SSH session of one server shares: its options, its sessions and its log.

``ReaderServer`` (the connection) and ``ReaderSession`` (the channel) both hold the hub;
it decides whether there is room for one more reader and ends every session on stop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from tui.serve.options import AuthorizedKeys, ServeOptions
from tui.serve.ssh import asyncssh


class Session(Protocol):
    """A reader's session as the hub sees it (``tui.serve.session.ReaderSession``)."""

    def end(self, reason: str, message: str | None = None) -> None: ...

    def kill(self) -> None: ...


def printable(text: str, limit: int = 64) -> str:
    """Text a client chose, safe for the server's log: no control characters, bounded."""
    shown = "".join(c if c.isprintable() else "?" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


@dataclass
class Hub:
    """What every session of one server shares: its options, its sessions and its log."""

    options: ServeOptions
    log: Callable[[str], None]
    sessions: set[Session] = field(default_factory=set)
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
