"""Widgets of the newsdesk app; each renders what the store returns and posts messages up."""
