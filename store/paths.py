"""Where stores live: the platform's user data folder, ``NEWSDESK_DB`` or ``--db``."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "newsdesk"
DB_ENV = "NEWSDESK_DB"
STORE_FILE = "articles.json"


def default_store_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / STORE_FILE


def chosen_store_path(cli_db: str | None) -> Path | None:
    """The store the user named (``--db`` wins over ``NEWSDESK_DB``), or ``None``."""
    named = cli_db or os.environ.get(DB_ENV)
    return Path(named).expanduser() if named else None


def state_path_for(store_path: Path) -> Path:
    """Reading state sits beside the store: ``articles.json`` -> ``articles.state.json``."""
    return store_path.with_name(f"{store_path.stem}.state.json")


def bundled_seeds_dir() -> Path:
    """The seed articles: inside the installed package, or at the top of a source checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "seeds", package_dir.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the bundled seed articles are missing from this installation")
