"""``newsdesk serve --ssh`` with asyncssh's own client in this process: logins, refusals,
limits and per-reader state. Each session's app is a real process on a pty."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from support import SEED_TITLE_PREFIX

from store.entities import with_entities
from store.paths import bundled_seeds_dir, reader_state_path, safe_reader_name
from store.reading.journal import journal_path
from store.storage.library import create_store, seed_articles
from tui.cli import build_parser, main
from tui.commands.serve import build_options
from tui.serve.defaults import DEFAULT_KEEPALIVE_S
from tui.serve.hub import Hub
from tui.serve.options import ServeError, check_host, load_or_create_host_key
from tui.serve.server import start_server
from tui.serve.ssh import asyncssh

WAIT_S = 30.0
"""How long a session may take to show something on a loaded machine (not a measure)."""
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b[=>78]"
)


def plain(data: bytes) -> str:
    """What a terminal would show as text, roughly: escape sequences removed."""
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "articles.json"
    create_store(path, [with_entities(a) for a in seed_articles(bundled_seeds_dir())])
    return path


@pytest.fixture
def alice_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


@pytest.fixture
def keys_file(tmp_path: Path, alice_key: asyncssh.SSHKey) -> Path:
    path = tmp_path / "authorized_keys"
    path.write_bytes(b'principals="alice,bob" ' + alice_key.export_public_key())
    return path


@pytest.fixture
def host_key_file(tmp_path: Path) -> Path:
    path = tmp_path / "host_key"
    asyncssh.generate_private_key("ssh-ed25519").write_private_key(path)
    return path


class Server:
    def __init__(self, port: int, hub: Hub, lines: list[str]) -> None:
        self.port = port
        self.hub = hub
        self.lines = lines

    async def connect(
        self, user: str = "alice", key: asyncssh.SSHKey | None = None, **kwargs: object
    ) -> asyncssh.SSHClientConnection:
        options: dict[str, object] = {"known_hosts": None, "username": user}
        options["client_keys"] = [key] if key is not None else None
        options.update(kwargs)
        return await asyncssh.connect("127.0.0.1", self.port, **options)  # type: ignore[arg-type]

    async def logged(self, text: str) -> str:
        """The first log line containing ``text``, waiting for it."""
        async with asyncio.timeout(WAIT_S):
            while True:
                for line in self.lines:
                    if text in line:
                        return line
                await asyncio.sleep(0.02)


ServerFactory = Callable[..., "asyncio.Future[Server]"]


@pytest.fixture
async def serve(
    store: Path, keys_file: Path, host_key_file: Path
) -> AsyncIterator[Callable[..., object]]:
    hubs: list[Hub] = []
    acceptors: list[asyncssh.SSHAcceptor] = []

    async def start(*extra: str, keepalive_s: float = DEFAULT_KEEPALIVE_S) -> Server:
        argv = ["serve", "--ssh", "--db", str(store), "--port", "0"]
        argv += ["--authorized-keys", str(keys_file), "--host-key", str(host_key_file), *extra]
        options, _ = build_options(build_parser().parse_args(argv))
        options = dataclasses.replace(options, keepalive_s=keepalive_s)
        lines: list[str] = []
        hub = Hub(options, lines.append)
        acceptor = await start_server(options, hub)
        hubs.append(hub)
        acceptors.append(acceptor)
        return Server(acceptor.get_port(), hub, lines)

    yield start
    for hub in hubs:
        hub.stop_all()
    for acceptor in acceptors:
        acceptor.close()
    async with asyncio.timeout(WAIT_S):
        while any(hub.sessions for hub in hubs):
            await asyncio.sleep(0.05)


async def open_app(
    conn: asyncssh.SSHClientConnection, size: tuple[int, int] = (80, 24)
) -> asyncssh.SSHClientProcess[bytes]:
    return await conn.create_process(term_type="xterm-256color", term_size=size, encoding=None)


async def read_until(process: asyncssh.SSHClientProcess[bytes], text: str) -> str:
    """Everything shown until ``text`` is (the whole output if the session ends first)."""
    seen = b""
    async with asyncio.timeout(WAIT_S):
        while text not in plain(seen):
            chunk = await process.stdout.read(65536)
            if not chunk:
                break
            seen += chunk
    return plain(seen)


async def test_a_key_in_the_file_logs_in_and_the_app_shows_the_seed_article(
    serve, alice_key
) -> None:
    server = await serve()
    async with await server.connect(key=alice_key) as conn:
        process = await open_app(conn)
        assert SEED_TITLE_PREFIX in await read_until(process, SEED_TITLE_PREFIX)
        process.stdin.write(b"q")
        result = await asyncio.wait_for(process.wait(), WAIT_S)
    assert result.exit_status == 0
    line = await server.logged("session alice from 127.0.0.1:")
    assert "(quit;" in line and " in, " in line and " out)" in line


async def test_garbage_on_the_port_is_shrugged_off(serve, alice_key) -> None:
    server = await serve()
    for junk in (b"GET / HTTP/1.0\r\n\r\n", b"SSH-2.0-x\r\n" + bytes(range(256)) * 4, b""):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(junk)
        await writer.drain()
        await asyncio.wait_for(reader.read(64), WAIT_S)
        writer.close()
    async with await server.connect(key=alice_key):
        pass
    assert not any("internal error" in line for line in server.lines), server.lines


async def test_a_password_is_never_asked_for(serve) -> None:
    server = await serve()
    with pytest.raises(asyncssh.PermissionDenied):
        await server.connect(password="secret")
    assert "login (no key offered)" in await server.logged("refused alice from 127.0.0.1:")


async def test_a_key_not_in_the_file_is_refused(serve) -> None:
    server = await serve()
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await server.connect(key=stranger)
    line = await server.logged("refused alice")
    assert f"login (unknown key {stranger.get_fingerprint()} (not listed" in line


async def test_a_key_can_be_kept_to_reader_names_and_addresses(serve, alice_key, keys_file) -> None:
    bound = asyncssh.generate_private_key("ssh-ed25519")
    elsewhere = asyncssh.generate_private_key("ssh-ed25519")
    lines = [
        b'principals="bob,team-*" ' + bound.export_public_key(),
        b'from="10.9.8.7" ' + elsewhere.export_public_key(),
    ]
    keys_file.write_bytes(keys_file.read_bytes() + b"".join(lines))
    server = await serve()
    for user in ("bob", "team-red"):
        async with await server.connect(user, key=bound):
            pass
    with pytest.raises(asyncssh.PermissionDenied):
        await server.connect("alice", key=bound)
    wrong_name = f"login (key {bound.get_fingerprint()} not authorised for user alice)"
    assert wrong_name in await server.logged("refused alice")
    with pytest.raises(asyncssh.PermissionDenied):
        await server.connect("alice", key=elsewhere)
    assert f"unknown key {elsewhere.get_fingerprint()} (not listed, or not from 127.0.0.1)" in (
        await server.logged("not from 127.0.0.1")
    )
    with pytest.raises(asyncssh.PermissionDenied):
        await server.connect("anyone", key=alice_key)
    assert "not authorised for user anyone" in await server.logged("refused anyone")
    assert not any("SSH PRIVATE" in line or "ssh-ed25519 AAAA" in line for line in server.lines)


async def test_a_key_whose_line_names_no_reader_is_refused(serve, keys_file) -> None:
    """The name picks the reading state: a key that may be any reader could change anyone's."""
    unnamed = asyncssh.generate_private_key("ssh-ed25519")
    anyone = asyncssh.generate_private_key("ssh-ed25519")
    lines = [unnamed.export_public_key(), b'principals="*" ' + anyone.export_public_key()]
    keys_file.write_bytes(keys_file.read_bytes() + b"".join(lines))
    server = await serve()
    with pytest.raises(asyncssh.PermissionDenied):
        await server.connect("alice", key=unnamed)
    assert 'no principals="..."' in await server.logged("refused alice")
    async with await server.connect("zoe", key=anyone):
        pass


async def test_a_key_added_to_the_file_gets_in_without_a_restart(
    serve, alice_key, keys_file
) -> None:
    server = await serve()
    newcomer = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await server.connect("nina", key=newcomer)
    keys_file.write_bytes(
        keys_file.read_bytes() + b'principals="nina" ' + newcomer.export_public_key()
    )
    async with await server.connect("nina", key=newcomer):
        pass
    assert await server.logged("read again, 2 authorized key(s)")
    keys_file.write_text("")  # emptied by mistake: the keys read before still work
    async with await server.connect("nina", key=newcomer):
        pass
    assert await server.logged("the keys read before are kept")


async def test_exec_is_refused(serve, alice_key) -> None:
    server = await serve()
    async with await server.connect(key=alice_key) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_process("id", term_type="xterm")
    assert await server.logged("exec request")
    assert not server.hub.sessions


async def test_sftp_is_refused(serve, alice_key) -> None:
    server = await serve()
    async with await server.connect(key=alice_key) as conn:
        with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
            await conn.start_sftp_client()
    assert await server.logged("subsystem sftp")


async def test_port_forwarding_is_refused_and_each_refusal_logged(serve, alice_key) -> None:
    server = await serve()
    async with await server.connect(key=alice_key) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "10.1.2.3", 8080)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 7070, "127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_unix_connection(asyncssh.SSHUNIXSession, "/tmp/x.sock")
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_path("/tmp/y.sock", "/tmp/z.sock")
    refused = "refused alice from 127.0.0.1:"
    assert (await server.logged("-L to 10.1.2.3:8080")).startswith(refused)
    assert (await server.logged("port forwarding -R from 127.0.0.1:7070")).startswith(refused)
    assert await server.logged("forwarding -L to Unix socket /tmp/x.sock")
    assert await server.logged("forwarding -R from Unix socket /tmp/y.sock")


async def test_agent_forwarding_is_refused_and_logged(serve, alice_key, tmp_path) -> None:
    server = await serve()
    agent = str(tmp_path / "agent.sock")
    async with await server.connect(key=alice_key, agent_forwarding=agent) as conn:
        process = await open_app(conn)
        await read_until(process, SEED_TITLE_PREFIX)
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), WAIT_S)
    assert await server.logged("refused alice from 127.0.0.1:")
    assert await server.logged("agent forwarding (-A)")


async def test_a_client_that_stops_answering_is_noticed_by_keepalives(serve, alice_key) -> None:
    """The network goes away without a close (a cable pulled): nothing more arrives."""
    server = await serve(keepalive_s=0.2)
    held = asyncio.Event()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            if held.is_set():
                await asyncio.sleep(3600)  # swallowed: neither passed on nor closed
            writer.write(data)

    async def through(client_r, client_w) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", server.port)
        await asyncio.gather(relay(client_r, server_w), relay(server_r, client_w))

    proxy = await asyncio.start_server(through, "127.0.0.1", 0)
    port = proxy.sockets[0].getsockname()[1]
    conn = await asyncssh.connect(
        "127.0.0.1", port, known_hosts=None, username="alice", client_keys=[alice_key]
    )
    process = await open_app(conn)
    await read_until(process, SEED_TITLE_PREFIX)
    held.set()
    line = await server.logged("session alice from")
    assert "(disconnected: " in line and "eepalive" in line, line
    assert not server.hub.sessions
    conn.abort()
    proxy.close()


async def test_a_session_without_a_terminal_gets_one_line_and_no_app(serve, alice_key) -> None:
    server = await serve()
    async with await server.connect(key=alice_key) as conn:
        process = await conn.create_process(encoding=None)
        result = await asyncio.wait_for(process.wait(), WAIT_S)
    assert result.exit_status == 1
    assert (
        result.stdout == b"newsdesk: this server runs the news reader only: connect with ssh -t\r\n"
    )
    assert await server.logged("no terminal")


async def test_sessions_beyond_the_limit_are_turned_away(serve, alice_key) -> None:
    server = await serve("--max-sessions", "1")
    async with await server.connect(key=alice_key) as conn:
        first = await open_app(conn)
        await read_until(first, SEED_TITLE_PREFIX)
        second = await open_app(conn)
        result = await asyncio.wait_for(second.wait(), WAIT_S)
        assert result.exit_status == 1
        assert b"the server is full" in result.stdout
        assert len(server.hub.sessions) == 1
        first.stdin.write(b"q")
        await asyncio.wait_for(first.wait(), WAIT_S)
    assert await server.logged("server full (1 sessions)")


async def test_open_connections_are_bounded_too(serve, alice_key) -> None:
    from tui.serve.server import CONNECTIONS_PER_SESSION, SPARE_CONNECTIONS

    server = await serve("--max-sessions", "1")
    limit = CONNECTIONS_PER_SESSION + SPARE_CONNECTIONS
    conns = [await server.connect(key=alice_key) for _ in range(limit)]
    with pytest.raises((asyncssh.DisconnectError, ConnectionError)):
        await server.connect(key=alice_key)
    assert await server.logged(f"{limit} already open")
    conns.pop().close()
    async with asyncio.timeout(WAIT_S):
        while server.hub.connections >= limit:
            await asyncio.sleep(0.02)
    conns.append(await server.connect(key=alice_key))
    for conn in conns:
        conn.close()


async def test_one_session_crashing_leaves_the_others_running(serve, alice_key) -> None:
    import signal

    server = await serve()
    async with await server.connect(key=alice_key) as conn:
        first = await open_app(conn)
        await read_until(first, SEED_TITLE_PREFIX)
        second = await open_app(conn)
        await read_until(second, SEED_TITLE_PREFIX)
        victim = next(iter(server.hub.sessions))
        assert victim.app_pid is not None
        os.kill(victim.app_pid, signal.SIGKILL)  # the app of one session dies
        async with asyncio.timeout(WAIT_S):
            while len(server.hub.sessions) != 1:
                await asyncio.sleep(0.02)
        survivor = next(iter(server.hub.sessions))
        assert survivor is not victim
        line = await server.logged("app ended by signal SIGKILL")
        assert line.startswith("session alice from 127.0.0.1:")
        waits = {asyncio.ensure_future(p.wait()): p for p in (first, second)}
        done, running = await asyncio.wait(waits, timeout=WAIT_S, return_when="FIRST_COMPLETED")
        assert len(done) == 1 and len(running) == 1
        alive = waits[running.pop()]
        alive.stdin.write(b"m")
        assert "Marked read" in await read_until(alive, "Marked read")
        alive.stdin.write(b"q")
        assert (await asyncio.wait_for(alive.wait(), WAIT_S)).exit_status == 0


async def test_an_idle_session_is_closed_with_a_message(serve, alice_key) -> None:
    server = await serve("--idle-timeout", "1")
    async with await server.connect(key=alice_key) as conn:
        process = await open_app(conn)
        shown = await read_until(process, "without a key pressed")
        result = await asyncio.wait_for(process.wait(), WAIT_S)
    assert "closed after 1 s without a key pressed" in shown
    assert result.exit_status != 0
    assert "(idle for 1 s;" in await server.logged("session alice")


async def test_a_connection_without_a_session_is_closed_after_the_idle_timeout(
    serve, alice_key
) -> None:
    server = await serve("--idle-timeout", "1")
    conn = await server.connect(key=alice_key)
    async with asyncio.timeout(WAIT_S):
        await conn.wait_closed()
    assert "no session for 1 s" in await server.logged("closed alice from 127.0.0.1:")


async def test_each_reader_has_their_own_reading_state(serve, alice_key, store) -> None:
    server = await serve()
    async with await server.connect(key=alice_key) as conn:
        process = await open_app(conn)
        await read_until(process, SEED_TITLE_PREFIX)
        process.stdin.write(b"m")
        await read_until(process, "Marked read")
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), WAIT_S)
    async with await server.connect("bob", key=alice_key) as conn:
        process = await open_app(conn)
        await read_until(process, SEED_TITLE_PREFIX)
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), WAIT_S)
    alice = journal_path(reader_state_path(store, "alice")).read_text()
    bob_path = journal_path(reader_state_path(store, "bob"))
    assert '"read":true' in alice.replace(" ", "")
    assert not bob_path.exists() or '"read":true' not in bob_path.read_text().replace(" ", "")
    assert not (store.with_name("articles.state.json")).exists(), "the owner's state untouched"
    assert not (store.with_name("articles.state.journal")).exists()


async def test_the_client_window_size_reaches_the_app(serve, alice_key) -> None:
    server = await serve()
    async with await server.connect(key=alice_key) as conn:
        process = await open_app(conn, (40, 15))
        shown = await read_until(process, "Israel said Sunday it…")
        assert SEED_TITLE_PREFIX not in shown, "40 columns cut the title short"
        process.change_terminal_size(120, 30)
        # Only the changed cells are redrawn: the row's title goes on where it was cut.
        wider = await read_until(process, "weekslong offensive")
        assert "weekslong offensive" in wider
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), WAIT_S)


def test_a_remote_address_needs_allow_remote(keys_file, host_key_file, capsys) -> None:
    argv = ["serve", "--ssh", "--host", "0.0.0.0", "--authorized-keys", str(keys_file)]
    assert main([*argv, "--host-key", str(host_key_file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--allow-remote" in err
    assert check_host("127.0.0.5", False) is None
    assert check_host("::1", False) is None
    assert "warning" in (check_host("0.0.0.0", True) or "")
    with pytest.raises(ServeError):
        check_host("example.org", False)


@pytest.mark.parametrize("content", [None, "", "# only a comment\n", "not a key\n"])
def test_an_unusable_authorized_keys_file_is_one_line(tmp_path, host_key_file, content, capsys):
    path = tmp_path / "keys"
    if content is not None:
        path.write_text(content)
    argv = ["serve", "--ssh", "--authorized-keys", str(path), "--host-key", str(host_key_file)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err


def test_serve_prints_no_warnings_from_the_ssh_library(tmp_path, host_key_file, env) -> None:
    """Run as the console script with every warning shown: the refusal is the only line."""
    import subprocess
    import sys

    env = {k: v for k, v in env.items() if k != "PYTHONWARNINGS"}
    missing = tmp_path / "no-keys"
    command = [sys.executable, "-W", "default", "-m", "tui", "serve", "--ssh"]
    command += ["--authorized-keys", str(missing), "--host-key", str(host_key_file)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith(f"newsdesk: {missing}: no such file")


def test_a_port_in_use_is_one_line(store, keys_file, host_key_file, capsys) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = ["serve", "--ssh", "--db", str(store), "--port", str(port)]
        argv += ["--authorized-keys", str(keys_file), "--host-key", str(host_key_file)]
        assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"newsdesk: cannot listen on 127.0.0.1:{port}: ")


def test_the_host_key_is_made_once_private_and_kept(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    key, note = load_or_create_host_key(None)
    assert note is not None
    path = Path(note.split(": ", 1)[1])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again, note_again = load_or_create_host_key(None)
    assert note_again is None
    assert again.get_fingerprint() == key.get_fingerprint()


def test_a_named_host_key_must_exist(tmp_path) -> None:
    with pytest.raises(ServeError, match="no such host key file"):
        load_or_create_host_key(tmp_path / "missing")
    (tmp_path / "junk").write_text("junk")
    with pytest.raises(ServeError, match="not an unencrypted private key"):
        load_or_create_host_key(tmp_path / "junk")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "a/b", ".", "..", "", "x" * 300, "é", "a\x00"]
)
def test_reader_names_become_safe_file_names(tmp_path, name) -> None:
    path = reader_state_path(tmp_path / "articles.json", name)
    assert path.parent == tmp_path / "articles.readers"
    assert "/" not in path.name and path.name[0] != "."
    assert len(path.name) < 100


def test_different_reader_names_never_share_a_file() -> None:
    names = ["alice", "Alice", "al/ice", "al_ice", "al?ice", "alice~", ""]
    assert len({safe_reader_name(n) for n in names}) == len(names)
    assert safe_reader_name("alice") == "alice"


async def test_fetch_every_keeps_the_store_fresh_and_sessions_see_it(
    serve, alice_key, store: Path, feed_server
) -> None:
    from support.feed_server import ONE_ITEM_RSS

    from store.ingest.result import Subscription
    from store.ingest.subscriptions import add_feeds
    from tui.serve.fetching import FetchRounds

    add_feeds(store, [Subscription(feed_server.serve("/wire.xml", ONE_ITEM_RSS))])
    server = await serve("--fetch-every", "1s")
    assert server.hub.options.fetch_every_s == 1.0
    async with await server.connect(key=alice_key) as conn:
        process = await open_app(conn, size=(120, 30))
        await read_until(process, SEED_TITLE_PREFIX)
        rounds = FetchRounds(store, 1.0, server.lines.append)
        rounds.start()
        try:
            shown = await read_until(process, "Harbour reopens in Valletta")
            assert "Harbour reopens in Valletta" in shown, "the session saw the new article"
            line = await server.logged("fetched: 1 new")
            assert "1 feed(s) fetched, 0 failed" in line
        finally:
            rounds.stop()
            rounds.join(10)
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), WAIT_S)


def test_a_bad_fetch_every_is_one_line_and_exit_2(store, keys_file, host_key_file, capsys):
    argv = ["serve", "--ssh", "--db", str(store), "--authorized-keys", str(keys_file)]
    argv += ["--host-key", str(host_key_file), "--fetch-every", "soon"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a duration" in err
