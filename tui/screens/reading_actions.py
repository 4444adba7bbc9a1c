"""Reading-state keys of the main screen: mark read (``m``), star (``s``), tags (``t``),
mark all read (``A``), tag all (``T``) and undo (``u``), with the unread count in the
search bar.

Kept apart from ``MainScreen`` so the screen stays a coordinator; the session does the
work and keeps the index's ``is:`` and ``tag:`` tables in step.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from store import TagChange, clean_line
from tui.screens.parts import MainParts
from tui.screens.tags import TagsScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.search_bar import SearchBar

TITLE_CHARS = 50
"""The article's title in the tag dialog is cut to this length."""

READING_BINDINGS: list[BindingType] = [
    Binding("m", "toggle_read", "Mark", tooltip="mark read / unread", id="main.toggle_read"),
    Binding("s", "toggle_star", "Star", tooltip="star / unstar", id="main.toggle_star"),
    Binding(
        "t",
        "edit_tags",
        "Tags",
        show=False,
        tooltip="tags of the article: a, b adds, -a removes; tab completes",
        id="main.tags",
    ),
    Binding(
        "A",
        "mark_all_read",
        "All read",
        show=False,
        tooltip="mark every article of the result read",
        id="main.mark_all_read",
    ),
    Binding(
        "T",
        "tag_all",
        "Tag all",
        show=False,
        tooltip="tag every article of the result",
        id="main.tag_all",
    ),
    Binding(
        "u",
        "undo",
        "Undo",
        show=False,
        tooltip="undo the last mark, star or tag; again for the one before",
        id="main.undo",
    ),
]


class ReadingStateActions(MainParts):
    """Marks, stars, tags and undo on the article under the cursor or on the result."""

    def current_id(self) -> str | None:
        return self.query_one(ArticleList).current_id

    def show_count(self) -> None:
        """``7 unread · 42 of 12,408`` (a ``+`` while only the first rows are counted)."""
        rows = self.shown
        self.query_one(SearchBar).set_count(
            len(rows), self.session.total(), rows.complete, self.session.unread_among(rows)
        )

    def action_toggle_read(self) -> None:
        if (article_id := self.current_id()) is not None:
            read = self.session.toggle_read(article_id)
            self.state_changed(article_id)
            self.notify("Marked read" if read else "Marked unread", timeout=1.5)

    def action_toggle_star(self) -> None:
        if (article_id := self.current_id()) is not None:
            starred = self.session.toggle_star(article_id)
            self.state_changed(article_id)
            self.notify("Starred" if starred else "Unstarred", timeout=1.5)

    def state_changed(self, article_id: str) -> None:
        """Redraw one article's row and the counts after its flags changed."""
        self.query_one(ArticleList).refresh_row(article_id)
        self.show_count()
        self.warn_once(self.session.state.error)

    def action_edit_tags(self) -> None:
        """Edit the current article's tags (``t``)."""
        article_id = self.current_id()
        if article_id is None:
            self.notify("No article to tag", timeout=2)
            return
        article = self.session.article(article_id)
        title = _shortened(clean_line(article.title if article is not None else article_id))
        state = self.session.state
        known = self.session.known_tags()
        dialog = TagsScreen(f"Tags of “{title}”", state.tags_of(article_id), known)
        self.app.push_screen(dialog, lambda change: self._tag([article_id], change))

    def action_tag_all(self) -> None:
        """Add (or remove) tags on every article of the result (``T``)."""
        ids = self._result_ids()
        if not ids:
            self.notify("No articles to tag", timeout=2)
            return
        title = f"Tag all {_articles(len(ids))} of the result"
        dialog = TagsScreen(title, (), self.session.known_tags())
        self.app.push_screen(dialog, lambda change: self._tag(ids, change))

    def _tag(self, article_ids: list[str], change: TagChange | None) -> None:
        if change is None:
            return
        changed = self.session.edit_tags(article_ids, change)
        if changed == 0:
            self.notify("Tags unchanged", timeout=2)
        else:
            self.notify(f"Tags changed on {_articles(changed)} — u undoes", timeout=3, markup=False)
        self.reading_state_changed()

    def action_mark_all_read(self) -> None:
        """Mark every article of the result read, at once, as newsboat does (``A``); one
        undo step brings back exactly what was unread."""
        ids = self._result_ids()
        marked = self.session.mark_all_read(ids)
        if marked == 0:
            self.notify("Nothing unread here", timeout=2)
            return
        self.notify(f"Marked {marked:,} read — u undoes", timeout=4, markup=False)
        self.reading_state_changed()

    def action_undo(self) -> None:
        """Undo this session's last mark, star or tag change (``u``), one step at a time."""
        step = self.session.undo()
        if step is None:
            self.notify("Nothing to undo", timeout=2)
            return
        self.notify(f"Undone: {step.label}", timeout=3, markup=False)
        self.reading_state_changed()

    def _result_ids(self) -> list[str]:
        """Every article of the current query, not only the rows fetched while typing."""
        return self.session.result_ids(self.shown, self.search_query)

    def reading_state_changed(self) -> None:
        """Redraw what shows reading state: rows, the article's tags, the unread count."""
        self.query_one(ArticleList).refresh()
        self.query_one(ArticleView).refresh_header()
        self.show_count()
        self.warn_once(self.session.state.error)


def _shortened(title: str, width: int = TITLE_CHARS) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def _articles(count: int) -> str:
    return "1 article" if count == 1 else f"{count:,} articles"
