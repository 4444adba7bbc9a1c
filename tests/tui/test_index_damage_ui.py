"""The app on a search index damaged under it: it says so, rebuilds the index from the store
and goes on showing every article; and it reports the documents a store leaves out on every
open, not only on the one that builds the index."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
from tui_support import generated_articles, wait_until

from store.index.schema import index_path_for
from store.session import open_store_session
from store.storage.library import create_store
from tui.app import NewsdeskApp


def _messages(app: NewsdeskApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_an_index_damaged_under_the_app_is_rebuilt_from_the_store(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    articles = generated_articles(300)
    create_store(store, articles)
    open_store_session(store).index.close()  # built once
    session = open_store_session(store)  # opened sound, then damaged under it
    with index_path_for(store).open("r+b") as file:
        file.seek(8192)
        file.write(os.urandom(16 * 1024))
    app = NewsdeskApp(session)

    async with app.run_test() as pilot:
        await wait_until(
            pilot, lambda: "Search index damaged: rebuilding it from the store" in _messages(app)
        )
        await wait_until(pilot, lambda: len(app.screen.shown) == len(articles), timeout=10)
        await pilot.press("slash", *"story", "enter")
        await wait_until(pilot, lambda: len(app.screen.shown) == len(articles), timeout=10)
    assert app.return_code in (None, 0)
    session.index.close()


async def test_skipped_documents_are_reported_when_the_index_is_in_step(tmp_path: Path) -> None:
    store = tmp_path / "articles.json"
    create_store(store, generated_articles(3))
    tables = orjson.loads(store.read_bytes())
    tables["articles"]["10"] = {"id": "gen-000", "title": "A second copy", "body": "Copy."}
    tables["articles"]["11"] = ["not", "a", "document"]
    store.write_bytes(orjson.dumps(tables))
    open_store_session(store).index.close()  # the open that builds the index

    app = NewsdeskApp(open_store_session(store))  # the index is in step: not re-read
    async with app.run_test() as pilot:
        await pilot.pause()
        expected = f"skipped 2 documents of {store} (1 invalid, 1 duplicate id)"
        assert any(message.startswith(expected) for message in _messages(app)), _messages(app)
