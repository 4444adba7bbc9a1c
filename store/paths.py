"""Where stores live: the platform's user data folder, ``NEWSDESK_DB`` or ``--db``."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "newsdesk"
DB_ENV = "NEWSDESK_DB"
STORE_FOLDER = "articles"
OLD_STORE_FILE = "articles.json"
"""The default store of earlier versions, migrated into ``STORE_FOLDER`` on first open."""
STATE_FILE = "state.json"
INDEX_FILE = "index.sqlite"
READERS_FOLDER = "readers"


def default_store_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / STORE_FOLDER


def old_default_store_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / OLD_STORE_FILE


def is_folder_store(store_path: Path) -> bool:
    """Whether ``store_path`` names a folder store (whose index and reading state live
    inside it): a name not ending in ``.json`` that is a folder or not there yet. Anything
    else is a single-file store."""
    if store_path.suffix.lower() == ".json":
        return False
    return store_path.is_dir() or not store_path.exists()


def cache_dir() -> Path:
    """The platform's user cache folder: what is kept there can always be made again."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def chosen_store_path(cli_db: str | None) -> Path | None:
    """The store the user named (``--db`` wins over ``NEWSDESK_DB``), or ``None``."""
    named = cli_db or os.environ.get(DB_ENV)
    return Path(named).expanduser() if named else None


def state_path_for(store_path: Path) -> Path:
    """Reading state sits in a folder store (``articles/state.json``), beside a single-file
    one (``articles.json`` -> ``articles.state.json``)."""
    if is_folder_store(store_path):
        return store_path / STATE_FILE
    return store_path.with_name(f"{store_path.stem}.state.json")


def index_path_for(store_path: Path) -> Path:
    """The search index sits in a folder store (``articles/index.sqlite``), beside a
    single-file one (``articles.json`` -> ``articles.index.sqlite``)."""
    if is_folder_store(store_path):
        return store_path / INDEX_FILE
    return store_path.with_name(f"{store_path.stem}.index.sqlite")


READER_NAME_MAX = 64
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]")


def reader_state_path(store_path: Path, reader: str) -> Path:
    """One remote reader's reading state for a served store: ``articles/readers/<reader>
    .state.json`` (``articles.readers/`` beside a single-file store), where the owner's own
    state is."""
    if is_folder_store(store_path):
        folder = store_path / READERS_FOLDER
    else:
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
