"""The reader's settings: the config file read and checked (``settings``), and written out
as TOML (``toml_text``)."""

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
    "SETTINGS",
    "SORTS",
    "Config",
    "ConfigError",
    "ConfigReport",
    "Problem",
    "check_config",
    "config_path",
    "load_config",
    "parse_config",
    "read_config",
    "render_config",
]
