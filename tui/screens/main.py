"""The main screen: search bar, article list and detail pane, coordinated here.

The screen routes messages between the panes (the panes never talk to each other) and runs
the query pipeline; its other keys live in its parts (``tui.screens.parts``): arranging,
links, piping to a command, reading state, saved searches, entity facets and background work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer

from store import Arrangement, Grouper, ResultRows, Session, StoreError, parse_query
from store.index.searcher import RANK_WINDOW
from store.query.highlight import Span, hit_spans
from store.query.nodes import Text, excerpt, positive_texts
from tui.screens.arranging import ArrangingScreen
from tui.screens.background import FETCH_BINDINGS, BackgroundWork
from tui.screens.facet_actions import FACET_BINDINGS, FacetActions
from tui.screens.link_actions import LINK_BINDINGS, LinkActions
from tui.screens.panes import PANE_BINDINGS, PaneActions, wants_preview
from tui.screens.pipe_actions import PIPE_BINDINGS, PipeActions
from tui.screens.reading_actions import READING_BINDINGS, ReadingStateActions
from tui.screens.saved_actions import SAVED_BINDINGS, SavedSearchActions
from tui.screens.whole_article import WHOLE_BINDINGS, WholeArticle
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_facets import EntityFacets
from tui.widgets.search_bar import SearchBar

TYPING_ROWS = RANK_WINDOW
"""While typing, a result is first fetched up to this many rows (ranked exactly as in full)."""
COMPLETE_AFTER_S = 0.25
"""A pause in typing this long fetches the whole result and the exact count."""
PREVIEW_REST_S = 0.08
"""The preview beside the list is drawn once the cursor rests this long (key repeat: ~30/s)."""


class MainScreen(
    PaneActions,
    ReadingStateActions,
    LinkActions,
    PipeActions,
    ArrangingScreen,
    SavedSearchActions,
    FacetActions,
    BackgroundWork,
    WholeArticle,
):
    """Routes messages between the panes and runs the query; the parts do the rest."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *PANE_BINDINGS,
        *READING_BINDINGS[:2],
        *FETCH_BINDINGS,
        *FACET_BINDINGS,
        *SAVED_BINDINGS,
        *LINK_BINDINGS,
        *PIPE_BINDINGS,
        *WHOLE_BINDINGS,
        *READING_BINDINGS[2:],
    ]
    """Keys that act on the current article wherever the focus is."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As on every screen, but without repainting the whole screen on a focus change: the
    widgets gaining and losing focus restyle themselves (``:focus``), and a full repaint
    costs ~20 KB per open or back over SSH."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.search_query = parse_query("")
        self.shown = ResultRows(session.index, [])
        self.arrangement = Arrangement.from_config(session.config)
        self.preview = wants_preview(session.config.preview)
        self.warned_read_only = False
        self._grouper = Grouper(session.index)
        self._completing: Timer | None = None

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search-bar")
        with Horizontal(id="panes"):
            with Vertical(id="list-column"):
                yield ArticleList(id="article-list")
                yield EntityFacets(id="entity-facets")
            yield ArticleView(id="article-view", kinds=self.session.config.entity_kinds)
        yield Footer()

    def on_mount(self) -> None:
        self.watch_index()
        article_list = self.query_one(ArticleList)
        article_list.flags = self.session.state
        self.query_one(ArticleView).tags_of = self.session.state.tags_of
        self._run_query("", complete=True)
        article_list.focus()
        self.fit_to_width(self.size.width)
        self.start_background()

    # -- the query pipeline ---------------------------------------------------------------

    @on(SearchBar.Changed)
    def _query_changed(self, event: SearchBar.Changed) -> None:
        """Filter on every keystroke; the last good result stays when a query cannot run."""
        if event.query == self.search_query and self.shown:
            return  # a word too short to filter yet, a space: the same result
        previous, self.search_query = self.search_query, event.query
        if not self._run_query(event.text, complete=not event.typing):
            self.search_query = previous

    def _run_query(self, text: str, complete: bool = False, keep: bool = True) -> bool:
        """Show the result; while typing, only its first rows when it is large, and the
        whole of it once typing pauses. ``keep``: the cursor stays on its article. A search
        the index cannot run is said beside the box, the list left as it was (``False``)."""
        search = self.query_one(SearchBar)
        first = None if complete or not search.typing else TYPING_ROWS
        query = self.search_query
        try:
            self.shown = self.session.search(self.arrangement.applied(query), first)
        except StoreError as exc:
            search.set_error(str(exc))
            return False
        self._complete_later(None if self.shown.complete else text)
        terms = positive_texts(query.root)
        self.query_one(ArticleList).hits = _title_hits(terms)
        self.query_one(ArticleView).set_terms(terms)
        groups = self._grouper.groups(self.shown, self.arrangement.grouping(query))
        self.query_one(ArticleList).show(self.shown, self._empty_note(text), groups, keep)
        search.set_arrangement(self.arrangement.describe(query))
        self.show_count()
        if not self.shown:
            self.query_one(ArticleView).show_article(None)
        self.recount_facets()
        return True

    def _empty_note(self, text: str) -> str:
        quoted = excerpt(text.strip())
        if self.arrangement.unread_only and self.shown.complete:
            return "No unread articles" + (f" match “{quoted}”" if quoted else "")
        return f"No articles match “{quoted}”" if quoted else "No articles yet"

    def _complete_later(self, text: str | None) -> None:
        """Fetch the whole result of ``text`` when typing pauses (``None``: nothing to do)."""
        if self._completing is not None:
            self._completing.stop()
            self._completing = None
        if text is not None:
            self._completing = self.set_timer(COMPLETE_AFTER_S, lambda: self._run_query(text, True))

    def rearrange(self) -> None:
        self._run_query(self.query_one(SearchBar).value, complete=True)

    def rerun(self, keep_place: bool = False) -> None:
        """The index changed under the list: search again, keeping the cursor's article, or
        the top when the cursor was there and nothing is being read: articles that arrive
        above it (fetched, imported, a first open's later batches) are the newest;
        ``keep_place`` (an automatic fetch) keeps the cursor's article even there."""
        self.session.index.forget_cache()
        top = not keep_place and not self.reading and self.query_one(ArticleList).cursor == 0
        self._run_query(self.query_one(SearchBar).value, keep=not top)

    # -- reading --------------------------------------------------------------------------

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
        self.set_reading(True)  # first: the pane draws the article as it is shown
        self._read(event.article_id)

    def _read(self, article_id: str) -> None:
        self._show(article_id)
        if self.session.open_article(article_id):
            self.state_changed(article_id)

    def action_step(self, delta: int) -> None:
        """Read the next (``1``) or previous (``-1``) article of the list."""
        article_list = self.query_one(ArticleList)
        article_list.cursor += delta
        if article_list.current_id is not None:
            self._read(article_list.current_id)


def _title_hits(terms: list[Text]) -> Callable[[str], list[Span]]:
    return lambda title: hit_spans(title, terms, "title")
