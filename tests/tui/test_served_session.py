"""A read-only session (what ``newsdesk serve`` runs for each reader): reading state changes,
the store and this machine's other files do not."""

from __future__ import annotations

from pathlib import Path

from tui_support import wait_until

from store.session import open_session
from tui.app import NewsdeskApp

WIDE = (160, 48)


def notices(app: NewsdeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def read_only_app(make_app, store_path: Path, tmp_path: Path) -> NewsdeskApp:
    make_app()  # writes the store
    state = tmp_path / "readers" / "alice.state.json"
    return NewsdeskApp(open_session(str(store_path), state, read_only=True))


async def test_r_says_the_store_is_read_only_and_fetches_nothing(
    make_app, store_path, tmp_path
) -> None:
    app = read_only_app(make_app, store_path, tmp_path)
    before = store_path.read_bytes()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: any("Read-only store" in n for n in notices(app)))
        assert not any(w.group == "fetch" for w in app.screen.workers)
    assert store_path.read_bytes() == before


async def test_x_exports_nothing_and_screenshots_are_not_offered(
    make_app, store_path, tmp_path
) -> None:
    app = read_only_app(make_app, store_path, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("x")
        await wait_until(pilot, lambda: any("no export" in n for n in notices(app)))
        assert len(app.screen_stack) == 2, "no export dialog"
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Mark all read" in titles


async def test_marks_go_to_the_named_state_file_only(make_app, store_path, tmp_path) -> None:
    app = read_only_app(make_app, store_path, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("m")
        await wait_until(pilot, lambda: any("Marked read" in n for n in notices(app)))
    assert '"read": true' in (tmp_path / "readers" / "alice.state.journal").read_text().replace(
        '"read":true', '"read": true'
    )
    assert not store_path.with_name("articles.state.json").exists()
    assert not store_path.with_name("articles.state.journal").exists()


def test_a_read_only_session_creates_no_store(tmp_path, monkeypatch) -> None:
    import pytest

    from store.errors import StoreError

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with pytest.raises(StoreError, match="creates no store"):
        open_session(None, None, read_only=True)
    assert not (tmp_path / "data").exists()
