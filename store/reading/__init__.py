"""The reader's own data, beside the articles: what is read, starred and tagged
(``state``, appended to a journal, ``journal``), the undo history (``undo``), saved searches
(``saved``) and how the list is sorted and grouped (``arrangement``). All of it lives in the
state file, written through ``state_file`` on a snapshot of it (``snapshot``)."""

from store.reading.arrangement import Arrangement
from store.reading.saved import SavedSearch, SavedSearches
from store.reading.state import ReadingState
from store.reading.state_file import STATE_TABLE, fold_journal, upsert_documents, write_table
from store.reading.undo import Edit, TagChange, UndoHistory, UndoStep, clean_tag, parse_tag_change

__all__ = [
    "STATE_TABLE",
    "Arrangement",
    "Edit",
    "ReadingState",
    "SavedSearch",
    "SavedSearches",
    "TagChange",
    "UndoHistory",
    "UndoStep",
    "clean_tag",
    "fold_journal",
    "parse_tag_change",
    "upsert_documents",
    "write_table",
]
