"""The main screen's link and export keys: ``o`` open, ``y`` copy, ``L`` link list, ``x`` export.

A part of the main screen (``tui.screens.parts``). Opening runs in a thread worker (a
browser command may take a moment); copying goes through the terminal (OSC 52), so it
reaches the reader's own clipboard over SSH too.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import work
from textual.binding import Binding, BindingType

from store import Article, StoreError, UnsafeLink, article_links, safe_url
from store.export import check_not_store_file, export_documents, write_atomically
from tui.browser import open_in_browser
from tui.screens.export import ExportScreen, default_export_path, display_path
from tui.screens.links import LinkListScreen
from tui.screens.parts import MainParts
from tui.widgets.article_view import ArticleView
from tui.widgets.search_bar import SearchBar

LINK_BINDINGS: list[BindingType] = [
    Binding(
        "o",
        "open_link",
        "Open link",
        show=False,
        tooltip="open the article's link in the browser (http/https only)",
        id="main.open_link",
    ),
    Binding(
        "y",
        "copy_link",
        "Copy link",
        show=False,
        tooltip="copy the article's link (via the terminal, works over SSH)",
        id="main.copy_link",
    ),
    Binding(
        "L",
        "link_list",
        "Links",
        show=False,
        tooltip="every link in the article, numbered, to open or copy",
        id="main.links",
    ),
    Binding(
        "x",
        "export",
        "Export",
        show=False,
        tooltip="export the results (or the article read) to Markdown",
        id="main.export",
    ),
]


class LinkActions(MainParts):
    """Keys that hand the current article's links (or the results) to the outside world."""

    def current_article(self) -> Article | None:
        """The article in the detail pane, which is the one under the list's cursor."""
        return self.query_one(ArticleView).article

    def action_open_link(self) -> None:
        if (article := self._article_with_link()) is not None:
            self.open_link(article.url)

    def action_copy_link(self) -> None:
        if (article := self._article_with_link()) is not None:
            self.copy_link(article.url)

    def _article_with_link(self) -> Article | None:
        article = self.current_article()
        if article is None:
            self.notify("No article selected", timeout=2)
        elif not article.url:
            self.notify("This article has no link (L lists the links in its text)", timeout=3)
        else:
            return article
        return None

    def open_link(self, url: str) -> None:
        """Open ``url`` in a browser, in a worker; refuse what is not http(s)."""
        try:
            target = safe_url(url)
        except UnsafeLink as exc:
            self.notify(f"Not opened: {exc}", severity="warning", timeout=4, markup=False)
            return
        self._launch(target)

    @work(thread=True, exclusive=True, group="browser")
    def _launch(self, url: str) -> None:
        launch = open_in_browser(url)
        with suppress(RuntimeError):  # the app quit while the browser was starting
            self.app.call_from_thread(
                self._launched, launch.opened, launch.message, launch.no_browser
            )

    def _launched(self, opened: bool, message: str, no_browser: bool) -> None:
        if opened:
            self.notify(message, timeout=2, markup=False)
        elif no_browser:
            self.notify(f"{message}: press y to copy the link", timeout=6, markup=False)
        else:
            self.notify(message, severity="warning", timeout=6, markup=False)

    def copy_link(self, url: str) -> None:
        """Copy ``url`` to the reader's clipboard through the terminal (OSC 52)."""
        try:
            target = safe_url(url, ("http", "https", "mailto"))
        except UnsafeLink as exc:
            self.notify(f"Not copied: {exc}", severity="warning", timeout=4, markup=False)
            return
        self.app.copy_to_clipboard(target)
        self.notify("Link copied", timeout=2)

    def action_link_list(self) -> None:
        article = self.query_one(ArticleView).shown_article()
        if article is None:
            self.notify("No article selected", timeout=2)
            return
        links = article_links(article)
        if not links:
            self.notify("No links in this article", timeout=2)
            return
        self.app.push_screen(LinkListScreen(links, self.open_link, self.copy_link))

    def action_export(self) -> None:
        """Export to Markdown: the article being read, else the whole current result."""
        if self.session.read_only:
            self.notify("Read-only session: no export to this machine's files", timeout=3)
            return
        article = self.current_article()
        if self.has_class("-reading") and article is not None:
            self._ask_path(ExportJob([article.to_document()], [], ""), article.title)
            return
        text = self.query_one(SearchBar).value.strip()
        rowids = self._result_rowids()
        if not rowids:
            self.notify("Nothing to export: no articles match", timeout=3)
            return
        title = f"newsdesk: {text}" if text else "newsdesk"
        if self.session.index.path is None:  # in memory: no other connection sees it
            self._ask_path(ExportJob(self.session.index.documents(rowids), [], title), text)
        else:
            self._ask_path(ExportJob([], rowids, title), text)

    def _result_rowids(self) -> list[int]:
        """The list's result as shown, in its order; all of it when only its first rows
        are loaded (while typing)."""
        if self.shown.complete:
            return list(self.shown.rowids)
        return self.session.index.search(self.search_query)

    def _ask_path(self, job: ExportJob, slug_from: str) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self._write_export(path, job)

        count = len(job.documents) + len(job.rowids)
        self.app.push_screen(ExportScreen(default_export_path(slug_from), count), chosen)

    @work(thread=True, exclusive=True, group="export")
    def _write_export(self, path: Path, job: ExportJob) -> None:
        """Runs in a thread, reading the results on a connection of its own."""
        try:
            check_not_store_file(path, self.session.store_path)
            documents = job.documents or self.session.documents_apart(job.rowids)
            exported = export_documents(documents, "md", title=job.title)
            write_atomically(path, exported.text)
        except StoreError as exc:
            self.app.call_from_thread(self._exported, f"Export failed: {exc}", True)
            return
        noun = "article" if exported.count == 1 else "articles"
        message = f"Exported {exported.count} {noun} to {display_path(path)}"
        self.app.call_from_thread(self._exported, message, False)

    def _exported(self, message: str, failed: bool) -> None:
        self.notify(message, severity="error" if failed else "information", timeout=6, markup=False)


@dataclass(frozen=True)
class ExportJob:
    """What ``x`` exports: documents at hand, or the row ids of a result to read for it."""

    documents: list[dict[str, Any]]
    rowids: list[int]
    title: str
