"""``newsdesk rules``: the rules on arrival in the config, and ``rules test QUERY``, what a
rule would have matched in the store; and the rules ``import`` and ``fetch`` apply.

A rule is a query of the search pane's language and an action (``ignore``, ``read``,
``star``, ``tag:NAME``, ``notify``), in the config as ``[[rules]]`` tables; ``feed = URL``
keeps one to the articles of one subscription. A rule that cannot be used is one line on
stderr when a command that applies rules starts, and is skipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import StoreError
from store.query.nodes import And, Feed, Flag, Node, Not, Or, Query
from tui.commands.output import EXIT_OK, fail, print_json, say, warn
from tui.commands.querying import caught_up_session, on_index, parse_cli_query, positive
from tui.commands.search import JSON_FIELDS, print_row, results

if TYPE_CHECKING:
    from store import ImportSummary
    from store.ingest.rules import Rule, Rules
    from tui.commands.output import SubParsers

_EPILOG = """\
In the config (newsdesk config path):

  [[rules]]
  query = 'title:sponsored OR "paid post"'
  action = "ignore"

  [[rules]]
  query = 'person:"jane doe"'
  action = "notify"
  feed = "https://example.com/feed.xml"

Actions: ignore (never stored), read, star, tag:NAME, notify. Rules act on new articles
only, as they are imported or fetched."""


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "rules",
        parents=[parent],
        help="list the rules on arrival, or test a query as a rule",
        description="Rules on arrival act on each new article as it is imported or fetched.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run_list, json=False)
    actions = parser.add_subparsers(dest="rules_action", metavar="ACTION")
    listing = actions.add_parser("list", parents=[parent], help="each rule and its matches")
    listing.add_argument("--json", action="store_true", help="print the rules as JSON")
    listing.set_defaults(run=run_list)
    test = actions.add_parser(
        "test",
        parents=[parent],
        free_text="query",
        help="print the stored articles a rule's query matches",
    )
    test.add_argument("query", nargs="+", metavar="QUERY", help="the rule's query")
    test.add_argument("--feed", metavar="URL", help="as a rule kept to this subscription")
    test.add_argument("--json", action="store_true", help="print the matches as JSON")
    test.add_argument("--limit", type=positive, metavar="N", help="print at most N articles")
    test.set_defaults(run=run_test)


def arrival_rules() -> Rules | None:
    """The config's rules, for ``import`` and ``fetch``; each one that cannot be used is a
    line on stderr (and is skipped)."""
    from store.ingest.rules import Rules

    rules = _config_rules()[1]
    return Rules(rules) if rules else None


def _config_rules() -> tuple[Path, tuple[Rule, ...]]:
    """The config file and the rules in it; each rule that cannot be used is a line on
    stderr."""
    from store import read_config

    report = read_config()
    for problem in report.problems:
        if problem.text.startswith("rule "):
            warn(f"config {report.path}: {problem.where()}")
    return report.path, report.config.rules


def rules_note(summary: ImportSummary) -> str:
    """What the rules did, for a summary line ("" when they did nothing)."""
    counts = summary.rules
    done = [
        f"{counts.ignored} ignored" if counts.ignored else "",
        f"{counts.read} marked read" if counts.read else "",
        f"{counts.starred} starred" if counts.starred else "",
        f"{counts.tagged} tagged" if counts.tagged else "",
        f"{counts.notified} to notify" if counts.notified else "",
    ]
    done = [part for part in done if part]
    return f"; rules: {', '.join(done)}" if done else ""


def run_list(args: argparse.Namespace) -> int:
    path, rules = _config_rules()
    if not rules:
        say(f"no rules in {path} (see newsdesk rules --help)")
        return EXIT_OK
    try:
        session = caught_up_session(args.db)
        counts = on_index(
            session, lambda s: [len(s.index.search(_with_feed(r.query, r.feed))) for r in rules]
        )
    except StoreError as exc:
        return fail(str(exc))
    if args.json:
        print_json([_rule_dict(rule, count) for rule, count in zip(rules, counts, strict=True)])
        return EXIT_OK
    for rule, count in zip(rules, counts, strict=True):
        print(f"{count:>7} stored  {rule.describe()}")
    return EXIT_OK


def run_test(args: argparse.Namespace) -> int:
    query = parse_cli_query(" ".join(args.query))
    if isinstance(query, int):
        return query
    query = _with_feed(Query(query.root, "date"), args.feed)
    if _names_state(query.root):
        warn("is: terms: an article arrives unread and not starred, whatever it is now")
    try:
        session = caught_up_session(args.db)
        found, matched, total = on_index(session, lambda s: results(s, query, args.limit))
    except StoreError as exc:
        return fail(str(exc))
    if args.json:
        articles = [{name: doc.get(name, "") for name in JSON_FIELDS} for doc in found]
        print_json({"matched": matched, "total": total, "articles": articles})
        return EXIT_OK
    for doc in found:
        print_row(doc)
    say(f"{matched} of {total} stored articles match")
    return EXIT_OK


def _with_feed(query: Query, feed: str | None) -> Query:
    """``query`` kept to the articles fetched from ``feed``, as a rule with ``feed`` is."""
    if feed is None:
        return query
    return Query(And((query.root, Feed(feed))), query.sort)


def _names_state(node: Node) -> bool:
    if isinstance(node, Flag):
        return True
    if isinstance(node, Not):
        return _names_state(node.child)
    if isinstance(node, And | Or):
        return any(_names_state(child) for child in node.children)
    return False


def _rule_dict(rule: Rule, count: int) -> dict[str, Any]:
    return {"query": rule.query_text, "action": rule.action, "feed": rule.feed, "stored": count}
