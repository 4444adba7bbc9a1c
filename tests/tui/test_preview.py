"""The preview beside the list: ``p`` toggles it, the ``preview`` setting starts it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tui_support import article_view, main_screen, screen_text, wait_until

from store.config import Config, parse_config
from tui.screens.panes import wants_preview as _wants_preview

WIDE = (140, 30)


async def test_p_turns_the_preview_off_and_on(make_app):
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        assert article_view(app).display, "wide: the article shows beside the list"
        await pilot.press("p")
        await pilot.pause()
        assert not article_view(app).display, "the list alone"
        assert any("Preview off" in str(n.message) for n in app._notifications)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Owners of cafés" in screen_text(app))
        assert main_screen(app).reading
        await pilot.press("escape", "p")
        await wait_until(pilot, lambda: article_view(app).display)
        await wait_until(pilot, lambda: "Owners of cafés" in screen_text(app))


async def test_preview_false_in_the_config_starts_without_it(make_app):
    app = make_app()
    app.session.config = replace(Config(), preview=False)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert not article_view(app).display
        assert "Owners of cafés" not in screen_text(app)


@pytest.mark.parametrize(
    ("setting", "ssh", "expected"),
    [("auto", None, True), ("auto", "10.0.0.2 5555 10.0.0.1 22", False), (True, "x", True),
     (False, None, False)],
)  # fmt: skip
def test_auto_is_on_except_over_ssh(monkeypatch, setting, ssh, expected) -> None:
    if ssh:
        monkeypatch.setenv("SSH_CONNECTION", ssh)
    assert _wants_preview(setting) is expected


def test_the_setting_reads_true_false_and_auto() -> None:
    assert parse_config("preview = false").preview is False
    assert parse_config('preview = "AUTO"').preview == "auto"
    assert Config().preview == "auto"
