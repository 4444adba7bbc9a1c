"""The whole article for the one being read (``W``): its page fetched, its main text stored
as the body (the feed's text kept as the summary) and the article drawn again.

A part of ``MainScreen``; the session does the fetching and the writing in a worker.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding, BindingType

from store import StoreError
from tui.screens.parts import MainParts
from tui.widgets.article_view import ArticleView
from tui.widgets.search_bar import SearchBar

WHOLE_BINDINGS: list[BindingType] = [
    Binding(
        "W",
        "whole_article",
        "Whole article",
        show=False,
        tooltip="fetch the whole article from its page",
        id="main.whole_article",
    ),
]


class WholeArticle(MainParts):
    """``W``: one article's page, fetched in the background."""

    def action_whole_article(self) -> None:
        article = self.query_one(ArticleView).article
        if article is None:
            self.notify("No article selected", timeout=2)
        elif self.session.read_only:
            self.notify("Read-only store: fetching is up to its owner", timeout=3)
        elif not article.url:
            self.notify("This article has no link to fetch its page from", timeout=3)
        else:
            self.query_one(SearchBar).set_status("fetching the page…")
            self._fetch_whole(article.id)

    @work(thread=True, exclusive=True, group="whole-article")
    def _fetch_whole(self, article_id: str) -> None:
        try:
            error = self.session.fetch_whole_article(article_id)
        except StoreError as exc:  # a store that cannot be written: nothing changed
            error = f"not stored: {exc}"
        self.app.call_from_thread(self._whole_done, article_id, error)

    def _whole_done(self, article_id: str, error: str) -> None:
        self.query_one(SearchBar).set_status("")
        self.session.reload_flags()
        self.rerun()
        view = self.query_one(ArticleView)
        if view.article is not None and view.article.id == article_id:
            view.show_article(self.session.article(article_id))
        if error:
            self.notify(f"Page not read: {error}", severity="warning", timeout=6, markup=False)
        else:
            self.notify("Whole article fetched", timeout=3)
