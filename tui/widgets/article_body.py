"""The text of the detail pane, laid out and drawn a line at a time (Textual's line API).

Laying out finds where each line starts: for text whose characters are each one cell wide,
one regular-expression pass (a few milliseconds a megabyte); a paragraph holding wide or
zero-width characters is measured character by character. Only the lines on screen are
styled and rendered, and those are kept until the text, its styles or the width change,
so a long article costs what its visible part costs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate

from rich._unicode_data import load as load_cell_table  # the table cell_len measures by
from rich.cells import get_character_cell_size
from rich.text import Text
from textual.geometry import Offset, Size
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

CACHED_LINES = 1024
"""Rendered lines kept at most (a few screens' worth); more and the cache starts afresh."""

Painter = Callable[[int, int], Text]
"""Styles a part of the text: ``paint(start, end)`` is ``text[start:end]`` with its styles."""


def _not_one_cell() -> re.Pattern[str]:
    """Characters that may not be one cell wide: those of the Basic Multilingual Plane that
    Rich's table makes wide or zero-width, and every character beyond it (emoji mostly;
    listing their ranges too would make the search a hundred times slower)."""
    ranges = "".join(
        f"{re.escape(chr(start))}-{re.escape(chr(min(end, 0xFFFF)))}"
        for start, end, _width in load_cell_table("auto").widths
        if 0 < start <= 0xFFFF
    )
    return re.compile(f"[{ranges}\U00010000-\U0010ffff]")


_NOT_ONE_CELL = _not_one_cell()


@lru_cache(maxsize=8)
def _wrapping(width: int) -> re.Pattern[str]:
    """One match per line of text whose characters are one cell wide: up to ``width``
    characters ending before a space (else cut within the word), the spaces after them and
    the newline that ends a paragraph; an empty line is its newline."""
    return re.compile(rf"(?:[^\n]{{1,{width}}}(?=[ \n]|\Z)|[^\n]{{1,{width}}}) *\n?|\n")


def line_starts(text: str, width: int) -> list[int]:
    """Where each line of ``text`` starts, wrapped to ``width`` cells: at spaces where it can,
    within a word longer than a line where it must; each newline ends a line."""
    width = max(width, 1)
    pattern = _wrapping(width)
    starts: list[int] = []
    position = 0
    measured = None if text.isascii() else _NOT_ONE_CELL.search(text)
    while measured is not None:
        first = text.rfind("\n", 0, measured.start()) + 1
        last = text.find("\n", measured.start())
        last = len(text) if last < 0 else last
        starts.extend(match.start() for match in pattern.finditer(text, position, first))
        starts.extend(_measured_starts(text, first, last, width))
        position = last + 1
        measured = _NOT_ONE_CELL.search(text, position)
    starts.extend(match.start() for match in pattern.finditer(text, position))
    return starts


def _measured_starts(text: str, first: int, last: int, width: int) -> list[int]:
    """Line starts of the paragraph ``text[first:last]``, measured cell by cell."""
    paragraph = text[first:last]
    cells = list(accumulate(map(get_character_cell_size, paragraph), initial=0))
    starts: list[int] = []
    position, size = 0, len(paragraph)
    while position < size:
        starts.append(first + position)
        limit = bisect_right(cells, cells[position] + width) - 1
        if limit >= size:
            break
        if limit == position:
            limit += 1  # one character wider than the line
        elif paragraph[limit] != " ":
            space = paragraph.rfind(" ", position, limit)
            limit = space if space > position else limit
        while limit < size and paragraph[limit] == " ":
            limit += 1
        position = limit
    return starts


class ArticleBody(Widget):
    """Article text styled by its owner's painter, rendered only where it is on screen."""

    DEFAULT_CSS = "ArticleBody { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        """The text shown, as it is shown."""
        self._paint: Painter = lambda start, end: Text(self.text[start:end])
        self._starts: list[int] = []
        self._width = 0
        self._strips: dict[int, Strip] = {}

    def show(self, text: str, paint: Painter) -> None:
        """Show ``text``, styled by ``paint``."""
        self.text, self._paint = text, paint
        self._width = 0
        self._strips.clear()
        self.refresh(layout=True)

    def restyle(self) -> None:
        """Draw again with the painter's current styles."""
        self._strips.clear()
        self.refresh()

    def styled(self, start: int = 0, end: int | None = None) -> Text:
        """``text[start:end]`` with its styles, as it is drawn."""
        return self._paint(start, len(self.text) if end is None else end)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._layout(width))

    def _layout(self, width: int) -> list[int]:
        if width != self._width:
            self._starts = line_starts(self.text, width) if width > 0 else []
            self._width = width
            self._strips.clear()
        return self._starts

    @property
    def line_count(self) -> int:
        """How many lines the text takes at the current width."""
        return len(self._layout(self.size.width))

    def line_of(self, offset: int) -> int:
        """The line that holds character ``offset`` of the text at the current width."""
        return max(0, bisect_right(self._layout(self.size.width), offset) - 1)

    def line_span(self, y: int) -> tuple[int, int]:
        """The characters line ``y`` shows: ``text[start:end]``, without the spaces and the
        newline that end it."""
        starts = self._layout(self.size.width)
        start = starts[y]
        end = starts[y + 1] if y + 1 < len(starts) else len(self.text)
        return start, start + len(self.text[start:end].rstrip(" \n"))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if not 0 <= y < len(self._layout(width)):
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(y)
        if strip is None:
            if len(self._strips) >= CACHED_LINES:
                self._strips.clear()
            strip = self._strips[y] = self._render_strip(y, width)
        return strip

    def _render_strip(self, y: int, width: int) -> Strip:
        start, end = self.line_span(y)
        line = self._paint(start, end)
        base = self.rich_style
        line.stylize_before(base)
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            selected_end = len(line) if span[1] == -1 else span[1]
            style = self.screen.get_component_rich_style("screen--selection")
            line.stylize(style, span[0], selected_end)
        strip = Strip(line.render(self.app.console))
        return strip.crop_extend(0, width, base).apply_offsets(0, y)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        starts = self._layout(self.size.width)
        if not starts:
            return None
        start = self._offset(selection.start, 0)
        return self.text[start : self._offset(selection.end, len(self.text))], "\n"

    def _offset(self, at: Offset | None, otherwise: int) -> int:
        """The character of the text at line and column ``at`` (``otherwise`` for none)."""
        if at is None:
            return otherwise
        y = min(at.y, len(self._starts) - 1)
        start, end = self.line_span(y)
        return min(start + at.x, end)

    def selection_updated(self, selection: Selection | None) -> None:
        self.restyle()

    def notify_style_update(self) -> None:
        """The styles changed (a theme, say): lines are rendered again."""
        super().notify_style_update()
        self._strips.clear()
