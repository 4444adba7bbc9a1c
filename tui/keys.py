"""Every key of the app, grouped for the help screen and the README."""

from __future__ import annotations

KEY_HELP: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Moving",
        (
            ("j / ↓", "next article (or scroll down while reading)"),
            ("k / ↑", "previous article (or scroll up while reading)"),
            ("g / G", "first / last article (top / bottom while reading)"),
            ("PgDn / PgUp", "page down / up"),
            ("tab / shift+tab", "next / previous pane"),
        ),
    ),
    (
        "Reading",
        (
            ("enter", "read the article under the cursor"),
            ("] / [", "next / previous article while reading"),
            ("esc", "back to the list; in the list, clear the search"),
        ),
    ),
    (
        "Searching",
        (
            ("/", "search: every word must match title, source or text"),
            ("enter / ↓", "from the search box to the results"),
            ("esc", "clear the search"),
        ),
    ),
    (
        "Marking",
        (
            ("m", "mark read / unread"),
            ("s", "star / unstar"),
        ),
    ),
    (
        "Feeds",
        (("R", "fetch every subscribed feed in the background"),),
    ),
    (
        "App",
        (
            ("?", "this help"),
            ("ctrl+p", "command palette: every action by name"),
            ("q", "quit"),
        ),
    ),
)
