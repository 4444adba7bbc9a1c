"""The ``newsdesk`` console script's entry point.

Worker processes started with "spawn" (entity extraction during a large import) run the
main script's module-level code again before their work. The script imports only this
module, so each of them is spared importing the whole command line (about 150 ms).
"""

from __future__ import annotations


def main() -> int:
    from tui.cli import main as run  # see the module's docstring

    return run()
