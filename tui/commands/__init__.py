"""The headless subcommands of the ``newsdesk`` console script."""
