"""A document or input item left out, and why: what the readers return beside their
articles, what the index keeps for a store's invalid documents, what summaries print."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reject:
    """An input, or one item of it, that could not become an article, and why."""

    source: str
    item: str
    reason: str
    kind: str = "invalid"
    """``invalid``, or ``duplicate id`` for a store's later copy of an article id."""

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "item": self.item, "reason": self.reason}

    def __str__(self) -> str:
        where = f"{self.source}: {self.item}" if self.item else self.source
        return f"{where}: {self.reason}"
