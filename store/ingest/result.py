"""What every reader returns: articles, subscriptions, and rejects with reasons
(``store.rejects``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from store.article import Article
from store.rejects import Reject

BATCH = 10_000
"""Articles an import takes at a time: its memory is that of a few batches, whatever the
size of the input."""


@dataclass(frozen=True)
class Subscription:
    """A feed to fetch, as found in an OPML file or added by hand."""

    url: str
    title: str = ""
    full_text: bool = False
    """Fetch each item's page for its whole text (``feeds add --full-text``)."""


@dataclass
class ReadResult:
    """Everything read from one or more inputs."""

    articles: list[Article] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    feeds: list[Subscription] = field(default_factory=list)
    feed_title: str = ""
    feed_ttl_s: float = 0.0
    """How long the feed says it may be cached (RSS ``<ttl>``), in seconds; 0 if it does not say."""

    def extend(self, other: ReadResult) -> None:
        self.articles.extend(other.articles)
        self.rejects.extend(other.rejects)
        self.feeds.extend(other.feeds)

    def batches(self, size: int | None) -> Iterator[ReadResult]:
        """This result in results of at most ``size`` articles (all at once for ``None``),
        the first with the rejects and subscriptions."""
        if size is None or len(self.articles) <= size:
            yield self
            return
        for start in range(0, len(self.articles), size):
            batch = ReadResult(articles=self.articles[start : start + size])
            if not start:
                batch.rejects, batch.feeds = self.rejects, self.feeds
                batch.feed_title = self.feed_title
            yield batch
