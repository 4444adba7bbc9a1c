"""What ``newsdesk serve`` is asked to do, checked before anything listens.

Each check fails with one line (``ServeError``) rather than a traceback: a missing key file,
a key file with no keys, a host key that cannot be read or a remote address without
``--allow-remote``.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from store.storage.atomic import open_regular
from tui.serve.defaults import (
    DEFAULT_IDLE_TIMEOUT_S,
    DEFAULT_KEEPALIVE_S,
    DEFAULT_MAX_SESSIONS,
    default_host_key_path,
)
from tui.serve.ssh import asyncssh


class ServeError(Exception):
    """A reason the server cannot start, as one line."""


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    store_path: Path
    authorized_keys: asyncssh.SSHAuthorizedKeys
    key_count: int
    authorized_keys_path: Path
    host_key: asyncssh.SSHKey
    max_sessions: int = DEFAULT_MAX_SESSIONS
    idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S
    keepalive_s: float = DEFAULT_KEEPALIVE_S
    """Seconds between checks that a logged-in client still answers."""
    fetch_every_s: float | None = None
    """Fetch the feeds that are due this often (``--fetch-every``), or never."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (``localhost`` or 127/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str, allow_remote: bool) -> str | None:
    """A warning to print when serving beyond this machine; ``ServeError`` when not allowed."""
    if is_loopback(host):
        return None
    if not allow_remote:
        raise ServeError(
            f"--host {host} is not a loopback address: "
            "add --allow-remote to serve readers on other machines"
        )
    return (
        f"warning: serving on {host}: anyone who can reach it may try to log in; "
        "only keys in the authorized keys file get in"
    )


class AuthorizedKeys:
    """The authorized keys file, read again when it changes: a reader added to it gets in
    without a restart. A file that has become unusable keeps the keys it last held (and
    says why in the log, once per change)."""

    def __init__(self, path: Path, keys: asyncssh.SSHAuthorizedKeys) -> None:
        self.path = path
        self.keys = keys
        self._stamp = _stamp(path)

    def current(self) -> tuple[asyncssh.SSHAuthorizedKeys, str | None]:
        """The keys now, and a line for the log when the file changed."""
        stamp = _stamp(self.path)
        if stamp == self._stamp:
            return self.keys, None
        self._stamp = stamp
        try:
            self.keys, count = load_authorized_keys(self.path)
        except ServeError as exc:
            return self.keys, f"{exc}; the keys read before are kept"
        return self.keys, f"{self.path}: read again, {count} authorized key(s)"


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def load_authorized_keys(path: Path) -> tuple[asyncssh.SSHAuthorizedKeys, int]:
    """The keys that may log in, and how many lines hold one; refuses an empty file."""
    try:
        with open_regular(path) as file:
            text = file.read().decode("utf-8")
    except FileNotFoundError:
        raise ServeError(
            f"{path}: no such file: put each reader's public key in it "
            "(one line per key, as in ~/.ssh/authorized_keys)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ServeError(f"{path}: cannot read the authorized keys: {_reason(exc)}") from None
    lines = [line for line in text.splitlines() if line.strip() and line.lstrip()[0] != "#"]
    if not lines:
        raise ServeError(f"{path}: no keys in it: add each reader's public key, one per line")
    try:
        keys = asyncssh.import_authorized_keys(text)
    except (ValueError, asyncssh.KeyImportError) as exc:
        raise ServeError(f"{path}: not an authorized keys file: {exc}") from None
    return keys, len(lines)


def load_or_create_host_key(path: Path | None) -> tuple[asyncssh.SSHKey, str | None]:
    """The server's host key and, when it was just made, a line saying where it was kept.

    A key named with ``--host-key`` must exist; the default one is generated once and
    then kept (a new host key on every start would teach readers to ignore the warning)."""
    if path is not None:
        return _read_host_key(path), None
    path = default_host_key_path()
    if path.exists():
        return _read_host_key(path), None
    key = asyncssh.generate_private_key("ssh-ed25519", comment="newsdesk serve host key")
    _write_private(path, key.export_private_key())
    return key, f"generated a host key: {path}"


def _read_host_key(path: Path) -> asyncssh.SSHKey:
    try:
        return asyncssh.read_private_key(path)
    except FileNotFoundError:
        raise ServeError(f"{path}: no such host key file") from None
    except OSError as exc:
        raise ServeError(f"{path}: cannot read the host key: {_reason(exc)}") from None
    except (ValueError, asyncssh.KeyImportError) as exc:
        raise ServeError(f"{path}: not an unencrypted private key: {exc}") from None


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` readable by its owner only; never replace a file already there."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
    except OSError as exc:
        raise ServeError(f"{path}: cannot keep the host key: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    return exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
