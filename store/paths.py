"""Where stores live: the platform's user data folder, ``NEWSDESK_DB`` or ``--db``."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "newsdesk"
DB_ENV = "NEWSDESK_DB"
STORE_FILE = "articles.json"


def default_store_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / STORE_FILE


def cache_dir() -> Path:
    """The platform's user cache folder: what is kept there can always be made again."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def chosen_store_path(cli_db: str | None) -> Path | None:
    """The store the user named (``--db`` wins over ``NEWSDESK_DB``), or ``None``."""
    named = cli_db or os.environ.get(DB_ENV)
    return Path(named).expanduser() if named else None


def state_path_for(store_path: Path) -> Path:
    """Reading state sits beside the store: ``articles.json`` -> ``articles.state.json``."""
    return store_path.with_name(f"{store_path.stem}.state.json")


READER_NAME_MAX = 64
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]")


def reader_state_path(store_path: Path, reader: str) -> Path:
    """One remote reader's reading state for a served store: ``articles.json`` ->
    ``articles.readers/<reader>.state.json``, beside the store like the owner's own state."""
    folder = store_path.with_name(f"{store_path.stem}.readers")
    return folder / f"{safe_reader_name(reader)}.state.json"


def safe_reader_name(reader: str) -> str:
    """A file name for a name a client chose: letters, digits, ``_`` and ``-`` kept, the rest
    ``_``; a name that had to change (or is too long) gets a hash of the original, so two
    different names never share a file and no name can climb out of the folder."""
    safe = _UNSAFE_IN_NAME.sub("_", reader)[:READER_NAME_MAX]
    if safe == reader and safe:
        return safe
    digest = hashlib.sha256(reader.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{safe}~{digest}"


def bundled_seeds_dir() -> Path:
    """The seed articles: inside the installed package, or at the top of a source checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "seeds", package_dir.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the bundled seed articles are missing from this installation")
