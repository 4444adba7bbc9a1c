"""The newsdesk core: articles, storage, ingest, entities and search.

Nothing in this package imports Textual or Rich: everything here is usable headless.

What the app and the console script use is exported here (``from store import Session``),
each name imported from its module the first time it is asked for, so that importing one
part of the store (the index, say) never loads the others (feed parsing, entity models).
Helpers of one room only (``store.query.highlight``, ``store.index.groups``) are imported
from their module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.article import (
        Article as Article,
        Entity as Entity,
        ENTITY_KINDS as ENTITY_KINDS,
    )
    from store.config import (
        CONFIG_ENV as CONFIG_ENV,
        Config as Config,
        ConfigReport as ConfigReport,
        config_path as config_path,
        read_config as read_config,
        render_config as render_config,
    )
    from store.entities import (
        Extractor as Extractor,
        Facet as Facet,
        canonical_names as canonical_names,
        extract_entities as extract_entities,
    )
    from store.errors import (
        IndexBusy as IndexBusy,
        IndexDamaged as IndexDamaged,
        StoreError as StoreError,
    )
    from store.export import (
        Exported as Exported,
        check_not_store_file as check_not_store_file,
        export_documents as export_documents,
    )
    from store.index import (
        CatchUp as CatchUp,
    )
    from store.index.groups import (
        Grouper as Grouper,
    )
    from store.index.rows import (
        ResultRows as ResultRows,
    )
    from store.ingest.fetch import (
        FetchOutcome as FetchOutcome,
    )
    from store.ingest.importer import (
        ImportSummary as ImportSummary,
        import_batches as import_batches,
    )
    from store.ingest.reader import (
        read_batches as read_batches,
        read_paths as read_paths,
    )
    from store.ingest.refresh import (
        refresh_feeds as refresh_feeds,
    )
    from store.ingest.result import (
        Subscription as Subscription,
    )
    from store.ingest.subscriptions import (
        add_feeds as add_feeds,
        export_opml as export_opml,
        list_feeds as list_feeds,
        remove_feeds as remove_feeds,
    )
    from store.links import (
        Link as Link,
        UnsafeLink as UnsafeLink,
        article_links as article_links,
        safe_url as safe_url,
    )
    from store.paths import (
        APP_NAME as APP_NAME,
        DB_ENV as DB_ENV,
        chosen_store_path as chosen_store_path,
        default_store_path as default_store_path,
        reader_state_path as reader_state_path,
    )
    from store.query import (
        Query as Query,
        QueryError as QueryError,
        parse_query as parse_query,
    )
    from store.reading import (
        Arrangement as Arrangement,
        SavedSearch as SavedSearch,
        TagChange as TagChange,
    )
    from store.sanitize import (
        clean_line as clean_line,
        clean_text as clean_text,
    )
    from store.session import (
        Fetched as Fetched,
        Session as Session,
        open_session as open_session,
        open_store_session as open_store_session,
        resolve_store as resolve_store,
    )
    from store.storage import (
        open_backend as open_backend,
    )

_HOMES: dict[str, str] = {
    "Article": "store.article",
    "Entity": "store.article",
    "ENTITY_KINDS": "store.article",
    "CONFIG_ENV": "store.config",
    "Config": "store.config",
    "ConfigReport": "store.config",
    "config_path": "store.config",
    "read_config": "store.config",
    "render_config": "store.config",
    "Extractor": "store.entities",
    "Facet": "store.entities",
    "canonical_names": "store.entities",
    "extract_entities": "store.entities",
    "IndexBusy": "store.errors",
    "IndexDamaged": "store.errors",
    "StoreError": "store.errors",
    "Exported": "store.export",
    "check_not_store_file": "store.export",
    "export_documents": "store.export",
    "CatchUp": "store.index",
    "Grouper": "store.index.groups",
    "ResultRows": "store.index.rows",
    "FetchOutcome": "store.ingest.fetch",
    "ImportSummary": "store.ingest.importer",
    "import_batches": "store.ingest.importer",
    "read_batches": "store.ingest.reader",
    "read_paths": "store.ingest.reader",
    "refresh_feeds": "store.ingest.refresh",
    "Subscription": "store.ingest.result",
    "add_feeds": "store.ingest.subscriptions",
    "export_opml": "store.ingest.subscriptions",
    "list_feeds": "store.ingest.subscriptions",
    "remove_feeds": "store.ingest.subscriptions",
    "Link": "store.links",
    "UnsafeLink": "store.links",
    "article_links": "store.links",
    "safe_url": "store.links",
    "APP_NAME": "store.paths",
    "DB_ENV": "store.paths",
    "chosen_store_path": "store.paths",
    "default_store_path": "store.paths",
    "reader_state_path": "store.paths",
    "Query": "store.query",
    "QueryError": "store.query",
    "parse_query": "store.query",
    "Arrangement": "store.reading",
    "SavedSearch": "store.reading",
    "TagChange": "store.reading",
    "clean_line": "store.sanitize",
    "clean_text": "store.sanitize",
    "Fetched": "store.session",
    "Session": "store.session",
    "open_session": "store.session",
    "open_store_session": "store.session",
    "resolve_store": "store.session",
    "open_backend": "store.storage",
}
"""Where each exported name lives."""

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # asked once
    return value
