"""SVG snapshots of the app on the bundled seed store, narrow and wide.

Update the baselines with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and review
the SVGs under ``tests/tui/__snapshots__/`` before keeping them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.entities import with_entities
from store.paths import bundled_seeds_dir
from store.session import open_store_session
from store.storage.library import create_store, seed_articles
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


@pytest.fixture
def many_app(tmp_path: Path) -> NewsdeskApp:
    """120 generated articles, three of them with "1926" in the title."""
    from dataclasses import replace

    from tui_support import generated_articles

    articles = [
        replace(a, title=f"{a.title} in 1926") if i in (30, 60, 90) else a
        for i, a in enumerate(generated_articles(120))
    ]
    path = tmp_path / "articles.json"
    create_store(path, articles)
    return NewsdeskApp(open_store_session(path))


SEARCHED = ["slash", *"title:1926", "enter", "escape"]
"""A search, then back to every article: the list's scrollbar comes and goes."""


def test_narrow_list_after_a_search(snap_compare, many_app):
    """Every row of the list is a row (no scrollbar track under it), the cursor's on it."""
    assert snap_compare(many_app, terminal_size=(80, 24), press=SEARCHED)


def test_wide_list_after_a_search(snap_compare, many_app):
    assert snap_compare(many_app, terminal_size=(160, 48), press=SEARCHED)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_help_scrollbar_runs_along_the_border(snap_compare, many_app, size):
    assert snap_compare(many_app, terminal_size=size, press=["question_mark"])
