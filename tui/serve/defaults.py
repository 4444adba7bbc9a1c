"""Defaults of ``newsdesk serve``, apart from the server code so that building the command
line (every ``newsdesk`` run, each session's too) never imports the SSH library."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from store import APP_NAME

DEFAULT_PORT = 2222
DEFAULT_MAX_SESSIONS = 16
DEFAULT_IDLE_TIMEOUT_S = 1800.0
DEFAULT_KEEPALIVE_S = 60.0
HOST_KEY_FILE = "ssh_host_ed25519_key"
AUTHORIZED_KEYS_FILE = "authorized_keys"


def default_authorized_keys_path() -> Path:
    """A file of newsdesk's own, not ``~/.ssh/authorized_keys``: a key that may log in to
    this machine's shell is not thereby a reader, and the other way round."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / AUTHORIZED_KEYS_FILE


def default_host_key_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / HOST_KEY_FILE
