"""Opening the store a reader asked for: its file, its search index and its reading state.

The TinyDB file stays the source of truth; the index is derived from it. A small store is
caught up before anything is shown, so a broken file is refused at once; a large one opens
from its index straight away and is caught up in the background (``needs_catch_up``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.article import Article
from store.config import Config, load_config
from store.entities import Facet, entity_facets, with_entities
from store.errors import IndexDamaged, StoreError
from store.index import CatchUp, SearchIndex
from store.index.rows import ResultRows
from store.index.schema import index_path_for, remove_index_files
from store.index.sync import Progress
from store.paths import bundled_seeds_dir, chosen_store_path, default_store_path, state_path_for
from store.query import Query, QueryError, parse_query
from store.query.nodes import And, Everything, Flag, Node
from store.reading import ReadingState, SavedSearches
from store.reading.undo import Edit, TagChange, UndoHistory, UndoStep, tag_key
from store.rejects import Reject
from store.storage import open_backend
from store.storage.library import create_store, seed_articles
from store.storage.migration import migrate_default_store

CATCH_UP_AT_ONCE_BYTES = 16 * 1024 * 1024
"""When catching up would read up to this much of the store (about 3,000 articles), it is
done before the app opens; more is read into the index in the background."""


def resolve_store(cli_db: str | None) -> Path:
    """The store to open; the default one is created from the bundled seeds on first run.

    A store the reader names (``--db`` or ``NEWSDESK_DB``) must already exist: a typo should
    be an error, not a new empty store.
    """
    named = chosen_store_path(cli_db)
    if named is not None:
        return named
    path = default_store_path()
    migrate_default_store(path)
    if not path.exists():
        create_store(path, [with_entities(a) for a in seed_articles(bundled_seeds_dir())])
    return path


@dataclass(frozen=True)
class Fetched:
    """What fetching every subscribed feed brought."""

    added: int
    feeds: int
    failed: int
    notified: int = 0
    """New articles a ``notify`` rule matched."""
    titles: list[str] = field(default_factory=list)
    """The first of their titles (``store.ingest.rules.NOTIFIED_KEPT``)."""


@dataclass
class Session:
    """One reader's view of one store."""

    store_path: Path
    index: SearchIndex
    state: ReadingState
    saved: SavedSearches
    needs_catch_up: bool = False
    rejects: list[Reject] = field(default_factory=list)
    config: Config = field(default_factory=Config)
    config_warning: str | None = None
    history: UndoHistory = field(default_factory=UndoHistory)
    """This session's changes to reading state, for ``u``."""
    read_only: bool = False
    """The reader may change their reading state only: no fetching into the store and no
    files written elsewhere (a reader of ``newsdesk serve``, whose machine this is not)."""

    def search(self, query: Query, first: int | None = None) -> ResultRows:
        """The result of ``query``; with ``first``, possibly only its first ``first`` rows,
        or its newest first rather than ranked (``complete`` says): quicker when a keystroke
        matches much of the store (``SearchIndex.search_first``)."""
        if first is None:
            return ResultRows(self.index, self.index.search(query))
        rowids, in_order = self.index.search_first(query, first)
        return ResultRows(self.index, rowids, in_order and len(rowids) != first)

    def total(self) -> int:
        return self.index.count()

    def counts(self, text: str) -> tuple[int, int]:
        """(unread, all) articles a saved query matches now; (0, 0) if it no longer parses
        or cannot be run."""
        try:
            query = parse_query(text)
            unread = Query(_both(query.root, Flag("unread")), "date")
            matched = Query(query.root, "date")  # counting needs no ranking
            return len(self.index.search(unread)), len(self.index.search(matched))
        except (QueryError, StoreError):
            return 0, 0

    def article(self, article_id: str) -> Article | None:
        rowid = self.index.rowid_of(article_id)
        return None if rowid is None else self.index.article(rowid)

    def set_read(self, article_id: str, read: bool = True) -> None:
        self.state.set_read(article_id, read)
        self._flags_changed(article_id)

    def open_article(self, article_id: str) -> bool:
        """Record that the reader opened an article, marking it read if the config says
        so; whether that changed its read flag. Opening is not an undo step."""
        if self.config.auto_mark_read and not self.state.is_read(article_id):
            self.set_read(article_id, True)
            return True
        self.state.mark_opened(article_id)
        return False

    def toggle_read(self, article_id: str) -> bool:
        before = self.state.is_read(article_id)
        read = self.state.toggle_read(article_id)
        self._flags_changed(article_id)
        label = "marked read" if read else "marked unread"
        self.history.push(UndoStep(label, {article_id: Edit({"read": before})}))
        return read

    def toggle_star(self, article_id: str) -> bool:
        before = self.state.is_starred(article_id)
        starred = self.state.toggle_star(article_id)
        self._flags_changed(article_id)
        label = "starred" if starred else "unstarred"
        self.history.push(UndoStep(label, {article_id: Edit({"starred": before})}))
        return starred

    def result_ids(self, rows: ResultRows, query: Query) -> list[str]:
        """Every article of a result, also when ``rows`` holds only its first rows."""
        complete = rows if rows.complete else self.search(query)
        return self.index.article_ids(complete.rowids)

    def mark_all_read(self, article_ids: list[str]) -> int:
        """Mark articles read in one write and one undo step; how many were unread."""
        read = Edit({"read": True})
        undo = self.state.apply(dict.fromkeys(article_ids, read))
        self.history.push(UndoStep(f"marked {len(undo):,} read", undo))
        self._many_changed(undo)
        return len(undo)

    def edit_tags(self, article_ids: list[str], change: TagChange) -> int:
        """Add and remove tags on articles in one write and one undo step; how many
        articles changed."""
        edit = Edit(add_tags=change.add, remove_tags=change.remove)
        undo = self.state.apply(dict.fromkeys(article_ids, edit))
        self.history.push(UndoStep(f"{_describe(change)} on {_articles(len(undo))}", undo))
        self._many_changed(undo)
        return len(undo)

    def undo(self) -> UndoStep | None:
        """Undo the last change this session made (``None``: nothing left to undo)."""
        step = self.history.pop()
        if step is not None:
            self.state.apply(step.edits)
            self._many_changed(step.edits)
        return step

    def known_tags(self) -> list[tuple[str, int]]:
        """Every tag in use, as ``tag:`` finds them (the articles' own and the reader's),
        with how many articles have it, most used first; spelled as the reader does."""
        mine = {tag_key(name): name for name, _ in self.state.known_tags()}
        return [
            (mine.get(key) or spelled or key, count)
            for key, spelled, count in self.index.tags_in_use()
        ]

    def unread_among(self, rows: ResultRows) -> int:
        return self.index.unread_among(rows.rowids)

    def _many_changed(self, edits: Mapping[str, Edit]) -> None:
        """Bring the index's ``is:`` and ``tag:`` tables in step with what ``edits`` changed
        (a bulk change shares a few ``Edit``s, so looking at each distinct one is cheap)."""
        distinct = {id(edit): edit for edit in edits.values()}.values()
        state = self.state
        if any(edit.values for edit in distinct):
            self.index.set_flags((i, state.is_read(i), state.is_starred(i)) for i in edits)
        if any(edit.add_tags or edit.remove_tags for edit in distinct):
            self.index.set_reader_tags((i, state.tags_of(i)) for i in edits)

    def _flags_changed(self, article_id: str) -> None:
        state = self.state
        self.index.set_flags(
            [(article_id, state.is_read(article_id), state.is_starred(article_id))]
        )

    def reload_flags(self) -> None:
        """After a catch-up (row ids of changed articles move, the index file may have been
        rebuilt by another connection) or a state change elsewhere (the rules of a fetch,
        another process)."""
        self.state.reread()
        self.index.follow()
        self.index.set_flags(self.state.flags(), replace=True)
        self.index.set_reader_tags(self.state.reader_tags(), replace=True)

    def catch_up(self, progress: Progress | None = None) -> None:
        """Bring the index in step with the store file now (raises ``StoreError``)."""
        report = self.index.catch_up(self.store_path, progress)
        self.rejects = report.rejects
        self.needs_catch_up = False
        self.reload_flags()

    def catch_up_apart(self, progress: Progress | None = None) -> CatchUp:
        """Catch the index up on a connection of its own, as a worker thread does while
        this session's connection keeps serving the old index; raises ``IndexBusy`` while
        an import writes it, ``StoreError`` for a store that cannot be read."""
        with self._connection_apart() as index:
            return index.catch_up(self.store_path, progress)

    def fetch_feeds(
        self, on_feed: Callable[[int, int], None], every: float | None = None
    ) -> Fetched:
        """Fetch every subscribed feed into the store (network and file work, for a worker
        thread); ``on_feed(done, total)`` before the first and after each feed. With
        ``every`` (seconds), a scheduled round: only the feeds that are due. Raises
        ``StoreError``."""
        from store.ingest.refresh import refresh_feeds
        from store.ingest.rules import Rules
        from store.ingest.subscriptions import list_feeds

        total = len(list_feeds(self.store_path))
        if total == 0:
            return Fetched(0, 0, 0)
        done = [0]
        on_feed(0, total)

        def finished(_: object) -> None:
            done[0] += 1
            on_feed(done[0], total)

        rules = Rules(self.config.rules) if self.config.rules else None
        report = refresh_feeds(self.store_path, on_outcome=finished, every=every, rules=rules)
        counts = report.summary.rules
        return Fetched(
            report.summary.added, total, len(report.failed), counts.notified, counts.titles
        )

    def documents_apart(self, rowids: list[int]) -> list[dict[str, Any]]:
        """The stored documents of these rows, read on a connection of their own (for a
        worker thread, as an export is); raises ``StoreError``."""
        with self._connection_apart() as index:
            return index.documents(rowids)

    def fetch_whole_article(self, article_id: str) -> str:
        """Fetch the article's page and store its whole text, the feed's kept as the
        summary (network and file work, for a worker thread); "" when it is stored, else
        why not, in one line (the reason is also stored with the article)."""
        from store.ingest.fulltext import fetch_page, merged
        from store.ingest.importer import import_into
        from store.ingest.result import ReadResult

        with self._connection_apart() as index:
            rowid = index.rowid_of(article_id)
            article = None if rowid is None else index.article(rowid)
        if article is None:
            return "the article is no longer in the store"
        if not article.url:
            return "the article has no link to fetch its page from"
        outcome = fetch_page(article.url)
        import_into(self.store_path, ReadResult(articles=[merged(article, outcome)]))
        return outcome.error

    def facets(self, rowids: list[int]) -> dict[str, list[Facet]]:
        """The entity facets of these rows, read on a connection of their own (for a
        worker thread); none from a damaged index (counted again once it is rebuilt)."""
        try:
            with self._connection_apart() as index:
                articles = [a for a in map(index.article, rowids) if a is not None]
        except StoreError:
            articles = []
        return entity_facets(articles)

    @contextmanager
    def _connection_apart(self) -> Iterator[SearchIndex]:
        """The index on a connection of its own, for a worker thread (SQLite connections
        stay in the thread that opened them), closed after use."""
        index = SearchIndex.open(self.store_path)
        try:
            yield index
        finally:
            index.close()

    def skipped(self) -> str | None:
        """One line on the store's documents left out (invalid, or a duplicate id), or
        ``None`` when there are none."""
        return describe_skipped(self.store_path, self.rejects)


def describe_skipped(store_path: Path, rejects: list[Reject]) -> str | None:
    """``skipped 3 documents of S.json (2 invalid, 1 duplicate id)``, or ``None``."""
    if not rejects:
        return None
    kinds = {"invalid": 0, "duplicate id": 0}
    for reject in rejects:
        kinds[reject.kind] = kinds.get(reject.kind, 0) + 1
    parts = ", ".join(f"{count} {kind}" for kind, count in kinds.items() if count)
    noun = "document" if len(rejects) == 1 else "documents"
    return f"skipped {len(rejects)} {noun} of {store_path} ({parts})"


def _describe(change: TagChange) -> str:
    parts = [f"+{tag}" for tag in change.add] + [f"-{tag}" for tag in change.remove]
    return "tags " + " ".join(parts)


def _articles(count: int) -> str:
    return "1 article" if count == 1 else f"{count:,} articles"


def _both(first: Node, second: Node) -> Node:
    return second if isinstance(first, Everything) else And((first, second))


def open_session(
    cli_db: str | None, state_path: Path | None = None, read_only: bool = False
) -> Session:
    """The store, its index, reading state and the reader's config; raises ``StoreError``
    with a one-line reason (a broken config only warns: ``config_warning``).

    ``state_path`` puts the reading state elsewhere than beside the store; ``read_only``
    never creates the default store and marks the session so the app writes no store."""
    path = _existing_store(cli_db) if read_only else resolve_store(cli_db)
    session = open_store_session(path, state_path)
    session.read_only = read_only
    session.config, session.config_warning = load_config()
    return session


def _existing_store(cli_db: str | None) -> Path:
    path = chosen_store_path(cli_db) or default_store_path()
    if not path.exists():
        raise StoreError(f"{path}: no such store (a read-only session creates no store)")
    return path


def open_store_session(path: Path, state_path: Path | None = None) -> Session:
    open_backend(path).check()
    fresh = not index_path_for(path).exists()
    state_path = state_path or state_path_for(path)
    session = Session(
        path, SearchIndex.open(path), ReadingState(state_path), SavedSearches(state_path)
    )
    try:
        _bring_in_step(session, fresh)
    except IndexDamaged:  # started afresh: it holds nothing now
        _bring_in_step(session, fresh)
    return session


def _bring_in_step(session: Session, fresh: bool) -> None:
    """Catch a small store up now; a large one is left for the background (``needs_catch_up``),
    the documents its index left out last time reported meanwhile."""
    path = session.store_path
    if session.index.in_step(path):
        session.rejects = session.index.rejects(str(path))
        session.reload_flags()
    elif session.index.stale_bytes(path) <= CATCH_UP_AT_ONCE_BYTES:
        _catch_up_or_refuse(session, fresh)
    else:
        session.needs_catch_up = True
        session.rejects = session.index.rejects(str(path))
        session.reload_flags()


def _catch_up_or_refuse(session: Session, fresh: bool) -> None:
    """Catch up now; a store refused leaves nothing new beside it."""
    try:
        session.catch_up()
    except IndexDamaged:
        raise
    except StoreError:
        session.index.close()
        if fresh:
            remove_index_files(index_path_for(session.store_path))
        raise
