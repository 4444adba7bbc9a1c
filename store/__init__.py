"""The newsdesk core: articles, storage, ingest, entities and search.

Nothing in this package imports Textual or Rich: everything here is usable headless.
"""
