"""A TinyDB storage that never leaves a half-written file behind.

TinyDB's own ``JSONStorage`` truncates and rewrites the file in place, so a crash mid-write
loses the store. ``AtomicJSONStorage`` writes a temporary file in the same folder, fsyncs it,
and swaps it in with ``os.replace``; readers therefore always see a complete old or new file.
Writers hold an inter-process lock (``<file>.lock``) so that two processes never interleave.

A file changed many times by one process (the reading state) is changed through
``store.reading.snapshot.updating`` instead, which does not re-read it before each change.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

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


_CAUSES = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def describe(exc: OSError) -> str:
    """The cause of a failed file operation in words a reader acts on ("disk full"), with
    the system's own wording beside it."""
    detail = exc.strerror or str(exc) or type(exc).__name__
    cause = _CAUSES.get(exc.errno or 0)
    return f"{cause} ({detail})" if cause and cause != detail.lower() else detail


_THREAD_LOCKS: dict[str, threading.RLock] = {}


@contextlib.contextmanager
def holding(lock: FileLock) -> Iterator[None]:
    """Hold ``lock``, turning a timeout, or a lock file that cannot be created (a read-only
    folder), into a one-line store error.

    The file lock is shared by the threads of a process (that is what lets holds nest), so
    a thread lock is taken first: a background worker and the UI never write at once.

    A hold that created the lock file and ends in an error (a store refused, an input that
    cannot be read, a write that failed) removes it again: what is refused gains nothing
    beside it."""
    with _THREAD_LOCKS.setdefault(lock.lock_file, threading.RLock()):
        created = not os.path.lexists(lock.lock_file)
        try:
            lock.acquire()
        except Timeout as exc:
            raise LockTimeout(f"{exc.lock_file} is held by another process") from None
        except OSError as exc:
            raise StoreError(f"{lock.lock_file}: cannot lock: {describe(exc)}") from None
        try:
            yield
        except BaseException:
            if created and lock.lock_counter == 1:  # the outermost hold: still ours to remove
                with contextlib.suppress(OSError):
                    os.unlink(lock.lock_file)
            raise
        finally:
            lock.release()


class NotRegularFile(OSError):
    """A FIFO, socket or device where a file was expected: reading one could wait forever
    or never end."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EINVAL, "not a regular file", str(path))


def open_regular_fd(path: Path | str) -> int:
    """A descriptor of ``path`` opened for reading, refusing (``NotRegularFile``,
    ``IsADirectoryError``) what is not a regular file without waiting on it: a FIFO is
    opened without blocking and looked at before anything is read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket
            raise NotRegularFile(path) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_regular(path: Path | str) -> BinaryIO:
    """``path`` opened for reading in binary, as ``open_regular_fd`` allows."""
    return os.fdopen(open_regular_fd(path), "rb")


def check_regular(path: Path) -> os.stat_result:
    """The status of a store file, refusing in one line a missing one, a folder, or one
    that is not a regular file (``--db`` naming a FIFO or ``/dev/null``)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path}: is a folder, not a store file")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path}: not a regular file, not a store file")
    return info


def read_tables(path: Path) -> Tables:
    """Parse a TinyDB JSON file, raising ``StoreError`` with a readable reason."""
    try:
        with open_regular(path) as file:
            raw = file.read()
    except NotRegularFile:
        raise StoreError(f"{path}: not a regular file, not a store file") from None
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a store file") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_tables(path, raw)


def parse_tables(path: Path, raw: bytes) -> Tables:
    """Parse the bytes of a TinyDB JSON file (read from ``path``)."""
    if not raw.strip():
        raise StoreError(f"{path}: file is empty, not a TinyDB store")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise StoreError(f"{path}: not a TinyDB store (expected an object of tables)")
    return data


TEMP_SUFFIX = ".tmp"
_RANDOM_CHARS = 8  # of tempfile.mkstemp's names


def temp_prefix(path: Path) -> str:
    """Temporary files of ``path`` are ``.<name>.<random>.tmp``: hidden, and never ending in
    the store's own suffix, so nothing takes one for a store."""
    return f".{path.name}."


def remove_leftovers(path: Path) -> int:
    """Delete temporary files a writer killed mid-write left beside ``path``; the number
    removed. Only call holding ``path``'s lock: then no live writer has one open."""
    prefix, removed = temp_prefix(path), 0
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return 0
    for entry in entries:
        middle = entry.name[len(prefix) : -len(TEMP_SUFFIX)]
        if (
            entry.name.startswith(prefix)
            and entry.name.endswith(TEMP_SUFFIX)
            and len(middle) == _RANDOM_CHARS  # not a temp file of "<name>.other"
            and "." not in middle
        ):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


def write_atomically(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` with ``payload`` (or its parts, one after another: a large file
    need not be copied into one buffer first) so that no reader ever sees a partial file."""
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            if isinstance(payload, bytes):
                tmp.write(payload)
            else:
                tmp.writelines(payload)
            tmp.flush()
            os.fchmod(tmp.fileno(), _mode_for(path))
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_folder(path.parent)


def dump_tables(tables: Any) -> bytes:
    """The JSON of ``tables`` (or of one document). Keys that are not strings (TinyDB's
    document ids before it turns them into strings) need orjson's option for them, which
    makes the whole dump about twice as slow, so it is taken only when needed."""
    try:
        return orjson.dumps(tables)
    except TypeError:
        return orjson.dumps(tables, option=orjson.OPT_NON_STR_KEYS)


Encoded = Iterable[tuple[str, bytes]]
"""(key, document already encoded as JSON) pairs, given as they become ready."""


def table_parts(tables: Tables, more: Mapping[str, Encoded] | None = None) -> Iterator[bytes]:
    """The JSON of ``tables`` (as ``dump_tables``) a document at a time: a store of 100,000
    articles is never also one 500 MB buffer in memory while it is written. ``more`` adds
    encoded documents to a table, after its own, as they come: an import writes each new
    article as soon as its entities are extracted, and keeps none of them."""
    yield b"{"
    for n, (name, table) in enumerate(tables.items()):
        yield (b"," if n else b"") + orjson.dumps(str(name)) + b":{"
        encoded = ((key, dump_tables(doc)) for key, doc in table.items())
        added = (more or {}).get(name, ())
        for m, (key, document) in enumerate(itertools.chain(encoded, added)):
            yield (b"," if m else b"") + orjson.dumps(str(key)) + b":" + document
        yield b"}"
    yield b"}"


def write_or_explain(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """``write_atomically``, with a failure as a one-line ``StoreError`` naming the cause."""
    try:
        write_atomically(path, payload)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write: {describe(exc)}") from None


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

    def write(self, data: Tables, more: Mapping[str, Encoded] | None = None) -> None:
        """Write ``data`` (and ``more``: see ``table_parts``) in place of the file."""
        with holding(self.lock):
            remove_leftovers(self.path)
            write_or_explain(self.path, table_parts(data, more))

    def close(self) -> None:
        """Nothing stays open between operations."""
