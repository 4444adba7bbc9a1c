"""Read and star flags: toggled from the keyboard, shown in the list, saved beside the store."""

from __future__ import annotations

from tui_support import FIVE_ARTICLES, article_list, drawn_row, screen_text

from store.reading import ReadingState

WIDE = (160, 48)
UNREAD = "●"
STAR = "★"


def warnings(app) -> list[str]:
    """Messages of the warning toasts the app has raised (private Textual API)."""
    return [n.message for n in app._notifications if n.severity == "warning"]


async def test_m_toggles_read_and_the_unread_dot(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        assert drawn_row(app, 0).startswith(UNREAD)
        await pilot.press("m")
        assert app.session.state.is_read("cafe")
        assert UNREAD not in drawn_row(app, 0)
        assert drawn_row(app, 1).startswith(UNREAD), "only the current article changes"
        await pilot.press("m")
        assert not app.session.state.is_read("cafe")
        assert drawn_row(app, 0).startswith(UNREAD)


async def test_s_toggles_the_star(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j")
        assert STAR not in drawn_row(app, 1)
        await pilot.press("s")
        assert app.session.state.is_starred("bank")
        assert STAR in drawn_row(app, 1)
        assert STAR not in drawn_row(app, 0)
        assert drawn_row(app, 1).startswith(UNREAD), "starring does not mark read"
        await pilot.press("s")
        assert not app.session.state.is_starred("bank")
        assert STAR not in drawn_row(app, 1)


async def test_m_and_s_work_while_reading(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter", "m", "s")
        assert app.focused is not article_list(app)
        assert not app.session.state.is_read("cafe")
        assert app.session.state.is_starred("cafe")
        assert drawn_row(app, 0).startswith(UNREAD + " " + STAR)


async def test_flags_are_saved_and_the_store_file_is_untouched(make_app, store_path, state_path):
    app = make_app()
    store_bytes = store_path.read_bytes()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("m", "j", "s", "j", "enter", "right_square_bracket", "m")
        await pilot.press("slash", *"cafe", "down", "s", "q")
    assert app.return_code == 0
    saved = ReadingState(state_path)
    assert saved.error is None
    assert [saved.is_read(a.id) for a in FIVE_ARTICLES] == [True, False, True, False, False]
    assert [saved.is_starred(a.id) for a in FIVE_ARTICLES] == [True, True, False, False, False]
    assert store_path.read_bytes() == store_bytes


async def test_a_corrupt_state_file_is_left_alone_and_flags_live_in_memory(
    make_app, store_path, state_path
):
    garbage = b"\x00not json at all {{{"
    state_path.write_bytes(garbage)
    app = make_app()
    store_bytes = store_path.read_bytes()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert any("reading state not saved" in message for message in warnings(app))
        assert "reading state not saved" in screen_text(app)
        await pilot.press("m", "s")
        assert app.session.state.is_read("cafe")
        assert app.session.state.is_starred("cafe")
        assert drawn_row(app, 0).startswith("  " + STAR)
        await pilot.press("q")
    assert state_path.read_bytes() == garbage
    assert store_path.read_bytes() == store_bytes
