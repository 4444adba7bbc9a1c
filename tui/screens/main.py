"""The main screen: search bar, article list and detail pane, coordinated here."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input

from store.entities import Facet
from store.errors import IndexBusy, StoreError
from store.index import CatchUp, SearchIndex
from store.index.groups import Grouper
from store.index.rows import ResultRows
from store.index.searcher import RANK_WINDOW
from store.index.sync import BATCH as BATCH_SHOWN
from store.query import QueryError, parse_query
from store.query.highlight import Span, hit_spans
from store.query.nodes import Text, excerpt, positive_texts
from store.reading import Arrangement, SavedSearch
from store.sanitize import clean_line
from store.session import Session
from tui.screens.arranging import ArrangingScreen
from tui.screens.link_actions import LINK_BINDINGS, LinkActions
from tui.screens.reading_actions import READING_BINDINGS, ReadingStateActions
from tui.screens.saved import QUICK_KEYS, SavedSearchesScreen, SaveSearchScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_facets import EntityFacets
from tui.widgets.search_bar import SearchBar

NARROW_WIDTH = 100
COMPACT_WIDTH = 60
"""Under this many columns (40x15 over a phone's SSH client) labels that do not fit are
hidden rather than wrapped or cut: the arrangement, the unread count, the palette key."""
STORE_CHECK_S = 2.0
"""How often the store file is checked for changes made by another process or by hand."""
TYPING_ROWS = RANK_WINDOW
"""While typing, a result is first fetched up to this many rows (ranked exactly as in full)."""
COMPLETE_AFTER_S = 0.25
"""A pause in typing this long fetches the whole result and the exact count."""
PREVIEW_REST_S = 0.08
"""The preview beside the list is drawn once the cursor rests this long (key repeat: ~30/s)."""
FACET_SAMPLE = 2_000
"""Entity facets count the newest this many results."""


class MainScreen(ReadingStateActions, LinkActions, ArrangingScreen):
    """Routes messages between the panes; the panes never talk to each other."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the app resolves it before forwarding the keys queued behind it, so a
        # burst like "/jen" (fast typing, SSH) lands in the search box, not in the list.
        Binding(
            "slash",
            "search",
            "Search",
            priority=True,
            tooltip="search: type to filter (the query language below)",
            id="main.search",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            show=False,
            tooltip="back to the list; in the list, clear the search",
            id="main.back",
        ),
        Binding(
            "p",
            "toggle_preview",
            "Preview",
            show=False,
            tooltip="the preview beside the list on / off (wide terminals)",
            id="main.preview",
        ),
        Binding("m", "toggle_read", "Mark", tooltip="mark read / unread", id="main.toggle_read"),
        Binding("s", "toggle_star", "Star", tooltip="star / unstar", id="main.toggle_star"),
        Binding(
            "R",
            "fetch",
            "Fetch",
            show=False,
            tooltip="fetch every subscribed feed in the background",
            id="main.fetch",
        ),
        Binding(
            "e",
            "toggle_facets",
            "Entities",
            tooltip="entity facets of the results; enter filters by one",
            id="main.facets",
        ),
        Binding(
            "S",
            "save_search",
            "Save search",
            show=False,
            tooltip="save the current search under a name",
            id="main.save_search",
        ),
        Binding(
            "v",
            "saved_searches",
            "Saved",
            show=False,
            tooltip="saved searches with unread counts; enter opens, d deletes",
            id="main.saved_searches",
        ),
        *(
            Binding(
                str(n),
                f"open_saved({n})",
                show=False,
                tooltip="open saved search 1 to 9",
                id=f"main.open_saved_{n}",
            )
            for n in range(1, QUICK_KEYS + 1)
        ),
        *LINK_BINDINGS,
        *READING_BINDINGS,
    ]
    """Keys that act on the current article wherever the focus is."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As on every screen, but without repainting the whole screen on a focus change: the
    widgets gaining and losing focus restyle themselves (``:focus``), and a full repaint
    costs ~20 KB per open or back over SSH."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.state = session.state
        self.search_query = parse_query("")
        self.shown = ResultRows(session.index, [])
        self.arrangement = Arrangement.from_config(session.config)
        self.preview = _wants_preview(session.config.preview)
        self._grouper = Grouper(session.index)
        self._warned_read_only = False
        self._completing: Timer | None = None
        self._feeds_fetched = 0

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search-bar")
        with Horizontal(id="panes"):
            with Vertical(id="list-column"):
                yield ArticleList(id="article-list")
                yield EntityFacets(id="entity-facets")
            yield ArticleView(id="article-view", kinds=self.session.config.entity_kinds)
        yield Footer()

    def on_mount(self) -> None:
        self.session.index.on_damaged = self._index_damaged_later
        article_list = self.query_one(ArticleList)
        article_list.flags = self.state
        self.query_one(ArticleView).tags_of = self.state.tags_of
        self._show_results("")
        article_list.focus()
        self._apply_width(self.size.width)
        if self.session.needs_catch_up:
            self._start_catch_up()
        self.set_interval(STORE_CHECK_S, self._check_store)

    def _index_damaged_later(self) -> None:
        """Told by the index (maybe while a row is drawn): dealt with once this is done."""
        self.call_later(self._index_damaged)

    def _index_damaged(self) -> None:
        """The index file was found damaged and started afresh: build it from the store."""
        self.notify(
            "Search index damaged: rebuilding it from the store",
            severity="warning",
            timeout=8,
        )
        self._rerun()
        self._start_catch_up()

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW_WIDTH or not self.preview, "-narrow")
        compact = width < COMPACT_WIDTH
        self.query_one(SearchBar).fit_width(width, NARROW_WIDTH, COMPACT_WIDTH)
        footer = self.query_one(Footer)
        footer.compact = compact
        footer.show_command_palette = not compact

    def action_toggle_preview(self) -> None:
        """``p``: the article beside the list on a wide terminal, or the list alone."""
        self.preview = not self.preview
        self._apply_width(self.size.width)
        self.call_after_refresh(self.query_one(ArticleView).catch_up)
        shown = "beside the list" if self.preview else "off: enter opens the article"
        narrow = " (this terminal is too narrow for it)" if self.size.width < NARROW_WIDTH else ""
        self.notify(f"Preview {shown}{narrow}", timeout=2)

    @property
    def reading(self) -> bool:
        return self.has_class("-reading")

    def _set_reading(self, reading: bool) -> None:
        self.set_class(reading, "-reading")
        self.query_one(ArticleView).catch_up()
        target = self.query_one(ArticleView) if reading else self.query_one(ArticleList)
        self.set_focus(target)  # at once: see SearchBar.focus_input

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._show_results(event.value)

    def _show_results(self, text: str, whole: bool = False) -> None:
        """Filter on every keystroke; a malformed query says what is wrong and where, and
        the last good result stays."""
        search = self.query_one(SearchBar)
        typing = search.typing and not whole
        try:
            # The word under the cursor is a prefix while typing; a query put in the box
            # (a saved search, an entity facet) is taken as it stands.
            query = parse_query(text, typing=typing)
        except QueryError as exc:
            search.set_error(f"{exc.message}, at {exc.start + 1}")
            return
        search.set_error(None)
        if query == self.search_query and self.shown:
            return  # a word too short to filter yet, a space: the same result (the box redraws)
        previous, self.search_query = self.search_query, query
        if not self._run_query(text, complete=not typing):
            self.search_query = previous  # the list still shows the last good result

    def _run_query(self, text: str, complete: bool = False, keep: bool = True) -> bool:
        """Show the result; while typing, only its first rows when it is large, and the
        whole of it once typing pauses. ``keep``: the cursor stays on its article. A search
        the index cannot run is said beside the box, the list left as it was (``False``)."""
        first = None if complete or not self.query_one(SearchBar).typing else TYPING_ROWS
        arrangement = self.arrangement
        try:
            shown = self.session.search(arrangement.applied(self.search_query), first)
        except StoreError as exc:
            self.query_one(SearchBar).set_error(str(exc))
            return False
        self.shown = shown
        self._complete_later(None if self.shown.complete else text)
        terms = positive_texts(self.search_query.root)
        article_list = self.query_one(ArticleList)
        article_list.hits = _title_hits(terms)
        self.query_one(ArticleView).set_terms(terms)
        quoted = excerpt(text.strip())
        empty = f"No articles match “{quoted}”" if quoted else "No articles yet"
        if arrangement.unread_only and self.shown.complete:
            empty = "No unread articles" + (f" match “{quoted}”" if quoted else "")
        groups = self._grouper.groups(self.shown, arrangement.grouping(self.search_query))
        article_list.show(self.shown, empty, groups, keep)
        self.query_one(SearchBar).set_arrangement(arrangement.describe(self.search_query))
        self.show_count()
        if not self.shown:
            self.query_one(ArticleView).show_article(None)
        if self.has_class("-facets"):
            self._count_facets(self.shown.rowids[:FACET_SAMPLE])
        return True

    def _complete_later(self, text: str | None) -> None:
        """Fetch the whole result of ``text`` when typing pauses (``None``: nothing to do)."""
        if self._completing is not None:
            self._completing.stop()
            self._completing = None
        if text is not None:
            self._completing = self.set_timer(COMPLETE_AFTER_S, lambda: self._run_query(text, True))

    def rearrange(self) -> None:
        self._run_query(self.query_one(SearchBar).value, complete=True)

    def _rerun(self) -> None:
        """The index changed under the list: search again, keeping the cursor's article, or
        the top when the cursor was there and nothing is being read: articles that arrive
        above it (fetched, imported, a first open's later batches) are the newest."""
        self.session.index.forget_cache()
        top = not self.reading and self.query_one(ArticleList).cursor == 0
        self._run_query(self.query_one(SearchBar).value, keep=not top)

    @on(ArticleList.Highlighted)
    def _preview(self, event: ArticleList.Highlighted) -> None:
        first = self.query_one(ArticleView).article is None
        self._show(event.article_id, 0.0 if first else PREVIEW_REST_S)

    def _show(self, article_id: str, rest: float = 0.0) -> None:
        """Show an article unless it is already shown (opening a previewed article, or ] and
        the cursor message that follows it, would otherwise reset scroll and selection)."""
        view = self.query_one(ArticleView)
        if view.article is None or view.article.id != article_id:
            view.show_article(self.session.article(article_id), rest)

    @on(ArticleList.Selected)
    def _open(self, event: ArticleList.Selected) -> None:
        self._set_reading(True)  # first: the pane draws the article as it is shown
        self._read(event.article_id)

    def _read(self, article_id: str) -> None:
        self._show(article_id)
        if self.session.open_article(article_id):
            self._state_changed(article_id)

    def _state_changed(self, article_id: str) -> None:
        self.query_one(ArticleList).refresh_row(article_id)
        self.show_count()
        if self.state.error and not self._warned_read_only:
            self._warned_read_only = True
            self.notify(self.state.error, severity="warning", timeout=8, markup=False)

    def action_step(self, delta: int) -> None:
        """Read the next (``1``) or previous (``-1``) article of the list."""
        article_list = self.query_one(ArticleList)
        article_list.cursor += delta
        if article_list.current_id is not None:
            self._read(article_list.current_id)

    def action_search(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()  # "/" is text while typing a query
        self._set_reading(False)
        self.query_one(SearchBar).focus_input()

    def action_focus_list(self) -> None:
        finished = self.query_one(SearchBar).typing
        self._set_reading(False)
        if finished:
            self._settle_query()

    @on(Input.Blurred, "#query")
    def _query_left(self) -> None:
        """Leaving the box any other way (a click on the list, the command palette) settles
        the query too."""
        self._settle_query()

    def _settle_query(self) -> None:
        """The query as a whole once the reader leaves the box: the word typed last is no
        longer a prefix, so a short one ("eu", "on") filters now."""
        text = self.query_one(SearchBar).value
        try:
            whole = parse_query(text)
        except QueryError:
            whole = None
        if whole != self.search_query:
            self._show_results(text, whole=True)

    def action_clear_search(self) -> None:
        self.query_one(SearchBar).clear()
        self._set_reading(False)

    def action_back(self) -> None:
        if self.reading or self.focused is not self.query_one(ArticleList):
            self._set_reading(False)
        elif self.query_one(SearchBar).value:
            self.query_one(SearchBar).clear()

    def action_toggle_read(self) -> None:
        if (article_id := self.current_id()) is not None:
            read = self.session.toggle_read(article_id)
            self._state_changed(article_id)
            self.notify("Marked read" if read else "Marked unread", timeout=1.5)

    def action_toggle_star(self) -> None:
        if (article_id := self.current_id()) is not None:
            starred = self.session.toggle_star(article_id)
            self._state_changed(article_id)
            self.notify("Starred" if starred else "Unstarred", timeout=1.5)

    def action_fetch(self) -> None:
        """Fetch every subscribed feed in the background; new articles appear when done."""
        if self.session.read_only:
            self.notify("Read-only store: fetching is up to its owner", timeout=3)
            return
        if any(worker.group == "fetch" and worker.is_running for worker in self.workers):
            self.notify("Already fetching", timeout=2)
            return
        self.query_one(SearchBar).set_status("fetching…")
        self._fetch_feeds()

    @work(thread=True, exclusive=True, group="fetch")
    def _fetch_feeds(self) -> None:
        """Runs in a thread: network and file work only; the UI is touched via call_from_thread."""
        from store.ingest.refresh import refresh_feeds
        from store.ingest.subscriptions import list_feeds

        path = self.session.store_path
        try:
            total = len(list_feeds(path))
            if total == 0:
                hint = "No subscriptions yet: add one with 'newsdesk feeds add URL'"
                self.app.call_from_thread(self._fetch_done, None, hint)
                return
            self.app.call_from_thread(self._fetch_progress, 0, total)
            report = refresh_feeds(
                path, on_outcome=lambda _: self.app.call_from_thread(self._fetch_progress, 1, total)
            )
        except StoreError as exc:
            self.app.call_from_thread(self._fetch_done, False, f"Fetch failed: {exc}")
            return
        failed = f"; {len(report.failed)} feed(s) failed" if report.failed else ""
        message = f"{report.summary.added} new article(s) from {total} feed(s){failed}"
        self.app.call_from_thread(self._fetch_done, True, message)

    def _fetch_progress(self, finished: int, total: int) -> None:
        self._feeds_fetched = 0 if finished == 0 else self._feeds_fetched + finished
        self.query_one(SearchBar).set_status(f"fetching {self._feeds_fetched}/{total}")

    def _fetch_done(self, fetched: bool, message: str) -> None:
        self.query_one(SearchBar).set_status("")
        if fetched:
            self._check_store()
        self.notify(message, timeout=6, markup=False)

    def _check_store(self) -> None:
        """Catch up with a store changed by another process, or by hand; after an import
        or a fetch, which catch the index up themselves, show the index as it is now."""
        index = self.session.index
        if not index.in_step(self.session.store_path):
            self._start_catch_up()
        elif index.changed_elsewhere() and not self._catching_up():
            self._caught_up(CatchUp())

    def _catching_up(self) -> bool:
        return any(worker.group == "index" and worker.is_running for worker in self.workers)

    def _start_catch_up(self) -> None:
        if self._catching_up():
            return
        if self.session.index.path is None:  # in memory: only this connection sees it
            self._caught_up(self.session.index.catch_up(self.session.store_path))
            return
        self.query_one(SearchBar).set_status("indexing…")
        self._catch_up()

    @work(thread=True, exclusive=True, group="index")
    def _catch_up(self) -> None:
        """Runs in a thread, on a connection of its own; the UI keeps the old index meanwhile."""
        index = SearchIndex.open(self.session.store_path)
        call = self.app.call_from_thread
        try:
            report = index.catch_up(
                self.session.store_path,
                progress=lambda done, total: call(self._indexing, done, total),
            )
        except IndexBusy:  # an import is writing it: the next check of the store retries
            call(self.query_one(SearchBar).set_status, "")
            return
        except StoreError as exc:
            call(self._catch_up_failed, str(exc))
            return
        finally:
            index.close()
        call(self._caught_up, report)

    def _indexing(self, done: int, total: int) -> None:
        """Rows read, then words indexed; the list shows what is stored from the first batch
        on (searches by words follow as their batches are indexed)."""
        if total == 0:
            self.query_one(SearchBar).set_status(f"reading {done:,}")
            self._rerun()
            return
        self.query_one(SearchBar).set_status(f"indexing {100 * done // max(total, 1)}%")
        if done <= BATCH_SHOWN:
            self._rerun()

    def _caught_up(self, report: CatchUp) -> None:
        self.query_one(SearchBar).set_status("")
        self.session.reload_flags()
        self._rerun()
        if report.rejects and report.rejects != self.session.rejects:
            self.session.rejects = report.rejects
            self.notify(skipped_note(self.session), severity="warning", timeout=8, markup=False)

    def _catch_up_failed(self, message: str) -> None:
        self.query_one(SearchBar).set_status("")
        self.notify(f"Store not re-read: {message}", severity="error", timeout=10, markup=False)

    def action_toggle_facets(self) -> None:
        """Show or hide the entity facets of the current results (``e``)."""
        showing = not self.has_class("-facets")
        self.set_class(showing, "-facets")
        if showing:
            self._count_facets(self.shown.rowids[:FACET_SAMPLE])
            self.query_one(EntityFacets).focus()
        else:
            self.query_one(ArticleList).focus()

    @work(thread=True, exclusive=True, group="facets")
    def _count_facets(self, rowids: list[int]) -> None:
        from store.entities import entity_facets

        index = SearchIndex.open(self.session.store_path)
        try:
            articles = [a for a in map(index.article, rowids) if a is not None]
        except StoreError:  # a damaged index: counted again once it is rebuilt
            articles = []
        finally:
            index.close()
        self.app.call_from_thread(self._show_facets, entity_facets(articles))

    def _show_facets(self, facets: dict[str, list[Facet]]) -> None:
        self.query_one(EntityFacets).show_facets(facets)

    @on(EntityFacets.Chosen)
    def _filter_by_entity(self, event: EntityFacets.Chosen) -> None:
        search = self.query_one(SearchBar)
        search.set_value(f"{search.value.strip()} {event.term} ".lstrip())
        if self.has_class("-narrow"):
            self.action_toggle_facets()

    def action_save_search(self) -> None:
        """Save the current query under a name (``S``)."""
        text = self.query_one(SearchBar).value.strip()
        if not text:
            self.notify("Nothing to save: type a search first (/)", timeout=3)
            return

        def saved(name: str | None) -> None:
            if name is None:
                return
            try:
                search = self.session.saved.save(name, text)
            except ValueError as exc:
                self.notify(str(exc), severity="warning", timeout=5, markup=False)
                return
            number = self.session.saved.all().index(search) + 1
            key = f"; {number} opens it" if number <= QUICK_KEYS else ""
            name = clean_line(search.name)
            self.notify(f"Saved “{name}” (v lists saved searches{key})", markup=False)
            self._warn_unsaved(self.session.saved.error)

        self.app.push_screen(SaveSearchScreen(text), saved)

    def action_saved_searches(self) -> None:
        """List the saved searches with their unread counts (``v``)."""
        self.app.push_screen(SavedSearchesScreen(self.session), self._open_saved_search)

    def action_open_saved(self, number: int) -> None:
        searches = self.session.saved.all()
        if number > len(searches):
            self.notify(f"No saved search {number} (v lists them)", timeout=2)
            return
        self._open_saved_search(searches[number - 1])

    def _open_saved_search(self, search: SavedSearch | None) -> None:
        if search is None:
            return
        self._set_reading(False)
        self.query_one(SearchBar).set_value(search.query)
        self.notify(f"Saved search “{clean_line(search.name)}”", timeout=2, markup=False)

    def _warn_unsaved(self, error: str | None) -> None:
        if error:
            self.notify(error, severity="warning", timeout=8, markup=False)

    @on(ArticleView.MentioningRequested)
    def _articles_mentioning(self, event: ArticleView.MentioningRequested) -> None:
        term = EntityFacets.Chosen(event.kind, event.name).term
        self.query_one(SearchBar).set_value(f"{term} ")
        self._set_reading(False)


def skipped_note(session: Session) -> str:
    """The store's documents left out, and the first of them (``session.rejects``)."""
    first = session.rejects[0]
    return clean_line(f"{session.skipped()} (first: {first.item}: {first.reason})")


def _title_hits(terms: list[Text]) -> Callable[[str], list[Span]]:
    return lambda title: hit_spans(title, terms, "title")


def _wants_preview(setting: bool | str) -> bool:
    """``auto``: the preview beside the list, except over SSH, where redrawing it on every
    cursor move costs tens of kilobytes (``p`` brings it back)."""
    if isinstance(setting, bool):
        return setting
    return not (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))
