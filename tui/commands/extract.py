"""``newsdesk extract PATH|URL [--json]``: the article of an HTML page, as newsdesk reads it
for full-text feeds: its text without navigation, advertisements, comments or related
stories, and what the page says about itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from store import clean_text
from tui.commands.output import EXIT_OK, fail, print_json, say

if TYPE_CHECKING:
    from store.ingest.pages import Page
    from tui.commands.output import SubParsers

_EPILOG = """\
--json prints one object: {"title", "author", "published", "caption", "text"}; published is
ISO 8601 in UTC, or "" when the page names no date.

exit status: 0 done; 2 the file or page cannot be read, or it holds no article (one line on
stderr, nothing on stdout)."""


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "extract",
        parents=[parent],
        help="print the article of an HTML page (a file or an http(s) address)",
        description="Print the main text of an article page: its paragraphs, headings, lists\n"
        "and quotes, links as [text](url), without navigation, advertisements, comments,\n"
        "cookie banners or related stories. --db is accepted, and unused.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="PATH|URL", help="an HTML file, or an http(s) address")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    from store.ingest.fulltext import fetch_page, page_text
    from store.ingest.pages import NotAnArticle, extract_page

    source: str = args.source
    if source.lower().startswith(("http://", "https://")):
        outcome = fetch_page(source)
        if outcome.page is None:
            return fail(f"{source}: {outcome.error}")
        page = outcome.page
    else:
        try:
            page = extract_page(page_text(Path(source).read_bytes()))
        except OSError as exc:
            return fail(f"{source}: {exc.strerror or exc}")
        except NotAnArticle as exc:
            return fail(f"{source}: {exc}")
    _print(page, args.json)
    return EXIT_OK


def _print(page: Page, as_json: bool) -> None:
    if as_json:
        fields = ("title", "author", "published", "caption", "text")
        print_json({name: getattr(page, name) for name in fields})
        return
    for label, value in (("Title", page.title), ("By", page.author), ("Date", page.published)):
        if value:
            say(f"{label}: {value}")
    print()
    print(clean_text(page.text))
