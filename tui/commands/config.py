"""``newsdesk config path|show|keys|themes|init``: the reader's config file, headless.

``show`` prints the settings in effect (the defaults filled in) as TOML, checked the way the
app checks them, so what it prints is what the app uses; each problem is one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from store import (
    CONFIG_ENV,
    Config,
    ConfigReport,
    clean_line,
    config_path,
    read_config,
    render_config,
)
from tui.commands.output import EXIT_OK, EXIT_PARTIAL, fail, say

if TYPE_CHECKING:
    from tui.commands.output import SubParsers
    from tui.settings import AppSettings

_EPILOG = f"""\
The file is config.toml in your config folder (Linux: ~/.config/newsdesk/, macOS:
~/Library/Application Support/newsdesk/, Windows: %LOCALAPPDATA%\\newsdesk\\), or ${CONFIG_ENV}.
A setting that cannot be used keeps its default and is reported in one line; the app still opens.

exit status: 0 done; 1 the file has problems (show, keys: the defaults are used for those
settings); 2 init found a file already there (it is never overwritten) or could not write."""


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "config",
        parents=[parent],
        help="the config file: its path, the settings in effect, the key binding ids",
        description="Show where the config file is and the settings in effect.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    for name, run, text in (
        ("path", run_path, "print the config file's path (whether or not it exists)"),
        ("show", run_show, "print the settings in effect as TOML, defaults filled in"),
        ("keys", run_keys, "print every key binding id with its keys and what it does"),
        ("themes", run_themes, "print the theme names the theme setting accepts"),
        ("init", run_init, "write a commented config file with the defaults (never overwrites)"),
    ):
        action = actions.add_parser(name, parents=[parent], help=text, description=text)
        action.set_defaults(run=run)


def run_path(args: argparse.Namespace) -> int:
    say(str(config_path()))
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    report = read_config()
    settings = _app_settings(report.config)
    config = _effective(report.config, settings)
    problems = [*report.lines(), *settings.problems]
    sys.stdout.write(render_config(config, _header(report, len(problems))))
    return _report(problems)


def run_keys(args: argparse.Namespace) -> int:
    from tui.bindings import app_bindings

    report = read_config()
    settings = _app_settings(report.config)
    bindings = app_bindings()
    width = max(len(binding_id) for binding_id in bindings) + 2
    for binding_id, info in bindings.items():
        keys = settings.keymap.get(binding_id)
        shown = f"{keys} (remapped; default {info.keys})" if keys else info.keys
        print(f"{binding_id:<{width}}{clean_line(info.description):<22}{clean_line(shown)}")
    return _report(list(settings.key_problems))


def run_themes(args: argparse.Namespace) -> int:
    for name in sorted(_themes()):
        say(name)
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    path = config_path()
    header = [
        "newsdesk settings; every line is commented out, so the defaults apply.",
        "Uncomment a setting to change it. newsdesk config show prints the settings in effect.",
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # FileExistsError too: a file where the folder should be
        return fail(f"{path}: cannot write the config ({exc.strerror or exc})")
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": never overwrite
            file.write(render_config(Config(), header, commented=True))
    except FileExistsError:
        return fail(f"{path} already exists; not overwritten (newsdesk config show prints it)")
    except OSError as exc:
        return fail(f"{path}: cannot write the config ({exc.strerror or exc})")
    say(f"wrote {path}")
    return EXIT_OK


def _themes() -> list[str]:
    from textual.theme import BUILTIN_THEMES

    return list(BUILTIN_THEMES)


def _app_settings(config: Config) -> AppSettings:
    from tui.settings import check_settings

    return check_settings(config, _themes())


def _effective(config: Config, settings: AppSettings) -> Config:
    """What the app uses: an unknown theme or key remap is left out, as the app leaves it."""
    from dataclasses import replace

    return replace(config, theme=settings.theme or Config().theme, keys=settings.keymap)


def _header(report: ConfigReport, problems: int) -> list[str]:
    if not report.found:
        return [
            f"{report.path} does not exist: these are the defaults.",
            "newsdesk config init writes a commented file there.",
        ]
    lines = [f"Settings in effect, read from {report.path}."]
    if problems:
        lines.append(f"{problems} problem(s), on stderr: those settings are at their defaults.")
    return lines


def _report(problems: list[str]) -> int:
    for line in problems:
        print(f"newsdesk: {clean_line(line)}", file=sys.stderr)
    return EXIT_PARTIAL if problems else EXIT_OK
