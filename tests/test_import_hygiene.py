"""The ``store`` package is headless: importing any of it must not pull in Textual or Rich."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import store

UI_PACKAGES = ("textual", "rich")

# Runs in a fresh interpreter: optional preload statement, then every module of ``store``,
# recording after each import which UI modules have appeared in ``sys.modules``.
_SCRIPT = r"""
import importlib, json, pkgutil, sys
exec(sys.argv[1])
import store
names = sorted(info.name for info in pkgutil.walk_packages(store.__path__, "store."))
loaded = {}
for name in names:
    importlib.import_module(name)
    loaded[name] = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps({"modules": names, "loaded": loaded}))
"""


def _import_all_in_child(tmp_path: Path, env: dict[str, str], preload: str = "") -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, preload],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_importing_every_store_module_loads_no_ui_library(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    report = _import_all_in_child(tmp_path, subprocess_env)

    package_dir = Path(store.__file__).parent
    on_disk = {f"store.{p.stem}" for p in package_dir.glob("*.py") if p.stem != "__init__"}
    assert on_disk, "no modules found in the store package"
    assert on_disk <= set(report["modules"]), "pkgutil missed modules"

    offenders = {name: mods for name, mods in report["loaded"].items() if mods}
    assert offenders == {}, f"UI libraries loaded by: {offenders}"


def test_the_check_detects_a_ui_import(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    """Guard against a vacuous pass: a preloaded ``rich`` must be reported."""
    report = _import_all_in_child(tmp_path, subprocess_env, preload="import rich")

    assert all("rich" in mods for mods in report["loaded"].values())
