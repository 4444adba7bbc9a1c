"""The article store: a TinyDB JSON file with an ``articles`` table and a ``meta`` table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from store.article import SCHEMA_VERSION, Article, InvalidDocument, article_from_document
from store.errors import StoreError
from store.ingest.result import Reject
from store.seed import read_seed_file
from store.storage import AtomicJSONStorage, holding, lock_for, open_regular, read_tables

ARTICLES = "articles"
META = "meta"


@dataclass
class ArticleStore:
    """The articles of one store file, newest first, with lookup by id."""

    path: Path
    articles: list[Article]
    rejects: list[Reject] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {article.id: article for article in self.articles}

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def __len__(self) -> int:
        return len(self.articles)


def open_store(path: Path) -> ArticleStore:
    """Load a store, refusing anything that is not one; never writes to the file."""
    articles, rejects = _articles_from(str(path), read_articles_table(path))
    articles.sort(key=lambda article: article.published, reverse=True)
    return ArticleStore(path, articles, rejects)


def read_articles_table(path: Path) -> dict[str, Any]:
    """The ``articles`` table of a store file, refusing anything that is not a store."""
    tables = read_tables(path)
    if ARTICLES not in tables:
        raise StoreError(f"{path}: not a newsdesk store (no {ARTICLES!r} table)")
    check_schema(path, tables.get(META, {}))
    return tables[ARTICLES]


def stream_articles(path: Path) -> Iterator[tuple[str, Any]]:
    """The (document id, document) pairs of a store's ``articles`` table, parsed as they are
    read: a 500 MB store never sits in memory whole. Raises ``StoreError`` (possibly after
    some pairs) for a file that is not valid JSON."""
    import ijson  # type: ignore[import-untyped]

    try:
        with open_regular(path) as file:
            yield from ijson.kvitems(file, ARTICLES, use_float=True)
    except ijson.JSONError as exc:
        raise StoreError(f"{path}: not valid JSON ({exc})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None


def check_schema(path: Path, meta: Mapping[str, Any]) -> None:
    for doc in meta.values():
        version = doc.get("schema_version", SCHEMA_VERSION) if isinstance(doc, dict) else 0
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: written by a newer newsdesk (schema {version}, this one reads "
                f"up to {SCHEMA_VERSION}); upgrade newsdesk to open it"
            )


def _articles_from(source: str, table: Mapping[str, Any]) -> tuple[list[Article], list[Reject]]:
    articles: list[Article] = []
    rejects: list[Reject] = []
    seen: set[str] = set()
    for doc_id, doc in table.items():
        try:
            article = article_from_document(doc)
        except InvalidDocument as exc:
            rejects.append(Reject(source, f"document {doc_id}", str(exc)))
            continue
        if article.id not in seen:
            seen.add(article.id)
            articles.append(article)
    return articles, rejects


def create_store(path: Path, articles: Iterable[Article]) -> None:
    """Write a new store holding ``articles``; an existing file is left alone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with holding(lock_for(path)):
        if path.exists():
            return
        db = TinyDB(path, storage=AtomicJSONStorage, create=True)
        db.table(META).insert({"schema_version": SCHEMA_VERSION})
        db.table(ARTICLES).insert_multiple(article.to_document() for article in articles)


def seed_articles(seeds_dir: Path) -> list[Article]:
    return [read_seed_file(path) for path in sorted(seeds_dir.glob("*.txt"))]
