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
            ("person:Katz", "…or entity terms: entity: person: org: place:"),
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
        "Entities",
        (
            ("e", "entity facets of the results; enter filters by one"),
            ("w / b", "select the next / previous entity while reading"),
            ("n / N", "next / previous mention of the selected entity"),
            ("a", "every article mentioning the selected entity"),
            ("h", "highlight entities on / off"),
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
