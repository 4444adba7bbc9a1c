"""End-to-end: ``newsdesk serve --ssh`` (the installed console script) and the real OpenSSH
client in tmux.

The server runs with a fresh HOME and XDG folders, so it creates the default store from the
bundled seeds and generates its host key, exactly as on an owner's first run. Readers
connect with ``ssh -tt`` and a key pair made here with ``ssh-keygen``; refusals (a wrong key,
a password, exec, SFTP) are checked from the client's own exit status and words.

Without ssh these tests are skipped, except with ``CI=true``, where they fail: CI must run
them (``.ci/run`` installs openssh-client).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import SEED_TITLE_PREFIX as TITLE_PREFIX
from support.terminal import (
    HOSTILE_START,
    Reader,
    TerminalRun,
    Terminals,
    newsdesk_script,
    quit_app,
    required_tool,
    row_of,
)

from store.reading.journal import journal_path

pytestmark = pytest.mark.e2e

UNREAD = "●"
QUIT_HINT = "q Quit"
TIMEOUT_S = 30.0
SIZE = (80, 24)


def _tool(name: str) -> str:
    return required_tool(name, "openssh-client")


@dataclass
class Served:
    """A running server: its port, log file and the key pairs made for the test."""

    port: int
    log: Path
    process: subprocess.Popen[bytes]
    key: Path
    wrong_key: Path
    known_hosts: Path
    killed: bool = False
    """Set when a test kills the server itself (it then has no exit status of its own)."""

    def client_options(self, key: Path) -> list[str]:
        return [
            *("-F", "/dev/null", "-i", str(key), "-p", str(self.port)),
            *("-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={self.known_hosts}"),
            *("-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"),
            *("-o", "ConnectTimeout=20"),
        ]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, text: str) -> str:
        deadline = time.monotonic() + TIMEOUT_S
        while text not in self.log_text():
            if time.monotonic() > deadline:
                pytest.fail(f"the server never logged {text!r}; log:\n{self.log_text()}")
            time.sleep(0.1)
        return next(line for line in self.log_text().splitlines() if text in line)


def _keygen(path: Path, comment: str) -> None:
    subprocess.run(
        [_tool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )


def _under_nohup() -> list[str]:
    """The prefix that starts a command under ``nohup`` with hostile signals inherited."""
    return [sys.executable, "-c", HOSTILE_START, _tool("nohup")]


ServerFactory = Callable[..., Served]


@pytest.fixture
def servers(tmp_path: Path, reader: Reader) -> Iterator[ServerFactory]:
    """``start(*options, nohup=False)``: a server on a free port, stopped at the end."""
    _tool("ssh")
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    _keygen(keys / "reader", "reader")
    _keygen(keys / "stranger", "stranger")
    authorized = tmp_path / "authorized_keys"
    authorized.write_text('principals="alice,bob" ' + (keys / "reader.pub").read_text())
    started: list[Served] = []

    def start(*extra: str, nohup: bool = False) -> Served:
        log = tmp_path / f"serve{len(started)}.log"
        command = [*(_under_nohup() if nohup else []), newsdesk_script(), "serve", "--ssh"]
        command += ["--host", "127.0.0.1", "--port", "0", "--authorized-keys", str(authorized)]
        command += ["--idle-timeout", "600", *extra]
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                command, env=reader.env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file
            )
        served = Served(
            0, log, server, keys / "reader", keys / "stranger", tmp_path / "known_hosts"
        )
        started.append(served)
        served.port = _wait_for_port(server, log)
        return served

    try:
        yield start
    finally:
        for served in started:
            _stop(served.process)
        for pid in _session_processes(reader.store):  # none, unless a test failed
            os.kill(pid, signal.SIGKILL)
    for served in started:
        text = served.log_text()
        assert served.killed or served.process.returncode == 0, text
        assert "Traceback" not in text and "Warning" not in text, text


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
    try:
        server.wait(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.fixture
def served(servers: ServerFactory) -> Served:
    return servers()


def _wait_for_port(server: subprocess.Popen[bytes], log: Path) -> int:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if match := re.search(r"listening on 127\.0\.0\.1:(\d+) ", log.read_text()):
            return int(match[1])
        if server.poll() is not None:
            pytest.fail(f"newsdesk serve exited with {server.returncode}:\n{log.read_text()}")
        time.sleep(0.1)
    pytest.fail(f"newsdesk serve did not start listening; log:\n{log.read_text()}")


Connection = TerminalRun
"""``ssh -tt`` running in a terminal."""


@pytest.fixture
def connect(request: pytest.FixtureRequest, terminals: Terminals) -> Callable[..., Connection]:
    """``ssh -tt USER@127.0.0.1`` in a fresh tmux server (80x24), to ``to`` (else the
    ``served`` server)."""
    ssh = _tool("ssh")

    def start(user: str, to: Served | None = None) -> Connection:
        served: Served = to or request.getfixturevalue("served")
        command = [ssh, "-tt", *served.client_options(served.key), f"{user}@127.0.0.1"]
        return terminals.run(command, SIZE)

    return start


def _row(screen: str) -> str:
    return row_of(screen, TITLE_PREFIX)


def _quit(connection: Connection) -> str:
    return quit_app(connection, TIMEOUT_S)


def test_read_filter_mark_and_find_it_read_again_while_another_reader_does_not(
    connect: Callable[[str], Connection], served: Served, reader: Reader
) -> None:
    alice = connect("alice")
    screen = alice.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert _row(screen).lstrip().startswith(UNREAD), screen
    assert screen.splitlines()[0].rstrip().endswith("1 of 1"), screen

    # Filter: a word of the seed article keeps it; enter returns to the list.
    alice.term.send("/")
    alice.term.wait_without(QUIT_HINT)
    alice.term.type("jenin")
    alice.term.wait_until(lambda s: s.splitlines()[0].startswith(" / jenin"), "the query")
    alice.term.send("Enter")
    screen = alice.term.wait_for(QUIT_HINT, TITLE_PREFIX, "1 of 1")

    # Mark it read, then leave.
    alice.term.send("m")
    alice.term.wait_until(lambda s: not _row(s).lstrip().startswith(UNREAD), "the mark")
    _quit(alice)
    line = served.wait_for_log("session alice from 127.0.0.1:")
    assert "(quit;" in line, line

    # Back again: still read. The owner's own state beside the store is untouched.
    again = connect("alice")
    screen = again.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert not _row(screen).lstrip().startswith(UNREAD), "still read:\n" + screen
    _quit(again)
    assert not reader.state.exists(), "sessions keep their state per reader"
    assert not journal_path(reader.state).exists()
    assert (reader.store / "readers" / "alice.state.journal").is_file()

    # Another reader's state is their own.
    bob = connect("bob")
    screen = bob.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert _row(screen).lstrip().startswith(UNREAD), "bob has not read it:\n" + screen

    # The store is read-only to sessions.
    before = _store_files(reader.store)
    bob.term.send("R")
    bob.term.wait_for("Read-only store")
    _quit(bob)
    assert _store_files(reader.store) == before


def _store_files(store: Path) -> dict[str, bytes]:
    """The articles of a folder store: its manifest and segment files."""
    files = [store / "manifest.json", *sorted((store / "segments").iterdir())]
    return {path.name: path.read_bytes() for path in files}


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )


def test_a_wrong_key_is_refused(served: Served, reader: Reader) -> None:
    ssh = _tool("ssh")
    result = _run(
        [ssh, "-tt", *served.client_options(served.wrong_key), "alice@127.0.0.1"], reader.env
    )
    assert result.returncode != 0
    assert "Permission denied (publickey)" in result.stderr, result.stderr
    line = served.wait_for_log("refused alice from")
    assert "login (unknown key SHA256:" in line, line


def test_a_password_is_refused(served: Served, reader: Reader) -> None:
    ssh = _tool("ssh")
    options = served.client_options(served.key)
    options += ["-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"]
    result = _run([ssh, "-tt", *options, "alice@127.0.0.1"], reader.env)
    assert result.returncode != 0
    assert "Permission denied" in result.stderr, result.stderr
    assert "login (no key offered)" in served.wait_for_log("refused alice from")


def test_exec_is_refused(served: Served, reader: Reader) -> None:
    ssh = _tool("ssh")
    result = _run([ssh, *served.client_options(served.key), "alice@127.0.0.1", "id"], reader.env)
    assert result.returncode != 0
    assert "uid=" not in result.stdout
    assert "exec request failed" in result.stderr, result.stderr
    served.wait_for_log("refused alice from 127.0.0.1:")


def test_x11_and_remote_forwarding_are_refused_and_logged(served: Served, reader: Reader) -> None:
    ssh = _tool("ssh")
    options = [*served.client_options(served.key), "-X", "-R", "7071:127.0.0.1:80"]
    env = {**reader.env, "DISPLAY": ":0"}  # no X server: ssh still asks to forward it
    result = _run([ssh, *options, "alice@127.0.0.1", "id"], env)
    assert result.returncode != 0
    served.wait_for_log("exec request")
    assert "refused alice from 127.0.0.1:" in served.wait_for_log("X11 forwarding (-X)")
    line = served.wait_for_log("port forwarding -R from ")
    assert line.endswith(":7071") and "refused alice from" in line, line


def test_sftp_is_refused(served: Served, reader: Reader) -> None:
    sftp = _tool("sftp")
    options = served.client_options(served.key)
    options[options.index("-p")] = "-P"  # sftp names the port -P
    result = _run([sftp, *options, "alice@127.0.0.1"], reader.env)
    assert result.returncode != 0
    assert "subsystem request failed" in result.stderr, result.stderr
    assert "subsystem sftp" in served.wait_for_log("refused alice from")


def _session_processes(store: Path) -> list[int]:
    """Processes running a session of the server on ``store``."""
    return _processes(b"tui.serve.child", str(store).encode())


def test_ctrl_c_ends_every_session_and_the_server(
    connect: Callable[[str], Connection], served: Served, reader: Reader
) -> None:
    alice = connect("alice")
    alice.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert len(_session_processes(reader.store)) == 1
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=TIMEOUT_S) == 0
    alice.term.wait_for("the server is stopping")
    assert alice.wait_for_exit() != "exit=0"
    assert "(server stopped;" in served.wait_for_log("session alice from")
    assert served.log_text().rstrip().endswith("newsdesk serve: stopped")
    assert _session_processes(reader.store) == []


def _processes(*words: bytes) -> list[int]:
    """Processes whose command line holds every one of ``words`` as an argument."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if all(word in argv for word in words):
                found.append(int(entry.name))
    return found


def _client_pid(served: Served) -> int:
    """The ``ssh`` client process connected to ``served``."""
    [pid] = [
        pid
        for pid in _processes(b"-p", str(served.port).encode())
        if Path(f"/proc/{pid}/exe").resolve().name == "ssh"
    ]
    return pid


def _signal_sets(pid: int) -> dict[str, set[int]]:
    """The signals process ``pid`` ignores (``SigIgn``) and blocks (``SigBlk``)."""
    sets = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":\t")
        if name in ("SigIgn", "SigBlk"):
            bits = int(value, 16)
            sets[name] = {number for number in range(1, 65) if bits >> (number - 1) & 1}
    return sets


def _wait_for_no_sessions(store: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while (left := _session_processes(store)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == [], f"session processes still running: {left}"


STOP_SIGNALS = {signal.SIGHUP, signal.SIGINT, signal.SIGTERM}


def test_under_nohup_a_client_killed_ends_its_session_and_frees_its_slot(
    servers: ServerFactory, connect: Callable[..., Connection], reader: Reader
) -> None:
    served = servers("--max-sessions", "1", nohup=True)
    alice = connect("alice", served)
    alice.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    [session] = _session_processes(reader.store)
    inherited = _signal_sets(session)
    assert not inherited["SigIgn"] & STOP_SIGNALS, inherited
    assert not inherited["SigBlk"], inherited

    os.kill(_client_pid(served), signal.SIGKILL)  # no clean close: the client is just gone
    _wait_for_no_sessions(reader.store)
    assert "(disconnected" in served.wait_for_log("session alice from")

    again = connect("alice", served)  # the one slot is free again
    again.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    _quit(again)


def test_under_nohup_an_idle_session_ends(
    servers: ServerFactory, connect: Callable[..., Connection], reader: Reader
) -> None:
    served = servers("--idle-timeout", "2", nohup=True)
    alice = connect("alice", served)
    alice.term.wait_for("closed after 2 s without a key pressed")
    assert alice.wait_for_exit() != "exit=0"
    assert "(idle for 2 s;" in served.wait_for_log("session alice from")
    _wait_for_no_sessions(reader.store)


def test_under_nohup_sigterm_stops_the_server_and_leaves_no_session_process(
    servers: ServerFactory, connect: Callable[..., Connection], reader: Reader
) -> None:
    served = servers(nohup=True)
    alice, bob = connect("alice", served), connect("bob", served)
    for connection in (alice, bob):
        connection.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert len(_session_processes(reader.store)) == 2
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=TIMEOUT_S) == 0
    assert _session_processes(reader.store) == []
    assert served.log_text().count("(server stopped;") == 2
    assert served.log_text().rstrip().endswith("newsdesk serve: stopped")


def test_under_nohup_sessions_end_when_the_server_is_killed(
    servers: ServerFactory, connect: Callable[..., Connection], reader: Reader
) -> None:
    """SIGKILL gives the server no chance to end its sessions: the kernel's hangup of each
    session's terminal must be enough."""
    served = servers(nohup=True)
    alice = connect("alice", served)
    alice.term.wait_for(TITLE_PREFIX, QUIT_HINT)
    assert len(_session_processes(reader.store)) == 1
    served.killed = True
    served.process.kill()
    served.process.wait(timeout=TIMEOUT_S)
    _wait_for_no_sessions(reader.store)
