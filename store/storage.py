"""A TinyDB storage that never leaves a half-written file behind.

TinyDB's own ``JSONStorage`` truncates and rewrites the file in place, so a crash mid-write
loses the store. ``AtomicJSONStorage`` writes a temporary file in the same folder, fsyncs it,
and swaps it in with ``os.replace``; readers therefore always see a complete old or new file.
Writers hold an inter-process lock (``<file>.lock``) so that two processes never interleave.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb.storages import Storage

from store.errors import LockTimeout, StoreError

LOCK_TIMEOUT_S = 10.0
Tables = dict[str, dict[str, Any]]


_LOCKS: dict[str, FileLock] = {}


def lock_for(path: Path) -> FileLock:
    """The inter-process lock guarding writes to ``path``.

    One lock object per file and process, so nested holds re-enter instead of deadlocking
    (``flock`` locks taken through two descriptors exclude each other even in one process).
    """
    key = str(path.resolve())
    if key not in _LOCKS:
        _LOCKS[key] = FileLock(key + ".lock", timeout=LOCK_TIMEOUT_S, thread_local=False)
    return _LOCKS[key]


@contextlib.contextmanager
def holding(lock: FileLock) -> Iterator[None]:
    """Hold ``lock``, turning a timeout into a one-line store error."""
    try:
        with lock:
            yield
    except Timeout as exc:
        raise LockTimeout(f"{exc.lock_file} is held by another process") from None


def read_tables(path: Path) -> Tables:
    """Parse a TinyDB JSON file, raising ``StoreError`` with a readable reason."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a store file") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
    if not raw.strip():
        raise StoreError(f"{path}: file is empty, not a TinyDB store")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise StoreError(f"{path}: not a TinyDB store (expected an object of tables)")
    return data


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so that no reader ever sees a partial file."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(payload)
            tmp.flush()
            os.fchmod(tmp.fileno(), _mode_for(path))
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_folder(path.parent)


def _mode_for(path: Path) -> int:
    """Keep the permissions of the file being replaced; a new file gets the usual 0666 & ~umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (not every platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson reads, atomic locked writes, no file created on read."""

    def __init__(self, path: str | os.PathLike[str], create: bool = False) -> None:
        self.path = Path(path)
        self.lock = lock_for(self.path)
        if create and not self.path.exists():
            with holding(self.lock):
                write_atomically(self.path, b"{}")

    def read(self) -> Tables | None:
        return read_tables(self.path)

    def write(self, data: Tables) -> None:
        payload = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        try:
            with holding(self.lock):
                write_atomically(self.path, payload)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write ({exc.strerror})") from None

    def close(self) -> None:
        """Nothing stays open between operations."""
