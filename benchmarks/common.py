"""What every benchmark shares: finding the installed console script, printing figures."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path


def newsdesk_command() -> str:
    """The ``newsdesk`` installed beside this Python, else the one on PATH."""
    script = Path(sys.executable).parent / "newsdesk"
    return str(script) if script.exists() else shutil.which("newsdesk") or "newsdesk"


def print_result(result: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>22}: {value}")
