"""The first code a session's process runs: take the pty as its controlling terminal, then
run the app as ``newsdesk`` would.

The server starts this in a new session (``setsid``) with the pty on stdin, stdout and
stderr; claiming the pty as controlling terminal is what makes the kernel send SIGWINCH
when the reader's window changes size, and SIGHUP when the server hangs up.
"""

from __future__ import annotations

import contextlib
import fcntl
import sys
import termios


def main(argv: list[str]) -> int:
    with contextlib.suppress(OSError):  # still usable; only resizes are not followed
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    from tui.cli import main as newsdesk

    return newsdesk(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
