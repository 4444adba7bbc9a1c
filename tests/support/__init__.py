"""What several test folders share: a feed server, a process racer, terminal helpers, and
where things are. Importable as ``support`` from every test (``tests/`` is on the path)."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SEED_TITLE_PREFIX = "Israel said Sunday it was scaling up"
"""The start of the bundled seed article's title, as a list row shows it (cut with "…" at
80 columns, and in the half-width list at 160)."""
