"""The rules at work in one import: each new article judged as its entities are ready, and
what the rules set in the reading state saved once the articles are stored.

The state is written after the store: a process killed between the two leaves the new
articles stored with no state from the rules (unread, as without rules), never a state for
an article that is not there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from store.errors import StoreError
from store.ingest.rules import RuleCounts, Rules
from store.reading.state import ReadingState
from store.reading.undo import Edit


class Arrival:
    def __init__(self, rules: Rules, counts: RuleCounts) -> None:
        self.rules = rules
        self.counts = counts
        self.edits: dict[str, Edit] = {}
        self._alike: dict[tuple[bool, bool, tuple[str, ...]], Edit] = {}

    def admits(self, doc: Mapping[str, Any], names: str) -> bool:
        """Whether a new article (its document, entities aside, and its ``names`` column)
        is to be stored; what the rules do to it is noted."""
        verdict = self.rules.judge(doc, names)
        if verdict.ignore:
            self.counts.ignored += 1
            return False
        if not verdict.acts:
            return True
        self.counts.count(verdict, str(doc.get("title", "")))
        if verdict.read or verdict.star or verdict.tags:
            key = (verdict.read, verdict.star, verdict.tags)
            edit = self._alike.get(key)
            if edit is None:
                values = {"read": True} if verdict.read else {}
                values |= {"starred": True} if verdict.star else {}
                edit = self._alike[key] = Edit(values, verdict.tags)
            self.edits[str(doc["id"])] = edit
        return True

    def save(self, state_path: Path) -> str | None:
        """Write what the rules set, in one append to the reading state's journal; why it
        could not be, if it could not."""
        state = ReadingState(state_path)
        try:
            state.apply(self.edits)
        except StoreError as exc:
            return str(exc)
        return state.error
