"""The first code a session's process runs: take the pty as its controlling terminal, then
run the app as ``newsdesk`` would.

The server starts this in a new session (``setsid``) with the pty on stdin, stdout and
stderr; claiming the pty as controlling terminal is what makes the kernel send SIGWINCH
when the reader's window changes size, and SIGHUP when the server hangs up (or dies). That
SIGHUP ends the app whatever the server was started with (``nohup``, signals blocked): the
default signals come first.
"""

from __future__ import annotations

import contextlib
import fcntl
import sys
import termios

from tui.signals import default_signals


def main(argv: list[str]) -> int:
    default_signals()
    with contextlib.suppress(OSError):  # still usable; only resizes are not followed
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    from tui.cli import main as newsdesk

    return newsdesk(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
