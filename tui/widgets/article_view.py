"""The detail pane: header, legend and body with entities highlighted inline by kind."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.article import ENTITY_KINDS, Article, Entity
from store.entities import extract_entities
from store.sanitize import clean_line, clean_text

KIND_LABELS = {
    "person": "person",
    "org": "organisation",
    "place": "place",
    "date": "date",
    "figure": "figure",
    "misc": "other",
}


class ArticleView(VerticalScroll, can_focus=True):
    """Shows one article; text is always built as ``Text``, never parsed as markup."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="view.down"),
        Binding("k", "scroll_up", "Up", show=False, id="view.up"),
        Binding("g", "scroll_home", "Top", show=False, id="view.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="view.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="view.page_down"),
        Binding("right_square_bracket", "screen.step(1)", "Next", id="view.next"),
        Binding(
            "left_square_bracket", "screen.step(-1)", "Previous", show=False, id="view.previous"
        ),
    ]
    """Scroll with vim keys; ``]``/``[`` read the next or previous article of the list."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--title",
        "article-view--meta",
        "article-view--caption",
        *(f"entity--{kind}" for kind in ENTITY_KINDS),
    }

    def compose(self) -> ComposeResult:
        yield Static(id="article-header")
        yield Static(id="article-legend")
        yield Static(id="article-body")

    def show_article(self, article: Article | None) -> None:
        header = self.query_one("#article-header", Static)
        body = self.query_one("#article-body", Static)
        legend = self.query_one("#article-legend", Static)
        if article is None:
            header.update(Text("No article selected", style="italic"))
            legend.update("")
            body.update("")
            return
        header.update(self._header(article))
        legend.update(self._legend())
        body.update(self._body(article))
        self.scroll_home(animate=False)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _header(self, article: Article) -> Text:
        text = Text(clean_line(article.title), style=self._style("article-view--title"))
        meta = " · ".join(
            part
            for part in (clean_line(article.source), clean_line(article.author), article.date)
            if part
        )
        if meta:
            text.append("\n" + meta, style=self._style("article-view--meta"))
        if article.url:
            text.append("\n" + clean_line(article.url), style=self._style("article-view--meta"))
        if article.tags:
            tags = " ".join(f"#{clean_line(tag)}" for tag in article.tags)
            text.append("\n" + tags, style=self._style("article-view--meta"))
        return text

    def _legend(self) -> Text:
        legend = Text()
        for kind in ENTITY_KINDS:
            legend.append(KIND_LABELS[kind], style=self._style(f"entity--{kind}"))
            legend.append("  ")
        return legend

    def _body(self, article: Article) -> Text:
        body = clean_text(article.body or article.summary)
        entities = article.entities
        if entities is None or body != article.body:
            entities = tuple(extract_entities(body))
        text = Text(body)
        if article.caption and body.startswith(article.caption):
            text.stylize(self._style("article-view--caption"), 0, len(article.caption))
        for entity in entities:
            text.stylize(self._entity_style(entity), entity.start, entity.end)
        return text

    def _entity_style(self, entity: Entity) -> Style:
        return self._style(f"entity--{entity.kind}")
