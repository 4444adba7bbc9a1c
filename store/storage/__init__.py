"""Article storage behind one interface (``Backend``): a folder of TinyDB segment files
(``FolderBackend``, the default) or one TinyDB file (``FileBackend``, stores of earlier
versions and any ``--db`` ending in ``.json``). A new backend (a database server, say) is
one more class with these methods."""

from __future__ import annotations

from pathlib import Path

from store.paths import is_folder_store
from store.storage.base import (
    Backend,
    Change,
    Part,
    Place,
    Placed,
    document_at,
    encoded,
    fingerprint,
    fingerprint_of,
    unplaced,
)
from store.storage.file import FileBackend
from store.storage.folder import FolderBackend

__all__ = [
    "Backend",
    "Change",
    "FileBackend",
    "FolderBackend",
    "Part",
    "Place",
    "Placed",
    "document_at",
    "encoded",
    "fingerprint",
    "fingerprint_of",
    "is_folder_store",
    "open_backend",
    "unplaced",
]


def open_backend(path: Path) -> Backend:
    """The backend of the store at ``path`` (nothing is read or created yet)."""
    return FolderBackend(path) if is_folder_store(path) else FileBackend(path)
