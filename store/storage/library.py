"""The article store as a whole: loading every article of a small store, and making a new
store. Storage itself is ``store.storage``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.article import Article, InvalidDocument, article_from_document
from store.rejects import Reject
from store.seed import read_seed_file
from store.storage import Change, encoded, is_folder_store, open_backend, unplaced
from store.storage.atomic import holding
from store.storage.file import ARTICLES, META
from store.storage.file import check_schema as check_schema

__all__ = ["ARTICLES", "META", "ArticleStore", "create_store", "open_store", "seed_articles"]


@dataclass
class ArticleStore:
    """The articles of one store, newest first, with lookup by id."""

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
    """Load every article of a store, refusing anything that is not one; never writes."""
    store = open_backend(path)
    store.check()
    table: dict[str, Any] = {}
    for part in store.parts():
        for key, doc, _, _ in store.part_documents(part):
            table[key if part.number <= 0 else f"{part.number}/{key}"] = doc
    articles, rejects = _articles_from(str(path), table)
    articles.sort(key=lambda article: article.published, reverse=True)
    return ArticleStore(path, articles, rejects)


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
    """Write a new store holding ``articles`` (a folder store unless the name ends in
    ``.json``); an existing store is left alone."""
    if is_folder_store(path):
        path.mkdir(parents=True, exist_ok=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    store = open_backend(path)
    with holding(store.lock):
        if store.exists():
            return
        added = ((a.id, encoded(a.to_document())) for a in articles)
        store.write(Change(added=added), unplaced)


def seed_articles(seeds_dir: Path) -> list[Article]:
    return [read_seed_file(path) for path in sorted(seeds_dir.glob("*.txt"))]
