"""The article list: a Line-API view that draws only the rows on screen.

Rows are formatted in ``render_line`` from the article they show, so filtering 100,000
articles costs one list assignment, and a cursor move refreshes just the two rows involved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import ResultRows, clean_line
from store.index import Row
from store.index.groups import Group, Lines, local_date_text
from store.query.highlight import Span

SOURCE_WIDTH = 10
COMPACT_ROW = 60
"""Rows narrower than this show the date as ``MM-DD`` and a shorter source, so the title
keeps room (at 40 columns: 21 cells of title instead of 14)."""
COMPACT_SOURCE_WIDTH = 7


class RowFlags(Protocol):
    """What the list needs to know about reading state."""

    def is_read(self, article_id: str) -> bool: ...

    def is_starred(self, article_id: str) -> bool: ...

    def tags_of(self, article_id: str) -> tuple[str, ...]: ...


def _no_hits(title: str) -> list[Span]:
    return []


class _NoFlags:
    def is_read(self, article_id: str) -> bool:
        return False

    def is_starred(self, article_id: str) -> bool:
        return False

    def tags_of(self, article_id: str) -> tuple[str, ...]:
        return ()


class ArticleList(ScrollView, can_focus=True):
    """One row per article: unread dot, star, date, source, title, the reader's tags."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down", "cursor_down", "Down", show=False, tooltip="next article", id="list.down"
        ),
        Binding("k,up", "cursor_up", "Up", show=False, tooltip="previous article", id="list.up"),
        Binding("g,home", "first", "First", show=False, tooltip="first article", id="list.first"),
        Binding("G,end", "last", "Last", show=False, tooltip="last article", id="list.last"),
        Binding(
            "pagedown,space",
            "page_down",
            "Page down",
            show=False,
            tooltip="page down",
            id="list.page_down",
        ),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="page up", id="list.page_up"),
        Binding(
            "enter", "select", "Read", tooltip="read the article under the cursor", id="list.read"
        ),
    ]
    """Vim keys and arrows move the cursor; enter opens the article."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--date",
        "article-list--source",
        "article-list--marker",
        "article-list--empty",
        "article-list--hit",
        "article-list--group",
        "article-list--tags",
    }

    DEFAULT_CSS = """
    ArticleList { height: 1fr; overflow-x: hidden; }
    ArticleList > .article-list--cursor { background: $block-cursor-blurred-background; }
    ArticleList:focus > .article-list--cursor { background: $block-cursor-background; }
    ArticleList > .article-list--unread { text-style: bold; }
    ArticleList > .article-list--hit { text-style: reverse; }
    ArticleList > .article-list--group { color: $text-accent; text-style: bold; }
    ArticleList > .article-list--tags { color: $text-muted; text-style: italic; }
    ArticleList > .article-list--date {
        color: $text-muted;
    }

    ArticleList > .article-list--source {
        color: $text-secondary;
    }

    ArticleList > .article-list--marker {
        color: $text-accent;
    }

    ArticleList > .article-list--read {
        color: $text-muted;
    }

    ArticleList > .article-list--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    cursor: reactive[int] = reactive(0, init=False, repaint=False)
    """No repaint of its own: ``watch_cursor`` refreshes the two rows involved."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved onto an article."""

        article_id: str

    @dataclass
    class Selected(Message):
        """The reader asked to open an article."""

        article_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.articles: Sequence[Row] = ()
        self.flags: RowFlags = _NoFlags()
        self.hits: Callable[[str], list[Span]] = _no_hits
        """Where the query matched a title, for highlighting."""
        self.empty_message = "No articles"
        self.lines = Lines(0)
        """Where group headers sit among the rows; the cursor moves over rows only."""

    def show(
        self,
        rows: ResultRows,
        empty_message: str = "No articles",
        groups: Sequence[Group] = (),
        keep: bool = True,
    ) -> None:
        """Replace the rows (under ``groups``' headers), keeping the cursor on the same
        article when it is still there (``keep``), else putting it on the first."""
        current = self.current_id
        self.articles = rows
        self.lines = Lines(len(rows), groups)
        self.empty_message = empty_message
        self.virtual_size = Size(0, len(self.lines))  # rows are cut to the width: no x scroll
        index = (rows.position_of(current) or 0) if keep else 0
        self.set_reactive(ArticleList.cursor, self.validate_cursor(index))
        self.refresh()
        self.scroll_to_region(self._row_region(self.cursor), animate=False, force=True)
        if self.current_id is not None and self.current_id != current:
            self.post_message(self.Highlighted(self.current_id))

    @property
    def current_id(self) -> str | None:
        if 0 <= self.cursor < len(self.articles):
            return self.articles[self.cursor].id
        return None

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.articles) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(self.lines.line_of(old))
        self.refresh_line(self.lines.line_of(new))
        self._bring_into_view(new)
        if self.current_id is not None:
            self.post_message(self.Highlighted(self.current_id))

    def on_resize(self, event: Resize) -> None:
        """A pane grown or shrunk (the entity facets shown, the terminal resized) keeps
        the cursor's row on screen."""
        self._bring_into_view(self.cursor)

    def _bring_into_view(self, index: int) -> None:
        """Scroll only when the row is off screen, and then put it in the middle: every
        scroll redraws the whole list (a terminal has no cheaper way Textual uses), so
        over SSH a held ``j`` pays for it once every half screen, not on every line."""
        region = self._row_region(index)
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if top <= region.y and region.bottom <= top + height:
            return
        self.scroll_to_region(region, animate=False, force=True, center=True)

    def _row_region(self, index: int) -> Region:
        """The row's line, with its group's header when it is the group's first row."""
        line = self.lines.line_of(index)
        above = 1 if self.lines.starts_group(index) else 0
        return Region(0, line - above, self.size.width, 1 + above)

    def refresh_row(self, article_id: str) -> None:
        """Redraw the row of ``article_id`` if it is on screen (almost always the cursor's)."""
        if self.current_id == article_id:
            self.refresh_line(self.lines.line_of(self.cursor))
            return
        top = self.scroll_offset.y
        for line in range(top, min(len(self.lines), top + self.size.height)):
            index = self.lines.at(line)
            if isinstance(index, int) and self.articles[index].id == article_id:
                self.refresh_line(line)
                return

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.articles) - 1

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        """A screenful of lines (headers included) down or up, onto the row there; a page
        that ends on a header goes on to the row beyond it, so up mirrors down."""
        step = max(1, self.scrollable_content_region.height - 1)
        line = self.lines.line_of(self.cursor) + direction * step
        target = self.lines.position_at(line)
        if direction < 0 and isinstance(self.lines.at(max(0, line)), Group):
            target = max(0, target - 1)  # the row above the header, not the one below it
        if target == self.cursor and self.articles:
            target = self.cursor + direction  # a header filled the page: still move
        self.cursor = target

    def action_select(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Selected(self.current_id))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        if not self.articles:
            return self._empty_line(y, width)
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        item = self.lines.at(index)
        if isinstance(item, Group):
            return self._format_header(item, width)
        index = item
        row_style = self.rich_style
        if index == self.cursor:
            row_style += self.get_component_rich_style("article-list--cursor", partial=True)
        return self._format_row(self.articles[index], width, row_style)

    def _empty_line(self, y: int, width: int) -> Strip:
        if y != 0:
            return Strip.blank(width, self.rich_style)
        style = self.rich_style + self.get_component_rich_style("article-list--empty")
        return Strip([Segment(set_cell_size(f" {self.empty_message}", width), style)])

    def _format_row(self, article: Row, width: int, row_style: Style) -> Strip:
        read = self.flags.is_read(article.id)
        base = row_style + self.get_component_rich_style(
            "article-list--read" if read else "article-list--unread", partial=True
        )
        marker = ("  " if read else "● ") + ("★ " if self.flags.is_starred(article.id) else "  ")
        date = local_date_text(article.published) or " " * 10
        source_width = SOURCE_WIDTH
        if width < COMPACT_ROW:
            date, source_width = date[5:], COMPACT_SOURCE_WIDTH
        cells = [
            (marker, self._part("marker", base)),
            (f"{date} ", self._part("date", base)),
            (_fit(clean_line(article.source), source_width) + " ", self._part("source", base)),
        ]
        room = max(0, width - sum(cell_len(text) for text, _ in cells))
        title, tags = _title_and_tags(
            clean_line(article.title), self.flags.tags_of(article.id), room
        )
        segments = [Segment(text, style) for text, style in cells]
        segments.extend(self._title_segments(title, base))
        segments.append(Segment(tags, self._part("tags", base)))
        return Strip(segments).adjust_cell_length(width, base)

    def _format_header(self, group: Group, width: int) -> Strip:
        """``── Tuesday 1 December 2026 · 12 ─────``: not a row, never under the cursor."""
        style = self.rich_style + self.get_component_rich_style("article-list--group")
        count = f" · {group.count:,}{'+' if group.more else ''} "
        label = clean_line(group.label)
        room = width - 3 - cell_len(count)
        if cell_len(label) > room:
            label = _fit(label, max(1, room)).rstrip()
        text = f"── {label}{count}"
        fill = width - cell_len(text)
        text = text + "─" * fill if fill >= 0 else set_cell_size(text, width)
        return Strip([Segment(text, style)])

    def _title_segments(self, title: str, base: Style) -> list[Segment]:
        """The title, with the words the query matched marked."""
        hit = self._part("hit", base)
        segments: list[Segment] = []
        at = 0
        for start, end in self.hits(title):
            segments += [Segment(title[at:start], base), Segment(title[start:end], hit)]
            at = end
        segments.append(Segment(title[at:], base))
        return segments

    def _part(self, name: str, base: Style) -> Style:
        return base + self.get_component_rich_style(f"article-list--{name}", partial=True)


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width or width <= 1:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)


def _title_and_tags(title: str, tags: tuple[str, ...], room: int) -> tuple[str, str]:
    """The title and, right after it, the reader's tags (``#a #b``) in ``room`` cells; when
    both do not fit, the tags get up to a third of the room and the title the rest."""
    label = "".join(f" #{clean_line(tag)}" for tag in tags)
    if cell_len(title) + cell_len(label) <= room:
        return title, label
    label = _fit(label, min(cell_len(label), room // 3)) if label else ""
    return _fit(title, room - cell_len(label)), label
