"""``newsdesk serve --ssh``: the app for many readers over SSH, each in a process of its own."""
