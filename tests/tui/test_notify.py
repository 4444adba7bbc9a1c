"""``tui.notify``: the sequence each terminal gets, wrapped for tmux, with a title that
cannot end it early; and ``notify_command``'s argv."""

from __future__ import annotations

import pytest

from tui import notify


@pytest.mark.parametrize(
    ("env", "outer", "expected"),
    [
        ({"TERM": "xterm-kitty"}, None, "osc99"),
        ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, None, "osc99"),
        ({"TERM": "foot"}, None, "osc777"),
        ({"TERM": "rxvt-unicode-256color"}, None, "osc777"),
        ({"TERM": "xterm-256color", "VTE_VERSION": "7600"}, None, "osc777"),
        ({"TERM": "xterm-256color"}, None, "osc9"),
        ({"TERM": "tmux-256color", "TMUX": "/tmp/t,1,0"}, "xterm-kitty", "osc99"),
        ({"TERM": "tmux-256color", "TMUX": "/tmp/t,1,0", "VTE_VERSION": "1"}, "xterm", "osc9"),
    ],
)
def test_each_terminal_gets_the_sequence_it_knows(env, outer, expected) -> None:
    assert notify.protocol(env, outer) == expected


def test_a_title_cannot_end_the_sequence_or_smuggle_one() -> None:
    hostile = "Quake;\x07\x1b]52;c;AAAA\x07 hits\x9c"
    for kind in ("osc9", "osc777", "osc99"):
        sent = notify.sequence(kind, hostile)
        body = sent.split("newsdesk", 1)[1]
        assert "\x07" not in body[:-1] and "52;c" not in body.replace(" 52 c", "")
        assert body.count("\x1b") == (3 if kind == "osc99" else 1 if kind == "osc777" else 0)
    assert notify.sequence("osc9", "x") == "\x1b]9;newsdesk: x\x07"
    assert notify.sequence("osc777", "x") == "\x1b]777;notify;newsdesk;x\x1b\\"


def test_inside_tmux_the_sequence_is_passed_through() -> None:
    wrapped = notify.sequence("osc777", "x", inside_tmux=True)
    assert wrapped == "\x1bPtmux;\x1b\x1b]777;notify;newsdesk;x\x1b\x1b\\\x1b\\"


def test_the_command_gets_the_count_and_titles_as_arguments() -> None:
    titles = [f"t{n}; $(rm -rf ~)" for n in range(12)]
    argv = notify.command_argv(["notify-send", "-a", "newsdesk"], 12, titles)
    assert argv[:4] == ["notify-send", "-a", "newsdesk", "12"]
    assert argv[4:] == titles[: notify.MAX_TITLES]
    assert notify.message(2, ["A", "B"], matched=True) == "2 articles matching your rules: A · B"
    assert notify.message(1, [], matched=False) == "1 new article"
