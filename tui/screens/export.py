"""The export dialog (``x``): where to write the Markdown file, never overwriting silently."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

_SLUG_LENGTH = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def default_export_path(
    slug_from: str, folder: Path | None = None, today: date | None = None
) -> Path:
    """``~/newsdesk-<slug>-YYYYMMDD.md`` (in the documents folder when there is one), with
    ``-2``, ``-3``... added until the name is free."""
    folder = folder or export_folder()
    slug = _NOT_SLUG.sub("-", slug_from.casefold()).strip("-")[:_SLUG_LENGTH].strip("-")
    stem = "-".join(part for part in ("newsdesk", slug, f"{today or date.today():%Y%m%d}") if part)
    path, number = folder / f"{stem}.md", 2
    while path.exists():
        path, number = folder / f"{stem}-{number}.md", number + 1
    return path


def export_folder() -> Path:
    from platformdirs import user_documents_dir

    documents = Path(user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def display_path(path: Path) -> str:
    """``path`` with the home folder shown as ``~``."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


class ExportScreen(ModalScreen[Path | None]):
    """Ask for the file; an existing one is only replaced when enter is pressed again."""

    DEFAULT_CSS = """
    ExportScreen {
        align: center middle;
    }
    #export-problem {
        color: $warning;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="export.cancel"),
    ]

    def __init__(self, path: Path, count: int) -> None:
        super().__init__()
        self.path = path
        self.count = count
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        noun = "article" if self.count == 1 else "articles"
        with Vertical(id="export-box", classes="dialog"):
            yield Label(f"Export {self.count} {noun} to Markdown", classes="dialog-title")
            yield Input(display_path(self.path), id="export-path", select_on_focus=False)
            yield Label("", id="export-problem", markup=False)
            yield Label("enter exports · esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#export-path", Input))

    @on(Input.Changed, "#export-path")
    def _changed(self) -> None:
        self._confirmed = None
        self.query_one("#export-problem", Label).update("")

    @on(Input.Submitted, "#export-path")
    def _submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self._problem(f"{text} is a folder: name a file in it")
        elif not path.parent.is_dir():
            self._problem(f"No folder {display_path(path.parent)}")
        elif path.exists() and self._confirmed != path:
            self._confirmed = path
            self._problem(f"{text} exists: enter again replaces it, or change the name")
        else:
            self.dismiss(path)

    def _problem(self, message: str) -> None:
        self.query_one("#export-problem", Label).update(message)
