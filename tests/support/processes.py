"""Python processes started together for the durability tests: writers racing on one store,
and a writer killed at a chosen moment.

Each child runs a script (``python -c``) that prints ``ready`` once it has started, then
waits for a line on stdin: the time Python takes to start is never part of the race, nor of
the moment a child is killed at.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence

READY = "ready"


class Child:
    """A script started and waiting to be told to go (started ahead, a child is ready by
    the time it is needed)."""

    def __init__(self, script: str, args: Sequence[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._ready = False

    def wait_ready(self) -> None:
        if self._ready:
            return
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != READY:
            _, err = self.process.communicate(timeout=30)
            raise AssertionError(f"the child said {line!r}, not {READY!r}: {err}")
        self._ready = True

    def go(self) -> None:
        self.wait_ready()
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write("go\n")
        stdin.flush()

    def finish(self, timeout: float = 120) -> str:
        """Its output once it has ended on its own, with exit status 0."""
        out, err = self.process.communicate(timeout=timeout)
        assert self.process.returncode == 0, err
        return out

    def kill_after(self, seconds: float) -> str:
        """SIGKILL after ``seconds`` (no cleanup, no finally blocks) unless it ended first;
        what it printed (``process.returncode`` says which)."""
        time.sleep(seconds)
        self.process.kill()
        out, _ = self.process.communicate(timeout=30)
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def race(script: str, arguments: Sequence[Sequence[str]], env: dict[str, str]) -> list[str]:
    """One child per argument list, released as close together as possible; the output of
    each once all have ended (each with exit status 0)."""
    children: list[Child] = []
    try:
        children = [Child(script, args, env) for args in arguments]
        for child in children:
            child.wait_ready()
        for child in children:
            child.go()
        return [child.finish() for child in children]
    finally:
        for child in children:
            child.stop()
