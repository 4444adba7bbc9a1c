"""The search index: a derived, rebuildable SQLite file kept in step with the store."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from store.errors import StoreError
from store.index.searcher import Row, SearchIndex
from store.index.sync import CatchUp, signature

__all__ = ["CatchUp", "Row", "SearchIndex", "refresh_index", "signature"]


def refresh_index(store_path: Path, replaced: Mapping[str, Any] | None = None) -> None:
    """Bring the index up to date after this process wrote the store (holding its lock),
    reading back the part files it wrote; ``replaced``: the documents it replaced, by
    article id (see ``sync.catch_up``).

    Best effort: an index that cannot be updated now is caught up when next opened.
    """
    index = SearchIndex.open(store_path)
    try:
        if index.path is not None:
            index.catch_up(store_path, replaced=replaced)
    except (StoreError, OSError):
        pass
    finally:
        index.close()
