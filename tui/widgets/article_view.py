"""The detail pane: header, legend and body with entities highlighted inline by kind.

Words the search matched are marked too. One entity can be selected (``w``/``b`` move the
selection through the text); ``n``/``N`` jump between the mentions of the selected entity,
counting "Katz" and "Israel Katz" as one person, or, with no entity selected, between the
search's hits; ``a`` asks for every article that mentions the selected entity. The link
under the title and the URLs in the body are OSC 8 hyperlinks (http, https, mailto only).
An article's enclosures (podcast episodes, videos, images) are listed under the header,
one line each, their URLs hyperlinks too; an article without any shows no such section.

The body is drawn a line at a time (``ArticleBody``): only what is on screen is styled, so
an article of any length opens at once. Its first ``SHOWN_BYTES`` are shown (a note says
so when there is more); the search's hits in a long text are found in a worker.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from store import ENTITY_KINDS, Article, Entity, clean_line, clean_text
from store.article import FULL_TEXT
from store.enclosures import Enclosure, article_enclosures, description
from store.entities import canonical_names, extract_entities, outside_urls
from store.fold import fold
from store.links import UrlSpan, find_urls, hyperlink_target, readable_url
from store.query.highlight import Span, hit_spans, without_overlaps
from store.query.nodes import Text as Term
from tui.widgets.article_body import ArticleBody

SHOWN_BYTES = 1_000_000
"""How much of an article's text the pane shows (UTF-8): a long book, far more than any
news article; the rest is a link away."""
EXCERPT_CHARS = 600
"""A feed article shorter than this may be an excerpt: the pane says W fetches the rest."""
ROOMY_ROWS = 24
"""Under this many rows (a phone over SSH) the guess that a text is an excerpt is not said."""
FIELD_CHARS = 2_000
"""A header field (title, source, author, link, tags) is cut to this length."""
HITS_AT_ONCE = 50_000
"""Texts up to this long have their search hits found at once; longer, in a worker, in
parts of this size."""
EXTRACTED_KEPT = 16
"""Entities extracted on display are remembered for this many articles."""

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

    # Entity colours are theme variables, so every theme (and 16-colour terminals) keeps them
    # apart; each kind also has its own text style (person bold, org bold underline, place
    # underline, date italic, figure bold italic, misc italic underline) for NO_COLOR.
    DEFAULT_CSS = """
        #article-header {
            margin: 0 0 1 0;
        }

        #article-attachments {
            margin: 0 0 1 0;
        }

        #article-legend {
            margin: 0 0 1 0;
        }

        #article-cut {
            margin: 0 0 1 0;
            color: $text-warning;
        }

        ArticleView > .article-view--title {
            text-style: bold;
            color: $text;
        }

        ArticleView > .article-view--meta {
            color: $text-muted;
        }

        ArticleView > .article-view--caption {
            text-style: italic;
            color: $text-muted;
        }

        ArticleView > .entity--person {
            color: $text-warning;
            text-style: bold;
        }

        ArticleView > .entity--org {
            color: $text-primary;
            text-style: bold underline;
        }

        ArticleView > .entity--place {
            color: $text-success;
            text-style: underline;
        }

        ArticleView > .entity--date {
            color: $text-accent;
            text-style: italic;
        }

        ArticleView > .entity--figure {
            color: $text-error;
            text-style: bold italic;
        }

        ArticleView > .entity--misc {
            color: $text-secondary;
            text-style: italic underline;
        }

        ArticleView > .article-view--selected {
            text-style: reverse;
        }

        /* Search hits: reverse video, so they show in 16 colours and with NO_COLOR too. */
        ArticleView > .article-view--hit {
            text-style: reverse;
        }

        ArticleView > .article-view--current-hit {
            text-style: reverse bold underline;
            background: $accent;
        }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, tooltip="scroll down", id="view.down"),
        Binding("k", "scroll_up", "Up", show=False, tooltip="scroll up", id="view.up"),
        Binding("g", "scroll_home", "Top", show=False, tooltip="top of the article", id="view.top"),
        Binding(
            "G",
            "scroll_end",
            "Bottom",
            show=False,
            tooltip="bottom of the article",
            id="view.bottom",
        ),
        Binding(
            "space", "page_down", "Page down", show=False, tooltip="page down", id="view.page_down"
        ),
        Binding(
            "right_square_bracket",
            "screen.step(1)",
            "Next",
            tooltip="next article of the list",
            id="view.next",
        ),
        Binding(
            "left_square_bracket",
            "screen.step(-1)",
            "Previous",
            show=False,
            tooltip="previous article of the list",
            id="view.previous",
        ),
        Binding(
            "w",
            "select_entity(1)",
            "Next entity",
            show=False,
            tooltip="select the next entity in the text",
            id="view.next_entity",
        ),
        Binding(
            "b",
            "select_entity(-1)",
            "Previous entity",
            show=False,
            tooltip="select the previous entity in the text",
            id="view.prev_entity",
        ),
        Binding(
            "n",
            "mention(1)",
            "Next mention",
            show=False,
            tooltip="next mention of the selected entity (or search hit)",
            id="view.next_mention",
        ),
        Binding(
            "N",
            "mention(-1)",
            "Previous mention",
            show=False,
            tooltip="previous mention of the selected entity (or search hit)",
            id="view.prev_mention",
        ),
        Binding(
            "a",
            "mentioning",
            "Articles mentioning",
            show=False,
            tooltip="every article mentioning the selected entity",
            id="view.mentioning",
        ),
        Binding(
            "h",
            "toggle_highlight",
            "Highlight",
            show=False,
            tooltip="highlight entities on / off",
            id="view.highlight",
        ),
    ]
    """Scroll with vim keys; ``]``/``[`` change article; entity keys move the selection."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--title",
        "article-view--meta",
        "article-view--caption",
        "article-view--selected",
        "article-view--hit",
        "article-view--current-hit",
        *(f"entity--{kind}" for kind in ENTITY_KINDS),
    }

    highlight: reactive[bool] = reactive(True, init=False)
    selected: reactive[int | None] = reactive(None, init=False)

    @dataclass
    class MentioningRequested(Message):
        """The reader wants every article that mentions an entity."""

        kind: str
        name: str

    def __init__(self, *, id: str | None = None, kinds: tuple[str, ...] = ENTITY_KINDS) -> None:
        super().__init__(id=id)
        self.kinds = kinds
        """The entity kinds highlighted (``entity_kinds`` in the config); others are plain text."""
        self.article: Article | None = None
        self.entities: tuple[Entity, ...] = ()
        self._names: dict[int, str] = {}
        self._body = ""
        self._cut_from = 0
        """The length of the article's text when only a part of it is shown, else 0."""
        self._urls: list[UrlSpan] = []
        self._url_spans = _Spans.of(())
        self._entity_spans = _Spans.of(())
        self._extracted: dict[str, tuple[Entity, ...]] = {}
        self.terms: list[Term] = []
        """The search's words and phrases, marked where they occur."""
        self._hits: list[Span] = []
        self._hit_spans = _Spans.of(())
        self._hit: int | None = None
        self._finding_hits = False
        """Hits are being found in a worker."""
        self._stale = False
        """Changed while hidden: drawn when next shown."""
        self._draw_hidden = False
        self._resting: Timer | None = None
        """Pending while a preview waits for the cursor to rest."""
        self.tags_of: Callable[[str], tuple[str, ...]] = lambda article_id: ()
        """The reader's own tags of an article, shown after the article's."""

    def compose(self) -> ComposeResult:
        yield Static(id="article-header")
        attachments = Static(id="article-attachments")
        attachments.display = False
        yield attachments
        yield Static(id="article-legend")
        cut = Static(id="article-cut")
        cut.display = False
        yield cut
        yield ArticleBody(id="article-body")

    def show_article(self, article: Article | None, rest: float = 0.0) -> None:
        """Show ``article``; with ``rest``, draw it only once no other article has come for
        that many seconds (a preview while the cursor runs down the list: over SSH each
        drawn preview costs ~30 KB at 160x48, a row move ~0.5 KB). ``article`` is the one
        shown for every other purpose at once (links, tags)."""
        self._hold(rest)
        self.article = article
        text = (article.body or article.summary) if article else ""
        shown = _first_bytes(text, SHOWN_BYTES)
        self._cut_from = len(text) if len(shown) < len(text) else 0
        self._body = clean_text(shown)
        self._urls = find_urls(self._body)
        self._url_spans = _Spans.of((url.start, url.end) for url in self._urls)
        self._set_entities(self._known_entities(article))
        self.set_reactive(ArticleView.selected, None)
        self._find_hits()
        self._render_header()
        self._render_body()
        self.scroll_home(animate=False)

    def _hold(self, rest: float) -> None:
        if self._resting is not None:
            self._resting.stop()
            self._resting = None
        if rest > 0:
            self._resting = self.set_timer(rest, self.catch_up)

    def _drawing(self) -> bool:
        """Whether to draw now. A hidden pane (one pane at a time on a narrow terminal) is
        drawn when it is shown instead: each update lays out the whole screen, and over SSH a
        cursor move would pay for redrawing the list's scrollbar (~750 bytes at 80x24)."""
        if self._draw_hidden or (self.display and self._resting is None):
            return True
        self._stale = True
        return False

    def on_show(self) -> None:
        self.catch_up()

    def catch_up(self, hidden_too: bool = False) -> None:
        """Draw what changed while the pane was hidden, if it shows now (called at once by
        the screen that shows it, so no frame goes out with the old or blank pane);
        ``hidden_too`` draws it even while hidden (tests reading the pane's text)."""
        self._hold(0)
        if self._stale and (self.display or hidden_too):
            self._stale, self._draw_hidden = False, hidden_too
            try:
                self._render_header()
                self._render_body()
            finally:
                self._draw_hidden = False

    def _render_header(self) -> None:
        if not self._drawing():
            return
        header = self.query_one("#article-header", Static)
        if self.article is None:
            header.update(Text("No article selected", style="italic"))
        else:
            header.update(self._header(self.article))
        self._render_attachments()

    def _render_attachments(self) -> None:
        """The enclosures section, shown only when the article has any (so that every
        other article looks as it always did)."""
        section = self.query_one("#article-attachments", Static)
        enclosures = article_enclosures(self.article) if self.article is not None else ()
        section.update(self._attachments(enclosures) if enclosures else "")
        section.display = bool(enclosures)

    def set_terms(self, terms: list[Term]) -> None:
        """Mark what a new search matches in the article shown."""
        if terms == self.terms:
            return
        self.terms = terms
        self._find_hits()
        if self.article is not None:
            self._render_header()
            self._render_body()

    def refresh_header(self) -> None:
        """Redraw the header (the reader's tags changed)."""
        if self.article is not None:
            self._render_header()

    def _find_hits(self) -> None:
        """The search's hits in the text: at once in a short one, else in a worker (the text
        shows at once, its hits marked when they are found)."""
        self._hit = None
        long_text = len(self._body) > HITS_AT_ONCE and any(
            term.field in (None, "body") for term in self.terms
        )
        self._set_hits([] if long_text else hit_spans(self._body, self.terms, "body"))
        self._finding_hits = long_text
        if long_text:
            self._find_hits_apart(self._body, list(self.terms))

    def _set_hits(self, hits: list[Span]) -> None:
        self._hits = hits
        self._hit_spans = _Spans.of(hits)

    @work(thread=True, exclusive=True, group="hits")
    def _find_hits_apart(self, body: str, terms: list[Term]) -> None:
        hits: list[Span] = []
        worker = get_current_worker()
        for start, end in _parts(body, HITS_AT_ONCE):
            if worker.is_cancelled:
                return
            hits.extend(hit_spans(body, terms, "body", start, end))
        self.app.call_from_thread(self._hits_found, body, terms, without_overlaps(hits))

    def _hits_found(self, body: str, terms: list[Term], hits: list[Span]) -> None:
        if body is self._body and terms == self.terms:
            self._finding_hits = False
            self._set_hits(hits)
            self._restyle()

    def _known_entities(self, article: Article | None) -> tuple[Entity, ...]:
        """Stored (or already extracted) entities; otherwise extraction starts in a worker and
        the text shows at once, highlighted when it is done."""
        if article is None:
            return ()
        if article.entities is not None and article.body.startswith(self._body):
            shown = len(self._body)
            return tuple(entity for entity in article.entities if entity.end <= shown)
        if article.id in self._extracted:
            return self._extracted[article.id]
        self._extract(article.id, self._body)
        return ()

    def _set_entities(self, entities: tuple[Entity, ...]) -> None:
        self.entities = self._shown_kinds(outside_urls(entities, self._urls))
        self._entity_spans = _Spans.of((entity.start, entity.end) for entity in self.entities)
        self._names = canonical_names(self.entities)

    def _shown_kinds(self, entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
        if len(self.kinds) == len(ENTITY_KINDS):
            return entities
        return tuple(entity for entity in entities if entity.kind in self.kinds)

    @work(thread=True, exclusive=True, group="entities")
    def _extract(self, article_id: str, body: str) -> None:
        entities = tuple(extract_entities(body))
        self.app.call_from_thread(self._extraction_done, article_id, entities)

    def _extraction_done(self, article_id: str, entities: tuple[Entity, ...]) -> None:
        if len(self._extracted) >= EXTRACTED_KEPT:
            del self._extracted[next(iter(self._extracted))]
        self._extracted[article_id] = entities
        if self.article is not None and self.article.id == article_id:
            self._set_entities(entities)
            self._render_body()

    def shown_article(self) -> Article | None:
        """The article as the pane shows it: with only the first ``SHOWN_BYTES`` of a long
        text (its links are those of the text shown)."""
        if self.article is None or not self._cut_from:
            return self.article
        return replace(self.article, body=self._body, entities=self.entities)

    @property
    def selected_entity(self) -> Entity | None:
        return self.entities[self.selected] if self.selected is not None else None

    def selected_name(self) -> str | None:
        return self._names[self.selected] if self.selected is not None else None

    def watch_highlight(self) -> None:
        self._render_body()

    def watch_selected(self) -> None:
        self._render_body()
        self._scroll_to_selection()

    def _render_body(self) -> None:
        if not self._drawing():
            return
        legend = self.query_one("#article-legend", Static)
        cut = self.query_one("#article-cut", Static)
        body = self.query_one(ArticleBody)
        legend.update(self._legend() if self.article is not None else "")
        cut.update(self._cut_note())
        cut.display = bool(self._cut_from)
        if body.text is not self._body:
            body.show(self._body, self._styled)
        else:
            body.restyle()

    def _restyle(self) -> None:
        """Draw the body's styles again (the text is the same)."""
        if self._drawing():
            self.query_one(ArticleBody).restyle()

    def _cut_note(self) -> Text:
        if not self._cut_from or self.article is None:
            return Text()
        how = "o opens the article" if self.article.url else "the rest is not shown"
        note = (
            f"Long article: the first {SHOWN_BYTES // 1_000_000} MB is shown "
            f"({len(self._body):,} of {self._cut_from:,} characters); {how}"
        )
        return Text(note, style="italic")

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _header(self, article: Article) -> Text:
        title = _field(article.title)
        text = Text(title, style=self._style("article-view--title"))
        for start, end in hit_spans(title, self.terms, "title"):
            text.stylize(self._style("article-view--hit"), start, end)
        meta = " · ".join(
            part for part in (_field(article.source), _field(article.author), article.date) if part
        )
        if meta:
            text.append("\n" + meta, style=self._style("article-view--meta"))
        if article.url:
            url = _field(article.url)
            text.append("\n" + url, style=self._style("article-view--meta"))
            if len(article.url) <= FIELD_CHARS and (target := hyperlink_target(url)):
                text.stylize(Style(link=target), len(text) - len(url), len(text))
        if tags := _all_tags(article.tags, self.tags_of(article.id)):
            line = _field(" ".join(f"#{tag}" for tag in tags))
            text.append("\n" + line, style=self._style("article-view--meta"))
        if article.caption and not article.body.startswith(article.caption):
            caption = _field(f"Photo: {article.caption}")
            text.append("\n" + caption, style=self._style("article-view--caption"))
        if note := excerpt_note(article, roomy=self.app.size.height >= ROOMY_ROWS):
            text.append("\n" + note, style=self._style("article-view--meta") + Style(italic=True))
        return text

    def _attachments(self, enclosures: tuple[Enclosure, ...]) -> Text:
        """``Attachments``, then a line for each: ``audio/mpeg · 42:10 · 38.1 MB  URL``,
        the URL a hyperlink when it may be one. Built as ``Text``: a feed's type or URL is
        never read as markup."""
        text = Text("Attachments", style=self._style("article-view--title"))
        meta = self._style("article-view--meta")
        for enclosure in enclosures:
            url = _field(readable_url(enclosure.url))
            text.append("\n" + _field(description(enclosure)) + "  ")
            text.append(url, style=meta)
            if len(enclosure.url) <= FIELD_CHARS and (target := hyperlink_target(enclosure.url)):
                text.stylize(Style(link=target), len(text) - len(url), len(text))
        return text

    def _legend(self) -> Text:
        if not self.highlight:
            return Text("entities not highlighted (h shows them)", style="italic")
        if not self.kinds:
            return Text("no entity kinds highlighted (entity_kinds in the config)", style="italic")
        legend = Text()
        for kind in self.kinds:
            legend.append(KIND_LABELS[kind], style=self._style(f"entity--{kind}"))
            legend.append("  ")
        return legend

    def _styled(self, start: int, end: int) -> Text:
        """``body[start:end]`` with the styles of what it holds: the caption, entities,
        search hits, the selected entity and links."""
        text = Text(self._body[start:end], end="")
        caption = self.article.caption if self.article is not None else ""
        if caption and start < len(caption) and self._body.startswith(caption):
            text.stylize(self._style("article-view--caption"), 0, len(caption) - start)
        if self.highlight:
            for index in self._entity_spans.overlapping(start, end):
                entity = self.entities[index]
                style = self._style(f"entity--{entity.kind}")
                _stylize(text, style, start, entity.start, entity.end)
        for index in self._hit_spans.overlapping(start, end):
            hit_start, hit_end = self._hits[index]
            _stylize(text, self._style("article-view--hit"), start, hit_start, hit_end)
        if self._hit is not None:
            hit_start, hit_end = self._hits[self._hit]
            _stylize(text, self._style("article-view--current-hit"), start, hit_start, hit_end)
        if (chosen := self.selected_entity) is not None:
            _stylize(text, self._style("article-view--selected"), start, chosen.start, chosen.end)
        for index in self._url_spans.overlapping(start, end):
            url = self._urls[index]
            if target := hyperlink_target(url.url):
                _stylize(text, Style(link=target, underline=True), start, url.start, url.end)
        return text

    def _scroll_to_selection(self) -> None:
        entity = self.selected_entity
        if entity is not None:
            self._scroll_to_offset(entity.end)

    def _scroll_to_offset(self, offset: int) -> None:
        """Bring the line holding character ``offset`` of the body into view."""
        body = self.query_one(ArticleBody)
        if body.size.width == 0:
            return
        line = body.virtual_region.y + body.line_of(max(0, offset - 1))
        self.scroll_to_region(Region(0, line, 1, 1), animate=False, center=True)

    def action_select_entity(self, step: int) -> None:
        if not self.entities:
            return
        if self.selected is None:
            self.selected = 0 if step > 0 else len(self.entities) - 1
        else:
            self.selected = (self.selected + step) % len(self.entities)

    def action_mention(self, step: int) -> None:
        """The next (or previous) mention of the selected entity, wrapping around; with no
        entity selected, the next search hit."""
        if self.selected is None and (self._hits or self._finding_hits):
            self._step_hit(step)
            return
        if self.selected is None:
            self.action_select_entity(step)
            return
        name = self._names[self.selected]
        same = [i for i in range(len(self.entities)) if self._names[i] == name]
        position = same.index(self.selected)
        self.selected = same[(position + step) % len(same)]
        total = len(same)
        self.notify(
            f"{name}: mention {same.index(self.selected) + 1} of {total}", timeout=1.5, markup=False
        )

    def _step_hit(self, step: int) -> None:
        if self._finding_hits:
            self.notify("Still finding the search's words in this long article", timeout=2)
            return
        if self._hit is None:
            self._hit = 0 if step > 0 else len(self._hits) - 1
        else:
            self._hit = (self._hit + step) % len(self._hits)
        self._render_body()
        self._scroll_to_offset(self._hits[self._hit][1])
        self.notify(f"hit {self._hit + 1} of {len(self._hits)}", timeout=1.5)

    def action_mentioning(self) -> None:
        entity = self.selected_entity
        if entity is None:
            self.notify("Select an entity first (w / b, or n)", timeout=2)
            return
        self.post_message(self.MentioningRequested(entity.kind, self._names[self.selected or 0]))

    def action_toggle_highlight(self) -> None:
        self.highlight = not self.highlight


def excerpt_note(article: Article, roomy: bool = True) -> str:
    """Said under the header when the pane shows a feed's excerpt rather than the article
    (the guess that it may be one only when the terminal has rows to spare)."""
    status = str(article.extra.get(FULL_TEXT) or "")
    if status.startswith("failed:"):
        reason = _field(status.removeprefix("failed:").strip())
        return f"Feed excerpt only: the page could not be read ({reason}); W tries again"
    if roomy and status != "ok" and article.url and len(article.body) < EXCERPT_CHARS:
        return "Feed excerpt only? W fetches the whole article from its page"
    return ""


def _field(text: str) -> str:
    """A header field as shown: on one line, cut to ``FIELD_CHARS``."""
    return clean_line(text[:FIELD_CHARS])


def _first_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` that is at most ``limit`` bytes in UTF-8."""
    if len(text) <= limit // 4:
        return text
    head = text[:limit]
    if head.isascii():
        return head
    return head.encode()[:limit].decode(errors="ignore")


@dataclass(frozen=True, slots=True)
class _Spans:
    """Sorted spans that do not overlap, to find those of a line quickly."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, spans: Iterable[Span]) -> _Spans:
        pairs = list(spans)
        return cls([start for start, _end in pairs], [end for _start, end in pairs])

    def overlapping(self, start: int, end: int) -> range:
        """The indexes of the spans that overlap ``start..end``."""
        return range(bisect_right(self.ends, start), bisect_left(self.starts, end))


def _stylize(text: Text, style: Style, offset: int, start: int, end: int) -> None:
    """Style ``start..end`` of the body in ``text``, which holds the body from ``offset``."""
    text.stylize(style, max(0, start - offset), max(0, end - offset))


def _parts(text: str, size: int) -> Iterator[tuple[int, int]]:
    """``text`` cut into spans of about ``size`` characters, each ending at a space."""
    start = 0
    while start < len(text):
        end = text.find(" ", start + size)
        end = len(text) if end < 0 else end
        yield start, end
        start = end


def _all_tags(own: tuple[str, ...], readers: tuple[str, ...]) -> list[str]:
    """The article's tags, then the reader's, each once (ignoring case and accents)."""
    tags: dict[str, str] = {}
    for tag in filter(None, map(clean_line, (*own, *readers))):
        tags.setdefault(fold(tag), tag)
    return list(tags.values())
