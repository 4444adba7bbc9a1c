"""Fixtures for the Pilot tests of the Textual app: small generated stores and an app factory.

Every test gets its own store file (written with ``create_store``, read back with
``open_store``) and its own reading-state file, both under ``tmp_path``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from tui_support import FIVE_ARTICLES, generated_articles

from store.article import Article
from store.session import open_store_session
from store.storage.library import create_store, open_store
from tui.app import NewsdeskApp

AppFactory = Callable[..., NewsdeskApp]


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "articles.json"


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "articles.state.json"


@pytest.fixture
def many_articles() -> tuple[Article, ...]:
    """More articles than fit on one page at any tested size."""
    return generated_articles(120)


@pytest.fixture
def make_app(store_path: Path, state_path: Path) -> AppFactory:
    """Build a ``NewsdeskApp`` on a fresh store holding ``articles`` (the five by default)."""

    def make(articles: Sequence[Article] = FIVE_ARTICLES) -> NewsdeskApp:
        create_store(store_path, articles)
        store = open_store(store_path)
        assert [a.id for a in store.articles] == [a.id for a in articles], "order changed"
        return NewsdeskApp(open_store_session(store_path))

    return make
