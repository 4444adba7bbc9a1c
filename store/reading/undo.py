"""Changes to reading state as values, so each can be applied in one write and undone.

An ``Edit`` says what changes for one article: fields set to values, tags added, tags
removed. Tags are added and removed as differences, not written as whole lists, so a tag
another process added meanwhile survives both the change and its undo. The inverse of an
edit is taken against the article's state just before it, which makes undo exact: an
article that was unread before "mark all read" is unread again, one that was read stays
read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from store.fold import fold
from store.sanitize import clean_line

MAX_TAG = 40
"""Longest tag name, in characters."""
UNDO_STEPS = 100
"""Changes kept for undo; older ones are forgotten."""
FIELD_DEFAULTS: Mapping[str, Any] = {"read": False, "starred": False}
"""What a field is for an article the state file has never mentioned."""


def clean_tag(name: str) -> str:
    """A tag as it is kept and shown: one line, no control characters, no commas, no
    leading ``-`` or ``#`` (they mean "remove" and "tag" when typed), at most ``MAX_TAG``
    characters; "" when nothing is left."""
    name = clean_line(name.replace(",", " ")).lstrip("-# ")
    return name[:MAX_TAG].rstrip()


def tag_key(name: str) -> str:
    """What tags are matched by: "Café" and "cafe" are one tag."""
    return fold(name)


@dataclass(frozen=True)
class Edit:
    """One article's change: ``values`` set, tags added and removed (by ``tag_key``),
    then, for an undo, put back in ``order`` (tags it does not name keep their place after)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    order: tuple[str, ...] = ()

    @cached_property
    def _added(self) -> list[tuple[str, str]]:
        return [(tag_key(tag), tag) for tag in self.add_tags]

    @cached_property
    def _removed(self) -> dict[str, str]:
        return {tag_key(tag): tag for tag in self.remove_tags}

    def apply(self, doc: dict[str, Any]) -> bool:
        """Change ``doc`` (a state document) in place; whether anything changed. One edit
        is applied to every article of a bulk change, so tag keys are folded once."""
        changed = any(doc.get(k, FIELD_DEFAULTS.get(k)) != v for k, v in self.values.items())
        doc.update(self.values)
        if self.add_tags or self.remove_tags:
            current = tags_in(doc)
            tags = _edited_tags(current, self._added, self._removed)
            if self.order:
                rank = {tag_key(tag): n for n, tag in enumerate(self.order)}
                tags.sort(key=lambda tag: rank.get(tag_key(tag), len(rank)))
            if tags != current:
                doc["tags"] = tags
                changed = True
        return changed

    def touched(self, doc: Mapping[str, Any]) -> tuple[object, ...]:
        """What of ``doc`` this edit reads and changes: equal for two documents, they get
        the same ``inverse``."""
        values = tuple(doc.get(name, FIELD_DEFAULTS.get(name)) for name in self.values)
        if self.add_tags or self.remove_tags:
            return (*values, tuple(tags_in(doc)))
        return values

    def inverse(self, doc: Mapping[str, Any]) -> Edit:
        """The edit that undoes this one on ``doc`` as it is before this one is applied."""
        values = {name: doc.get(name, FIELD_DEFAULTS.get(name)) for name in self.values}
        present = {tag_key(tag): tag for tag in tags_in(doc)}
        removed = [present[key] for key in self._removed if key in present]
        added = [tag for key, tag in self._added if key not in present]
        order = tuple(tags_in(doc)) if removed else ()
        return Edit(values, tuple(removed), tuple(added), order)


def tags_in(doc: Mapping[str, Any]) -> list[str]:
    """The tags of a state document (ignoring anything in it that is not a tag)."""
    tags = doc.get("tags")
    return [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []


def _edited_tags(tags: list[str], add: list[tuple[str, str]], gone: Mapping[str, str]) -> list[str]:
    keyed = [(tag_key(tag), tag) for tag in tags]
    kept = [tag for key, tag in keyed if key not in gone]
    seen = {key for key, _ in keyed if key not in gone}
    for key, tag in add:
        if key not in seen:
            seen.add(key)
            kept.append(tag)
    return kept


@dataclass(frozen=True)
class UndoStep:
    """What undoes one change the reader made: its description and an edit per article."""

    label: str
    edits: Mapping[str, Edit]


class UndoHistory:
    """This session's changes, newest last, up to ``UNDO_STEPS`` of them."""

    def __init__(self, limit: int = UNDO_STEPS) -> None:
        self.limit = limit
        self._steps: list[UndoStep] = []

    def __len__(self) -> int:
        return len(self._steps)

    def push(self, step: UndoStep) -> None:
        """Remember ``step``; one that changes nothing is not worth an undo."""
        if not step.edits:
            return
        self._steps.append(step)
        del self._steps[: -self.limit]

    def pop(self) -> UndoStep | None:
        return self._steps.pop() if self._steps else None


@dataclass(frozen=True)
class TagChange:
    """Tags typed in the tag dialog: "a, b" adds a and b, "-a" removes a."""

    add: tuple[str, ...]
    remove: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)


def parse_tag_change(text: str) -> TagChange:
    """Read what the reader typed; empty or unusable names are dropped."""
    add: list[str] = []
    remove: list[str] = []
    for part in text.split(","):
        part = clean_line(part)
        target = remove if part.startswith("-") else add
        if name := clean_tag(part):
            target.append(name)
    removed = {tag_key(tag) for tag in remove}
    return TagChange(tuple(t for t in add if tag_key(t) not in removed), tuple(remove))
