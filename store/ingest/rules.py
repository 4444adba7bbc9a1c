"""Rules on arrival: a query and an action, applied to each new article as it is imported
or fetched, before it is stored.

``ignore`` keeps the article out of the store (counted as ignored); ``read``, ``star`` and
``tag:NAME`` set the reader's own state of it (the article's document stays as its feed
wrote it); ``notify`` names it among what a background fetch tells the reader about. A
rule may be kept to one feed: the subscription URL a fetched article carries. Queries are
matched in Python as the search index would match them (``store.query.match``), entity
terms included: every rule is judged once the article's entities are known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from store.article import FEED
from store.query import parse_query
from store.query.match import Subject, matches
from store.query.nodes import Everything, Query, QueryError
from store.sanitize import clean_line

ACTIONS = ("ignore", "read", "star", "notify", "tag:NAME")
NOTIFIED_KEPT = 50
"""Titles of articles to notify about that a summary keeps (the count goes on)."""


class RuleError(ValueError):
    """A rule that cannot be used, in one line."""


@dataclass(frozen=True)
class Rule:
    query_text: str
    query: Query
    action: str
    """``ignore``, ``read``, ``star``, ``notify`` or ``tag:NAME``."""
    feed: str | None = None
    """The subscription URL the rule is kept to; ``None`` for every article."""

    def describe(self) -> str:
        where = f" (feed {self.feed})" if self.feed else ""
        return f"{self.query_text!r} -> {self.action}{where}"


def make_rule(query: object, action: object, feed: object = None) -> Rule:
    """A rule from a config table's values; ``RuleError`` saying what is wrong."""
    if not isinstance(query, str) or not query.strip():
        raise RuleError("needs a query (query = 'title:sponsored')")
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise RuleError(f"query {clean_line(query)!r}: {exc}") from None
    if isinstance(parsed.root, Everything):
        raise RuleError(f"query {clean_line(query)!r} matches every article")
    return Rule(query, parsed, _action(action), _feed(feed))


def _action(action: object) -> str:
    if isinstance(action, str):
        action = action.strip()
        if action.lower() in ("ignore", "read", "star", "notify"):
            return action.lower()
        if action[:4].lower() == "tag:" and (name := clean_line(action[4:]).strip()):
            return f"tag:{name}"
    raise RuleError(f"action must be one of {', '.join(ACTIONS)}, not {clean_line(repr(action))}")


def _feed(feed: object) -> str | None:
    if feed is None:
        return None
    if isinstance(feed, str) and feed.strip().lower().startswith(("http://", "https://")):
        return feed.strip()
    raise RuleError(f"feed must be a feed's URL, not {clean_line(repr(feed))}")


@dataclass(frozen=True)
class Verdict:
    """What the rules that matched one article do to it."""

    ignore: bool = False
    read: bool = False
    star: bool = False
    tags: tuple[str, ...] = ()
    notify: bool = False

    @property
    def acts(self) -> bool:
        return self.ignore or self.read or self.star or bool(self.tags) or self.notify


NOTHING = Verdict()


@dataclass(frozen=True)
class Rules:
    """The rules in force."""

    rules: tuple[Rule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules)

    def judge(self, doc: Mapping[str, Any], names: str = "") -> Verdict:
        """The verdict on one new article: its document (entities aside) and its ``names``
        column (``store.index.names.entity_names``)."""
        feed = doc.get(FEED)
        chosen = [rule for rule in self.rules if rule.feed is None or rule.feed == feed]
        if not chosen:
            return NOTHING
        subject = Subject(doc, lambda: _mentions(names) if names else ())
        actions = [rule.action for rule in chosen if matches(rule.query.root, subject)]
        if not actions:
            return NOTHING
        tags = tuple(dict.fromkeys(a[4:] for a in actions if a.startswith("tag:")))
        return Verdict(
            "ignore" in actions, "read" in actions, "star" in actions, tags, "notify" in actions
        )


def _mentions(names: str) -> set[tuple[str, str]]:
    from store.index.names import mentions_in  # not loaded with the config, which reads rules

    return mentions_in(names)


@dataclass
class RuleCounts:
    """What the rules did in one import: articles per action, and the new articles a
    ``notify`` rule matched (their titles, the first ``NOTIFIED_KEPT``)."""

    ignored: int = 0
    read: int = 0
    starred: int = 0
    tagged: int = 0
    notified: int = 0
    titles: list[str] = field(default_factory=list)

    def count(self, verdict: Verdict, title: str) -> None:
        self.read += verdict.read
        self.starred += verdict.star
        self.tagged += bool(verdict.tags)
        if verdict.notify:
            self.notified += 1
            if len(self.titles) < NOTIFIED_KEPT:
                self.titles.append(clean_line(title))

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "starred": self.starred,
            "tagged": self.tagged,
            "notify": self.notified,
        }


def rules_from_config(tables: Iterable[Mapping[str, Any]]) -> tuple[list[Rule], list[str]]:
    """Rules from ``[[rules]]`` tables, and one line per table that cannot be used (that
    rule skipped: never applied in part)."""
    rules, problems = [], []
    for number, table in enumerate(tables, 1):
        unknown = sorted(set(table) - {"query", "action", "feed"})
        try:
            if unknown:
                raise RuleError(f"unknown key {clean_line(unknown[0])!r} (query, action, feed)")
            rules.append(make_rule(table.get("query"), table.get("action"), table.get("feed")))
        except RuleError as exc:
            problems.append(f"rule {number}: {exc}; skipped")
    return rules, problems
