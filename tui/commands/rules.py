"""``newsdesk rules``: the rules on arrival in the config, and ``rules test QUERY``, what a
rule would have matched in the store; and the rules ``import`` and ``fetch`` apply.

A rule is a query of the search pane's language and an action (``ignore``, ``read``,
``star``, ``tag:NAME``, ``notify``), in the config as ``[[rules]]`` tables; ``feed = URL``
keeps one to the articles of one subscription. A rule that cannot be used is one line on
stderr when a command that applies rules starts, and is skipped.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from store import StoreError, clean_line
from store.query.nodes import And, Feed, Flag, Node, Not, Or, Query
from tui.commands.output import EXIT_OK, fail, print_json, say, warn
from tui.commands.querying import caught_up_session, on_index, parse_cli_query, positive

if TYPE_CHECKING:
    from store import ImportSummary, Session
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
    from store import read_config
    from store.ingest.rules import Rules

    report = read_config()
    for problem in report.problems:
        if problem.text.startswith("rule "):
            warn(f"config {report.path}: {problem.where()}")
    return Rules(report.config.rules) if report.config.rules else None


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
    from store import read_config

    report = read_config()
    for problem in report.problems:
        if problem.text.startswith("rule "):
            warn(f"config {report.path}: {problem.where()}")
    rules = report.config.rules
    if not rules:
        say(f"no rules in {report.path} (see newsdesk rules --help)")
        return EXIT_OK
    try:
        session = caught_up_session(args.db)
        counts = on_index(session, lambda s: [len(s.index.search(_tested(r))) for r in rules])
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
    if args.feed:
        query = Query(And((query.root, Feed(args.feed))), query.sort)
    if _names_state(query.root):
        warn("is: terms: an article arrives unread and not starred, whatever it is now")
    try:
        session = caught_up_session(args.db)
        found, total = on_index(session, lambda s: _matches(s, query, args.limit))
    except StoreError as exc:
        return fail(str(exc))
    if args.json:
        print_json({"matched": len(found[1]), "total": total, "articles": found[0]})
        return EXIT_OK
    for doc in found[0]:
        date = str(doc.get("published", ""))[:10] or "-" * 10
        print(f"{date}  {clean_line(str(doc.get('source', '')))}  {clean_line(str(doc['title']))}")
    say(f"{len(found[1])} of {total} stored articles match")
    return EXIT_OK


def _tested(rule: Rule) -> Query:
    if rule.feed is None:
        return rule.query
    return Query(And((rule.query.root, Feed(rule.feed))), rule.query.sort)


def _matches(
    session: Session, query: Query, limit: int | None
) -> tuple[tuple[list[dict[str, Any]], list[int]], int]:
    rowids = session.index.search(Query(query.root, "date"))
    shown = rowids if limit is None else rowids[:limit]
    docs = [
        {k: doc.get(k, "") for k in ("id", "title", "source", "published", "url")}
        for doc in session.index.documents(shown)
    ]
    return (docs, rowids), session.total()


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
