"""How the reader arranges a result: its order, its groups, and whether read articles show.

Headless, so the rules are unit-tested without the app: a ``sort:`` typed in the query
wins over the chosen order; grouping by day lists newest first and grouping by source
lists sources A to Z (newest first within each), so a grouping brings its order with it;
"unread only" is the query's own ``is:unread`` filter, so it composes with any search.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from store.config import GROUPS, SORTS, Config
from store.query.nodes import And, Everything, Flag, Node, Query, has_free_text

GROUP_ORDER = {"day": "date", "source": "source"}
"""The order each grouping lists its rows in."""


@dataclass(frozen=True)
class Arrangement:
    """``order``: the chosen order (``relevance``: best match first when the query has
    words, else newest first); ``group``: none, day or source; ``unread_only``: read
    articles hidden."""

    order: str = "relevance"
    group: str = "none"
    unread_only: bool = False

    @classmethod
    def from_config(cls, config: Config) -> Arrangement:
        return cls(config.default_sort, config.group_by, not config.show_read)

    def applied(self, query: Query) -> Query:
        """``query`` as it is run: in the order shown, read articles left out if asked."""
        root = _both(query.root, Flag("unread")) if self.unread_only else query.root
        return Query(root, self.order_of(query))

    def order_of(self, query: Query) -> str:
        """The order asked for: the query's ``sort:``, else the grouping's, else the
        chosen one."""
        if query.sort is not None:
            return query.sort
        return GROUP_ORDER.get(self.group, self.order)

    def shown_order(self, query: Query) -> str:
        """The order the rows really come in (relevance without words is newest first)."""
        order = self.order_of(query)
        if order == "relevance" and not has_free_text(query.root):
            return "date"
        return order

    def grouping(self, query: Query) -> str:
        """The grouping shown: none when the query's ``sort:`` lists rows in an order the
        grouping cannot follow (days need date order, sources source order)."""
        if self.group in GROUP_ORDER and self.shown_order(query) != GROUP_ORDER[self.group]:
            return "none"
        return self.group

    def describe(self, query: Query) -> str:
        """What the header says: ``by date``, ``grouped by source · unread only``...; nothing
        for the natural order (best match first for words, else newest first), which leaves
        the room to the query on a narrow terminal."""
        grouping = self.grouping(query)
        parts = []
        if grouping != "none":
            parts.append(f"grouped by {grouping}")
        elif self.order_of(query) != "relevance":
            parts.append(f"by {self.shown_order(query)}")
        if self.unread_only:
            parts.append("unread only")
        return " · ".join(parts)

    def next_order(self, query: Query) -> Arrangement:
        """``O``: the next order after the one shown (date, source, relevance); a grouping
        that cannot follow it is turned off."""
        current = self.order_of(query)
        order = SORTS[(SORTS.index(current) + 1) % len(SORTS)] if current in SORTS else SORTS[0]
        group = self.group if GROUP_ORDER.get(self.group) == order else "none"
        return replace(self, order=order, group=group)

    def next_group(self) -> Arrangement:
        """``z``: none, day, source, none..."""
        group = (
            GROUPS[(GROUPS.index(self.group) + 1) % len(GROUPS)]
            if self.group in GROUPS
            else GROUPS[0]
        )
        return replace(self, group=group)

    def toggled_unread(self) -> Arrangement:
        """``U``: hide read articles, or show them again."""
        return replace(self, unread_only=not self.unread_only)


def _both(first: Node, second: Node) -> Node:
    return second if isinstance(first, Everything) else And((first, second))
