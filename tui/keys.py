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
            ("p", "preview beside the list on / off (wide terminals)"),
            ("] / [", "next / previous article while reading"),
            ("esc", "back to the list; in the list, clear the search"),
        ),
    ),
    (
        "Searching",
        (
            ("/", "search: every word must match; the last one is a prefix"),
            ('"a b"  -x  a OR b  ( )', "phrase, exclude, either, group"),
            ("title: source: author: tag:", "…a word in one field; tag: your tags too"),
            ("person: org: place: entity:", "…an entity the article mentions"),
            ("is:unread|read|starred", "…reading state"),
            ("after: before: on: date:", "…2025-02, 2025-02-23, today, 7d, 3m"),
            ("sort:date|relevance|source", "…order (words: relevance, else newest first)"),
            ("enter / ↓", "from the search box to the results"),
            ("n / N", "next / previous hit of the search while reading"),
            ("esc", "clear the search"),
        ),
    ),
    (
        "Saved searches",
        (
            ("S", "save the current search under a name"),
            ("v", "saved searches, unread counts; enter opens, d deletes (asks)"),
            ("1 … 9", "open saved search 1 to 9"),
        ),
    ),
    (
        "Arranging",
        (
            ("O", "sort by date, source or relevance (a typed sort: wins)"),
            ("z", "group by day, by source, or not"),
            ("U", "unread articles only, or read ones too"),
        ),
    ),
    (
        "Marking",
        (
            ("m", "mark read / unread"),
            ("s", "star / unstar"),
            ("t", "tags of the article: a, b adds, -a removes; tab completes"),
            ("A", "mark every article of the result read"),
            ("T", "tag every article of the result"),
            ("u", "undo the last m, s, t, A or T; again for the one before"),
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
        "Links and export",
        (
            ("o", "open the article's link in the browser (http/https only)"),
            ("y", "copy the article's link (via the terminal, works over SSH)"),
            ("L", "every link in the article, numbered, to open or copy"),
            ("x", "export the results (or the article read) to Markdown"),
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
