"""``newsdesk feeds add|list|set|remove|export`` and ``newsdesk fetch``.

The ingest modules (feedparser, inscriptis, lxml) are imported inside the commands that use
them, so that opening the app does not pay for loading them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from store import StoreError, resolve_store
from tui.commands.output import EXIT_OK, EXIT_PARTIAL, EXIT_UNUSABLE, fail, print_json, say

if TYPE_CHECKING:
    from store import FetchOutcome, Subscription
    from store.ingest.fulltext import PageOutcome
    from tui.commands.output import SubParsers


def add_parsers(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    feeds = commands.add_parser("feeds", parents=[parent], help="manage subscriptions")
    actions = feeds.add_subparsers(dest="feeds_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[parent], help="subscribe to feed URLs or an OPML file")
    add.add_argument("targets", nargs="+", metavar="URL|OPML")
    add.add_argument(
        "--full-text",
        action="store_true",
        help="fetch each item's page for the whole article (for feeds that carry an excerpt)",
    )
    add.set_defaults(run=run_add)
    show = actions.add_parser("list", parents=[parent], help="list subscriptions")
    show.add_argument("--json", action="store_true", help="print a JSON array")
    show.set_defaults(run=run_list)
    settings = actions.add_parser(
        "set",
        parents=[parent],
        help="change a subscription's settings: title=NAME, full-text=on|off, interval=15m|off",
    )
    settings.add_argument("target", metavar="URL|N")
    settings.add_argument("settings", nargs="+", metavar="KEY=VALUE")
    settings.set_defaults(run=run_set)
    remove = actions.add_parser("remove", parents=[parent], help="unsubscribe (URL or number)")
    remove.add_argument("targets", nargs="+", metavar="URL|N")
    remove.set_defaults(run=run_remove)
    export = actions.add_parser("export", parents=[parent], help="print subscriptions as OPML")
    export.set_defaults(run=run_export)
    fetch = commands.add_parser("fetch", parents=[parent], help="fetch every subscribed feed")
    fetch.add_argument("--workers", type=int, default=8, help="feeds fetched at once (8)")
    fetch.add_argument("--timeout", type=float, default=15.0, help="seconds per attempt (15)")
    fetch.add_argument("--json", action="store_true", help="print the outcome as JSON")
    fetch.add_argument(
        "--every",
        metavar="DURATION",
        help="fetch the feeds that are due every DURATION (30s, 15m, 1h) until interrupted, "
        "one line per round; a failing feed backs off",
    )
    fetch.set_defaults(run=run_fetch)


def _subscriptions(targets: list[str]) -> list[Subscription]:
    """URLs as given; anything that exists and is not a folder is read as OPML (a FIFO or a
    device is refused by the reader, not taken for a URL)."""
    from store import Subscription, read_paths

    found: list[Subscription] = []
    for target in targets:
        path = Path(target)
        if path.exists() and not path.is_dir():
            result = read_paths([path])
            if not result.feeds:
                reason = result.rejects[0].reason if result.rejects else "no feeds in it"
                raise ValueError(f"{target}: {reason}")
            found.extend(result.feeds)
        else:
            found.append(Subscription(target.strip()))
    return found


def _with_full_text(feeds: list[Subscription], full_text: bool) -> list[Subscription]:
    from dataclasses import replace

    return [replace(feed, full_text=True) for feed in feeds] if full_text else feeds


def run_add(args: argparse.Namespace) -> int:
    from store import add_feeds

    try:
        feeds = _with_full_text(_subscriptions(args.targets), args.full_text)
        added = add_feeds(resolve_store(args.db), feeds)
    except (ValueError, StoreError) as exc:
        return fail(str(exc))
    say(f"{added} feed(s) added, {len(feeds) - added} already subscribed")
    if args.full_text and added < len(feeds):
        say("for a feed already subscribed: newsdesk feeds set URL full-text=on")
    return EXIT_OK


def run_set(args: argparse.Namespace) -> int:
    from store.ingest.subscriptions import set_feed

    settings = {}
    for item in args.settings:
        key, equals, value = item.partition("=")
        if not equals:
            return fail(f"{item}: say KEY=VALUE (title=NAME, full-text=on|off, interval=15m)")
        settings[key] = value
    try:
        feed = set_feed(resolve_store(args.db), args.target, settings)
    except (ValueError, StoreError) as exc:
        return fail(str(exc))
    full_text = "on" if feed.full_text else "off"
    say(f"{feed.url}  {feed.title}  [full text {full_text}]")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    from store import list_feeds

    try:
        feeds = list_feeds(resolve_store(args.db))
    except StoreError as exc:
        return fail(str(exc))
    if args.json:
        print_json([vars(feed) for feed in feeds])
        return EXIT_OK
    for number, feed in enumerate(feeds, 1):
        status = feed.last_status or "never fetched"
        full_text = ", full text" if feed.full_text else ""
        say(f"{number:>3}  {feed.url}  {feed.title}  [{status}{full_text}]")
    if not feeds:
        say("no subscriptions: add one with 'newsdesk feeds add URL'")
    return EXIT_OK


def run_remove(args: argparse.Namespace) -> int:
    from store import remove_feeds

    try:
        removed = remove_feeds(resolve_store(args.db), args.targets)
    except StoreError as exc:
        return fail(str(exc))
    if not removed:
        return fail(f"no subscription matches {' '.join(args.targets)}")
    for url in removed:
        say(f"removed {url}")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from store import export_opml, list_feeds

    try:
        feeds = list_feeds(resolve_store(args.db))
    except StoreError as exc:
        return fail(str(exc))
    print(export_opml(feeds), end="")
    return EXIT_OK


def run_fetch(args: argparse.Namespace) -> int:
    from store import refresh_feeds
    from tui.commands.rules import arrival_rules, rules_note

    if args.every is not None:
        from tui.commands.scheduled import run_fetch_every

        return run_fetch_every(args)
    try:
        path = resolve_store(args.db)
        on_outcome = None if args.json else _print_outcome
        report = refresh_feeds(
            path,
            workers=args.workers,
            timeout=args.timeout,
            on_outcome=on_outcome,
            rules=arrival_rules(),
        )
    except StoreError as exc:
        return fail(str(exc))
    summary = report.summary
    if args.json:
        pages = [_page_dict(page) for page in report.pages]
        feeds = [_outcome_dict(o) for o in report.outcomes]
        print_json({"feeds": feeds, **summary.to_dict(), "pages": pages})
    else:
        say(
            f"{summary.added} new, {summary.updated} updated article(s); "
            f"{len(report.failed)} of {len(report.outcomes)} feed(s) failed" + rules_note(summary)
        )
        _say_pages(report.pages)
    if report.outcomes and len(report.failed) == len(report.outcomes):
        return EXIT_UNUSABLE
    return EXIT_PARTIAL if report.failed or summary.rejected else EXIT_OK


def _say_pages(pages: list[PageOutcome]) -> None:
    """Whole articles fetched for full-text feeds; a page that failed leaves the feed's
    text (and does not fail the fetch)."""
    if not pages:
        return
    failed = [page for page in pages if page.page is None]
    say(
        f"{len(pages) - len(failed)} whole article(s) fetched; {len(failed)} page(s) kept the "
        "feed's text"
    )
    for page in failed:
        say(f"page failed  {page.url}  {page.error}")


def _page_dict(page: PageOutcome) -> dict[str, object]:
    return {"url": page.url, "status": "ok" if page.page else "failed", "error": page.error}


def _print_outcome(outcome: FetchOutcome) -> None:
    say(outcome.line())


def _outcome_dict(outcome: FetchOutcome) -> dict[str, object]:
    return {
        "url": outcome.url,
        "status": outcome.status,
        "http_status": outcome.http_status,
        "articles": len(outcome.result.articles),
        "error": outcome.error,
    }
