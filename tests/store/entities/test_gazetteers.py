"""The gazetteers are kept in the user's cache folder, so that each process that extracts
entities (an import's workers included) loads them instead of building them again; a cache
that is missing, damaged or cannot be written only means building them."""

from __future__ import annotations

import marshal
import subprocess
import sys
from pathlib import Path

import pytest

from store.entities import gazetteers


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and gazetteers not yet loaded in this process."""
    folder = tmp_path / "cache" / "newsdesk"
    monkeypatch.setattr(gazetteers, "cache_dir", lambda: folder)
    gazetteers._lists.cache_clear()
    yield folder
    gazetteers._lists.cache_clear()


def _kept(folder: Path) -> list[Path]:
    return sorted(folder.glob(gazetteers.CACHE_NAME.format(key="*")))


def _not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> gazetteers.Lists:
        raise AssertionError("built again instead of loaded")

    monkeypatch.setattr(gazetteers, "_built", refuse)


def test_lists_are_kept_and_loaded_back_unchanged(cache: Path, monkeypatch) -> None:
    built = gazetteers._built()
    assert "Berlin" in built["places"] and "Norway" in built["countries"]
    assert gazetteers.places() == built["places"]
    assert len(_kept(cache)) == 1
    gazetteers._lists.cache_clear()
    _not_built(monkeypatch)
    assert gazetteers._lists() == built
    assert gazetteers.given_names() == built["given_names"]
    assert gazetteers.surnames() == built["surnames"]


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00garbage", b"\xe3", None],  # None: a marshalled object of another shape
    ids=["empty", "garbage", "truncated", "other-shape"],
)
def test_a_damaged_cache_is_rebuilt_and_replaced(cache: Path, content: bytes | None) -> None:
    expected = gazetteers._built()
    gazetteers.places()
    (path,) = _kept(cache)
    path.write_bytes(content if content is not None else marshal.dumps({"places": ["x"]}))
    gazetteers._lists.cache_clear()
    assert gazetteers._lists() == expected
    assert gazetteers._load(path) == expected


def test_a_folder_that_cannot_be_written_only_costs_the_building(
    tmp_path: Path, monkeypatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(gazetteers, "cache_dir", lambda: blocker / "newsdesk")
    gazetteers._lists.cache_clear()
    try:
        assert "Berlin" in gazetteers.places()
    finally:
        gazetteers._lists.cache_clear()


def test_lists_kept_under_another_key_are_removed(cache: Path) -> None:
    cache.mkdir(parents=True)
    stale = cache / gazetteers.CACHE_NAME.format(key="0123456789abcdef")
    stale.write_bytes(b"old")
    gazetteers.places()
    assert stale not in _kept(cache) and len(_kept(cache)) == 1


def test_the_key_follows_the_rules(cache: Path, monkeypatch) -> None:
    key = gazetteers._cache_key()
    assert key is not None and key == gazetteers._cache_key()
    monkeypatch.setattr(gazetteers.sys, "version", sys.version + " other")
    assert gazetteers._cache_key() not in (None, key)


def test_the_console_script_module_imports_nothing_heavy(subprocess_env) -> None:
    """Worker processes started with "spawn" import the main script's module again: the
    console script's own module must not pull in the command line or Textual."""
    code = (
        "import sys, tui.launch; "
        "print(sorted(m for m in sys.modules if m.startswith(('tui.', 'textual', 'store'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=subprocess_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "['tui.launch']"
