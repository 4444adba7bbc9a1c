"""Reading state (read, starred, tags, last opened) in a small TinyDB file of its own.

State changes on every keystroke, so it never lives in the article file. A change is
appended to the state file's journal (``store.reading.journal``) rather than rewriting the file, so
marking an article read costs the same with 10 or 100,000 articles in it. Each change is made
under the file's lock on what the file and journal hold then (reading only what other
processes appended since), so two processes on one store never lose each other's updates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.errors import StoreError
from store.reading.journal import (
    Position,
    append,
    inode_of,
    journal_path,
    needs_folding,
    read_from,
)
from store.reading.state_file import STATE_TABLE, fold_journal, make_folder
from store.reading.undo import Edit, tag_key, tags_in
from store.storage.atomic import describe, holding, lock_for, read_tables

_LOAD_TRIES = 5
Signature = tuple[int, int, int, int]


class ReadingState:
    """Per-article flags, cached in memory and written through to disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = journal_path(path)
        self.error: str | None = None
        self._flags: dict[str, dict[str, Any]] = {}
        self._snapshot: Signature | None = None
        self._position = Position()
        try:
            self._load()
        except StoreError as exc:
            self.error = f"reading state not saved: {exc}"

    @property
    def writable(self) -> bool:
        return self.error is None

    def _load(self) -> None:
        """The snapshot, then the journal on top of it. Without the lock (a reader may
        have no right to create one), so a fold by another process between the two reads
        is noticed and the reading started again."""
        for _ in range(_LOAD_TRIES):
            inode = inode_of(self.journal)
            flags, snapshot = self._read_snapshot()
            read = read_from(self.journal, Position())
            if read is not None and read[1].inode == inode:
                docs, self._position = read
                self._flags, self._snapshot = flags, snapshot
                self._replay(docs)
                return
        raise StoreError(f"{self.path}: changed by another process while being read")

    def _read_snapshot(self) -> tuple[dict[str, dict[str, Any]], Signature | None]:
        signature = _signature(self.path)
        if signature is None:
            return {}, None
        table = read_tables(self.path).get(STATE_TABLE, {})
        if not all(isinstance(doc, dict) for doc in table.values()):
            raise StoreError(f"{self.path}: not a reading state file")
        docs = {doc["id"]: doc for doc in table.values() if isinstance(doc.get("id"), str)}
        return docs, signature

    def _replay(self, docs: Iterable[dict[str, Any]]) -> None:
        for doc in docs:
            self._flags[doc["id"]] = doc

    def _refresh(self) -> None:
        """Bring the cache up to what the files hold now (call holding the lock): the
        journal lines other processes appended, or everything after a fold or a rewrite."""
        if _signature(self.path) != self._snapshot:
            self._load()
            return
        read = read_from(self.journal, self._position)
        if read is None:
            self._load()
        else:
            docs, self._position = read
            self._replay(docs)

    def reread(self) -> None:
        """Take in what other writers (another process, a fetch's rules) saved since."""
        try:
            self._refresh()
        except StoreError as exc:
            self.error = f"reading state not saved: {exc}"

    def flags(self) -> list[tuple[str, bool, bool]]:
        """(article id, read, starred) of every article with a state."""
        return [
            (article_id, bool(doc.get("read")), bool(doc.get("starred")))
            for article_id, doc in self._flags.items()
        ]

    def is_read(self, article_id: str) -> bool:
        return bool(self._flags.get(article_id, {}).get("read"))

    def is_starred(self, article_id: str) -> bool:
        return bool(self._flags.get(article_id, {}).get("starred"))

    def set_read(self, article_id: str, read: bool = True) -> None:
        changes: dict[str, Any] = {"read": read}
        if read:
            changes["opened"] = _now()
        self._change(article_id, lambda doc: changes)

    def toggle_read(self, article_id: str) -> bool:
        done = self._change(article_id, lambda doc: {"read": not doc.get("read")})
        return bool(done["read"])

    def toggle_star(self, article_id: str) -> bool:
        done = self._change(article_id, lambda doc: {"starred": not doc.get("starred")})
        return bool(done["starred"])

    def opened(self, article_id: str) -> str | None:
        """When the article was last opened (ISO 8601, UTC), or ``None``."""
        value = self._flags.get(article_id, {}).get("opened")
        return value if isinstance(value, str) else None

    def mark_opened(self, article_id: str) -> None:
        """Record an opening that leaves the read flag alone (auto-mark-read off)."""
        self._change(article_id, lambda doc: {"opened": _now()})

    def tags_of(self, article_id: str) -> tuple[str, ...]:
        """The reader's own tags of an article, in the order they were added."""
        return tuple(tags_in(self._flags.get(article_id, {})))

    def known_tags(self) -> list[tuple[str, int]]:
        """Every tag in use with the number of articles carrying it, most used first."""
        counts: Counter[str] = Counter()
        shown: dict[str, str] = {}
        for doc in self._flags.values():
            for tag in tags_in(doc):
                counts[tag_key(tag)] += 1
                shown.setdefault(tag_key(tag), tag)
        return [
            (shown[key], n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def reader_tags(self) -> list[tuple[str, tuple[str, ...]]]:
        """(article id, tags) of every article with a state, for ``tag:`` searches."""
        return [(article_id, tuple(tags_in(doc))) for article_id, doc in self._flags.items()]

    def apply(self, edits: Mapping[str, Edit]) -> dict[str, Edit]:
        """Apply an edit per article in ONE append to the journal (a bulk change of 10,000
        articles is one write, not 10,000); returns the edits that undo it, for the
        articles it changed."""
        undo: dict[str, Edit] = {}

        def change() -> list[dict[str, Any]]:
            undo.clear()
            alike: dict[tuple[object, ...], Edit] = {}
            for article_id, edit in edits.items():
                doc = self._flags.setdefault(article_id, {"id": article_id})
                before = (id(edit), *edit.touched(doc))
                inverse = alike.get(before)
                if inverse is None:  # a bulk change has few distinct (edit, state before)
                    inverse = alike[before] = edit.inverse(doc)
                if edit.apply(doc):
                    undo[article_id] = inverse
            return [self._flags[article_id] for article_id in undo]

        self._write(change)
        return undo

    def _change(
        self, article_id: str, changes: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """Set the fields ``changes`` gives for the article's document as it is now (after
        what other processes wrote); the fields set."""
        done: dict[str, Any] = {}

        def change() -> list[dict[str, Any]]:
            doc = self._flags.setdefault(article_id, {"id": article_id})
            done.update(changes(doc))
            doc.update(done)
            return [doc]

        self._write(change)
        return done

    def _write(self, change: Callable[[], list[dict[str, Any]]]) -> None:
        """Make ``change`` (to the cache; it returns the documents it changed) on what the
        files hold now, and append them to the journal; a failure keeps the app going, its
        changes held in memory only (``error`` says why)."""
        if not self.writable:
            change()
            return
        changed = False
        try:
            make_folder(self.path)
            with holding(lock_for(self.path)):
                self._refresh()
                docs, changed = change(), True
                if docs:
                    self._position = append(self.journal, self._position, docs)
                    if needs_folding(self.journal, self.path):
                        self._fold()
        except (StoreError, OSError) as exc:
            self.error = f"reading state not saved: {exc}"
            if not changed:
                change()

    def _fold(self) -> None:
        """Write the snapshot with everything the journal holds, then empty the journal."""
        fold_journal(self.path)
        self._snapshot = _signature(self.path)
        self._position = Position(inode_of(self.journal), 0)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _signature(path: Path) -> Signature | None:
    """Which file ``path`` is and how it was last written; ``None`` when there is none."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({describe(exc)})") from None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns
