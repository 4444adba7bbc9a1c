"""What the parts of the main screen share: the session, the result shown and its query.

The main screen is assembled from parts, each a class of its own file with its keys
(arranging, links, piping, reading state, saved searches, entity facets, background work).
``MainParts`` is the one typed statement of what a part may use: the attributes
``MainScreen`` sets and the hooks it implements. (A ``typing.Protocol`` cannot be a base
of a Textual ``Screen``, whose metaclass differs, so the contract is this base class.)
"""

from __future__ import annotations

from textual.screen import Screen

from store import Arrangement, ResultRows, Session
from store.query.nodes import Query


class MainParts(Screen[None]):
    """The main screen as its parts see it; ``MainScreen`` fills it in."""

    session: Session
    shown: ResultRows
    """The result the list shows (maybe only its first rows while typing)."""
    search_query: Query
    """The query the list shows the result of (the last one that parsed and ran)."""
    arrangement: Arrangement
    warned_read_only: bool
    """Whether the reader was told their reading state cannot be saved (told once)."""

    @property
    def reading(self) -> bool:
        """Whether the article pane has the screen (a narrow terminal) or the focus."""
        return self.has_class("-reading")

    def set_reading(self, reading: bool) -> None:
        """Go to the article (``True``) or back to the list."""
        raise NotImplementedError

    def current_id(self) -> str | None:
        """The id of the article under the list's cursor."""
        raise NotImplementedError

    def show_count(self) -> None:
        """Redraw the counts beside the search box."""
        raise NotImplementedError

    def rearrange(self) -> None:
        """Show the current query's result again, arranged anew."""
        raise NotImplementedError

    def rerun(self, keep_place: bool = False) -> None:
        """The index changed under the list: search again, the cursor kept (``keep_place``:
        on its article even when it was at the top)."""
        raise NotImplementedError

    def warn_once(self, error: str | None) -> None:
        """Tell the reader their reading state is not saved (``error``), once a session."""
        if error and not self.warned_read_only:
            self.warned_read_only = True
            self.notify(error, severity="warning", timeout=8, markup=False)
