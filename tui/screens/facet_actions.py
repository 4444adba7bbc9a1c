"""The entity facets of the result (``e``), and filtering by an entity.

A part of ``MainScreen``: the facets are counted by the session in a worker over the newest
rows of the result; choosing one, or asking for an entity's articles from the article pane,
adds its term to the query.
"""

from __future__ import annotations

from textual import on, work
from textual.binding import Binding, BindingType

from store import Facet
from tui.screens.parts import MainParts
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_facets import EntityFacets
from tui.widgets.search_bar import SearchBar

FACET_SAMPLE = 2_000
"""Entity facets count the newest this many results."""

FACET_BINDINGS: list[BindingType] = [
    Binding(
        "e",
        "toggle_facets",
        "Entities",
        tooltip="entity facets of the results; enter filters by one",
        id="main.facets",
    ),
]


class FacetActions(MainParts):
    """The facets column beside the list, and the entity terms it puts in the query."""

    def action_toggle_facets(self) -> None:
        """Show or hide the entity facets of the current results (``e``)."""
        showing = not self.has_class("-facets")
        self.set_class(showing, "-facets")
        if showing:
            self.recount_facets()
            self.query_one(EntityFacets).focus()
        else:
            self.query_one(ArticleList).focus()

    def recount_facets(self) -> None:
        """Count the facets of the result shown, when they are on screen."""
        if self.has_class("-facets"):
            self._count_facets(self.shown.rowids[:FACET_SAMPLE])

    @work(thread=True, exclusive=True, group="facets")
    def _count_facets(self, rowids: list[int]) -> None:
        self.app.call_from_thread(self._show_facets, self.session.facets(rowids))

    def _show_facets(self, facets: dict[str, list[Facet]]) -> None:
        self.query_one(EntityFacets).show_facets(facets)

    @on(EntityFacets.Chosen)
    def _filter_by_entity(self, event: EntityFacets.Chosen) -> None:
        search = self.query_one(SearchBar)
        search.set_value(f"{search.value.strip()} {event.term} ".lstrip())
        if self.has_class("-narrow"):
            self.action_toggle_facets()

    @on(ArticleView.MentioningRequested)
    def _articles_mentioning(self, event: ArticleView.MentioningRequested) -> None:
        term = EntityFacets.Chosen(event.kind, event.name).term
        self.query_one(SearchBar).set_value(f"{term} ")
        self.set_reading(False)
