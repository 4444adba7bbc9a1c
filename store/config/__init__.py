"""The reader's settings: the config file read and checked (``settings``; the commands an
article can be piped to in ``pipes``), and written out as TOML (``toml_text``)."""

from store.config.pipes import PIPE_INPUTS, PipeCommand
from store.config.settings import (
    CONFIG_ENV,
    GROUPS,
    SETTINGS,
    SORTS,
    Config,
    ConfigError,
    ConfigReport,
    Problem,
    check_config,
    config_path,
    load_config,
    parse_config,
    read_config,
)
from store.config.toml_text import render_config

__all__ = [
    "CONFIG_ENV",
    "GROUPS",
    "PIPE_INPUTS",
    "SETTINGS",
    "SORTS",
    "Config",
    "ConfigError",
    "ConfigReport",
    "PipeCommand",
    "Problem",
    "check_config",
    "config_path",
    "load_config",
    "parse_config",
    "read_config",
    "render_config",
]
