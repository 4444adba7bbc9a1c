"""Opening the store a reader asked for, creating the default one from the seeds."""

from __future__ import annotations

from pathlib import Path

from store.entities import with_entities
from store.library import ArticleStore, create_store, open_store, seed_articles
from store.paths import bundled_seeds_dir, chosen_store_path, default_store_path, state_path_for
from store.state import ReadingState


def resolve_store(cli_db: str | None) -> Path:
    """The store to open; the default one is created from the bundled seeds on first run.

    A store the reader names (``--db`` or ``NEWSDESK_DB``) must already exist: a typo should
    be an error, not a new empty store.
    """
    named = chosen_store_path(cli_db)
    if named is not None:
        return named
    path = default_store_path()
    if not path.exists():
        create_store(path, [with_entities(a) for a in seed_articles(bundled_seeds_dir())])
    return path


def open_session(cli_db: str | None) -> tuple[ArticleStore, ReadingState]:
    """The store and its reading state; raises ``StoreError`` with a one-line reason."""
    path = resolve_store(cli_db)
    store = open_store(path)
    return store, ReadingState(state_path_for(path))
