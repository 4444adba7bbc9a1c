"""The newsdesk terminal app and its command line."""
