"""The search index: a SQLite file derived from the store, rebuilt whenever it is missing,
damaged or of another version, and never the only copy of anything.

Row ids are time keys (publication second x 4096 + a tie counter), so id order is date
order: the newest articles come first from every table without sorting, and a date filter
is a range of row ids.

``meta`` holds what a list row shows, what catching up compares, and where the document is
in the store (part, key, offset, length: the reading pane reads it from there, so the index
holds no copy of it); ``pending`` the documents whose words are still to be indexed (only
until they are); ``fts`` the words (FTS5, contentless, case and accent folded); ``tags``
the exact-match filter of tags, ``feed_of`` the subscription each fetched article came
from, ``names`` the entity names (one word each, see ``store.index.names``),
``name_tokens`` every token ever filed there (what a prefix of a
name expands to); ``parts`` each store file's signature as last caught up;
``lingering`` rows whose words stayed in ``fts`` because the document they were indexed
from was gone when they were removed (left out of every search); ``rejects`` the store's
documents left out (invalid, or a later copy of an id), per part.
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from store.paths import index_path_for as index_path_for

VERSION = 7
TIE_BITS = 12
UNDATED = -(2**62)
"""Key of articles without a date: after every dated one in date order."""
CACHE_KB = 64 * 1024
"""SQLite's page cache per connection (its default is 2 MB): building the index of 100,000
articles inserts millions of entity rows and words, and a small cache makes that
disk-bound."""
BUSY_MS = 10_000
"""How long a write waits for another process's write to the index before giving up."""
WORDS_HASH_BYTES = 64 * 1024 * 1024
"""FTS5 writes the words it holds in memory out to a new segment each time they pass this
(1 MB by default) and merges segments as they pile up: at 100,000 articles, 64 MB builds the
word index in 12 s instead of 20, with queries as fast. Only a large import fills it."""
UNDATED_SPAN = 1 << 40
"""Keys from ``UNDATED`` on that undated articles take, far below any real date's."""
FIRST_DATED = int(datetime(1800, 1, 1, tzinfo=UTC).timestamp()) << TIE_BITS

DDL = """
CREATE TABLE IF NOT EXISTS meta(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, fingerprint BLOB NOT NULL,
    published TEXT NOT NULL, source TEXT NOT NULL, title TEXT NOT NULL,
    sourcekey TEXT NOT NULL, indexed INTEGER NOT NULL DEFAULT 0,
    part INTEGER NOT NULL, key TEXT NOT NULL, offset INTEGER, length INTEGER);
CREATE INDEX IF NOT EXISTS meta_pending ON meta(indexed) WHERE indexed = 0;
CREATE INDEX IF NOT EXISTS meta_source ON meta(sourcekey, rowid);
CREATE INDEX IF NOT EXISTS meta_place ON meta(part, key);
CREATE TABLE IF NOT EXISTS pending(rowid INTEGER PRIMARY KEY, doc BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS parts(number INTEGER PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lingering(rowid INTEGER PRIMARY KEY);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, source, author, body, tags, content='', tokenize='unicode61 remove_diacritics 2',
    prefix='3');
CREATE TABLE IF NOT EXISTS feed_of(rowid INTEGER PRIMARY KEY, feed TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS feed_of_feed ON feed_of(feed, rowid);
CREATE TABLE IF NOT EXISTS tags(
    tag TEXT NOT NULL, rowid INTEGER NOT NULL, PRIMARY KEY(tag, rowid)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5(
    forms, tokenize='ascii', detail='none');
CREATE TABLE IF NOT EXISTS name_tokens(token TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rejects(
    part INTEGER NOT NULL, item TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL);
"""


def _tune_words(conn: sqlite3.Connection) -> None:
    """Set ``WORDS_HASH_BYTES`` on the word index (kept in the index file: set once)."""
    row = conn.execute("SELECT v FROM fts_config WHERE k = 'hashsize'").fetchone()
    if row is None or row[0] != WORDS_HASH_BYTES:
        try:
            conn.execute("INSERT INTO fts(fts, rank) VALUES ('hashsize', ?)", (WORDS_HASH_BYTES,))
            conn.commit()
        except sqlite3.OperationalError:  # another process is writing: next time
            conn.rollback()


def remove_index_files(path: Path) -> None:
    """Delete an index file and its write-ahead log, as far as they exist."""
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(name).unlink()


_DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt")


def damaged(exc: sqlite3.Error, conn: sqlite3.Connection | None) -> bool:
    """Whether an error means the index file is damaged: SQLite said so (a malformed page,
    not a database), or the error hints at it (an I/O error, such words) and the file fails
    an integrity check."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # extended codes share the low byte
    if code in _DAMAGE_CODES:
        return True
    text = str(exc).lower()
    hinted = code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FORMAT) or any(
        word in text for word in _DAMAGE_WORDS
    )
    return hinted and not passes_check(conn)


def passes_check(conn: sqlite3.Connection | None) -> bool:
    """SQLite's quick integrity check of the index (reads every page: only on suspicion)."""
    if conn is None:
        return False
    try:
        row = conn.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == "ok"


def identity(path: Path) -> tuple[int, int] | None:
    """Which file is at ``path`` now (device, inode), ``None`` when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _check_regular(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        try:
            mode = path.with_name(name).stat().st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, f"{name} is not a regular file")


def time_key(published: str) -> int:
    """The first key of the publication second of ``published`` (ISO 8601, UTC)."""
    if not published:
        return UNDATED
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return UNDATED
    return int(moment.timestamp()) << TIE_BITS


def moment_key(moment: datetime) -> int:
    return int(moment.timestamp()) << TIE_BITS


def connect(path: Path | None) -> sqlite3.Connection:
    """Open (creating) the index at ``path``, or in memory for ``None``.

    Raises ``sqlite3.DatabaseError`` for a damaged file or another version; the caller
    rebuilds. Raises ``OSError`` for a path (or log) that is not a regular file: SQLite
    would wait forever reading a FIFO.
    """
    if path is not None:
        _check_regular(path)
    conn = sqlite3.connect(":memory:" if path is None else str(path), check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, VERSION):
        conn.close()
        raise sqlite3.DatabaseError(f"index version {version}, expected {VERSION}")
    if path is not None:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(DDL)
    if version == 0:  # a new file; setting it on every open would wait for any writer
        conn.execute(f"PRAGMA user_version = {VERSION}")
    _tune_words(conn)
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS flags("
        "rowid INTEGER PRIMARY KEY, read INTEGER NOT NULL, starred INTEGER NOT NULL)"
    )
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS reader_tags("
        "tag TEXT NOT NULL, rowid INTEGER NOT NULL, PRIMARY KEY(tag, rowid)) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX IF NOT EXISTS temp.reader_tags_by_row ON reader_tags(rowid)")
    return conn
