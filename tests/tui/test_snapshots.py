"""SVG snapshots of the app on the bundled seed store, narrow and wide.

Update the baselines with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and review
the SVGs under ``tests/tui/__snapshots__/`` before keeping them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.entities import with_entities
from store.library import create_store, seed_articles
from store.paths import bundled_seeds_dir
from store.session import open_store_session
from tui.app import NewsdeskApp


@pytest.fixture
def seed_app(tmp_path: Path) -> NewsdeskApp:
    path = tmp_path / "articles.json"
    create_store(path, [with_entities(a) for a in seed_articles(bundled_seeds_dir())])
    return NewsdeskApp(open_store_session(path))


def test_narrow_list(snap_compare, seed_app):
    assert snap_compare(seed_app, terminal_size=(80, 24))


def test_wide_list_and_article(snap_compare, seed_app):
    assert snap_compare(seed_app, terminal_size=(160, 48))
