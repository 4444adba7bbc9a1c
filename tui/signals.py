"""The signals the app starts from, whatever its parent left it.

A process inherits the signals its parent ignored (``nohup`` ignores SIGHUP, a shell's
background job SIGINT) and its parent's blocked signal mask. The app exists for its terminal:
it must end when the terminal hangs up (SIGHUP) and when it is asked to (SIGTERM, SIGINT),
never linger without one, and a process it starts inherits the same.
"""

from __future__ import annotations

import signal

_DEFAULT_ACTION = ("SIGHUP", "SIGTERM")


def default_signals() -> None:
    """SIGHUP and SIGTERM back to their default action (end the process), SIGINT to
    Python's (``KeyboardInterrupt``), and no signal blocked. Call from the main thread."""
    for name in _DEFAULT_ACTION:
        if (number := getattr(signal, name, None)) is not None:  # not on Windows
            signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
