"""``newsdesk serve --ssh``: the news for a whole team over SSH, each reader with their own
reading state (see docs/serving-over-ssh.md)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from store import StoreError, open_store_session, reader_state_path, resolve_store
from tui.commands.output import EXIT_OK, fail

if TYPE_CHECKING:
    from tui.commands.output import SubParsers
    from tui.serve.options import ServeOptions

_EPILOG = """\
Readers connect with any OpenSSH client:  ssh -t -p 2222 NAME@HOST
NAME is their own choice and keys their reading state (read flags, stars, tags, saved
searches), kept in STORE.readers/NAME.state.json beside the store. Sessions read the store
and never change it: fetch (R) and export (x) are for its owner; --fetch-every has the
server keep it fresh. Only public keys in the
authorized keys file get in; passwords, exec, SFTP and forwarding are refused.

exit status: 0 stopped with Ctrl-C or SIGTERM; 2 unusable options, keys, store or address."""


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    from tui.serve import defaults

    parser = commands.add_parser(
        "serve",
        parents=[parent],
        help="serve the app to readers over SSH (--ssh)",
        description="Serve the app over SSH: each reader gets their own session and state.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--ssh", action="store_true", required=True, help="serve over SSH")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=_port, default=defaults.DEFAULT_PORT, help="port (2222; 0: any free one)"
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach (a warning is printed)",
    )
    parser.add_argument(
        "--authorized-keys",
        metavar="FILE",
        type=Path,
        help='readers\' public keys, one per line, each after principals="NAME,..." (the '
        "names it may log in as; default: "
        f"{_home(defaults.default_authorized_keys_path())})",
    )
    parser.add_argument(
        "--host-key",
        metavar="FILE",
        type=Path,
        help="the server's private key (default: one generated on first run and kept in "
        f"{_home(defaults.default_host_key_path())})",
    )
    parser.add_argument(
        "--max-sessions",
        metavar="N",
        type=_positive_int,
        default=defaults.DEFAULT_MAX_SESSIONS,
        help=f"sessions at once; more are turned away ({defaults.DEFAULT_MAX_SESSIONS})",
    )
    parser.add_argument(
        "--idle-timeout",
        metavar="S",
        type=_positive_float,
        default=defaults.DEFAULT_IDLE_TIMEOUT_S,
        help=f"close a session after S seconds without a key ({defaults.DEFAULT_IDLE_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--fetch-every",
        metavar="DURATION",
        help="fetch the store's feeds that are due every DURATION (15m, 1h), one log line "
        "per round; every session sees the new articles",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tui.serve.options import ServeError
    from tui.serve.server import log_line, serve_until_stopped

    try:
        options, notes = build_options(args)
    except (ServeError, StoreError, ValueError) as exc:
        return fail(str(exc))
    for note in notes:
        log_line(note)

    def ready(port: int) -> None:
        log_line(
            f"listening on {options.host}:{port} for {options.key_count} authorized key(s); "
            f"store {options.store_path}; host key {options.host_key.get_fingerprint()}"
        )

    try:
        asyncio.run(serve_until_stopped(options, log_line, ready))
    except OSError as exc:
        return fail(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}")
    log_line("stopped")
    return EXIT_OK


def build_options(args: argparse.Namespace) -> tuple[ServeOptions, list[str]]:
    """Every option checked, the store caught up once here (sessions only read it)."""
    from store.ingest.schedule import parse_duration
    from tui.serve import options as serve
    from tui.serve.defaults import default_authorized_keys_path

    every = parse_duration(args.fetch_every) if args.fetch_every else None  # ValueError
    notes = []
    if warning := serve.check_host(args.host, args.allow_remote):
        notes.append(warning)
    keys_path = args.authorized_keys or default_authorized_keys_path()
    keys_path = keys_path.expanduser()
    keys, count = serve.load_authorized_keys(keys_path)
    host_key, created = serve.load_or_create_host_key(
        args.host_key.expanduser() if args.host_key else None
    )
    if created:
        notes.append(created)
    store_path = resolve_store(args.db).resolve()
    session = open_store_session(store_path)
    if session.needs_catch_up:
        session.catch_up()
    session.index.close()
    reader_state_path(store_path, "x").parent.mkdir(exist_ok=True)
    options = serve.ServeOptions(
        host=args.host,
        port=args.port,
        store_path=store_path,
        authorized_keys=keys,
        key_count=count,
        authorized_keys_path=keys_path,
        host_key=host_key,
        max_sessions=args.max_sessions,
        idle_timeout_s=args.idle_timeout,
        fetch_every_s=every,
    )
    return options, notes


def _home(path: Path) -> str:
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if text.startswith(home + "/") else text


def _port(text: str) -> int:
    value = _int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return value


def _positive_int(text: str) -> int:
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value
