"""``newsdesk config path|show|keys|themes|init`` through the console script's ``main``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import support

from store.config import CONFIG_ENV, Config, parse_config
from tui.cli import main


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the config file is for this test (it does not exist yet)."""
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv(CONFIG_ENV, str(path))
    return path


def test_path_prints_the_path_whether_or_not_it_exists(config_file: Path, capsys) -> None:
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out == f"{config_file}\n"
    config_file.parent.mkdir()
    config_file.write_text("bogus = 1\n", encoding="utf-8")
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out == f"{config_file}\n"


def test_show_without_a_file_prints_the_defaults(config_file: Path, capsys) -> None:
    assert main(["config", "show"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert f"# {config_file} does not exist: these are the defaults." in out
    assert parse_config(out) == Config()


def test_show_prints_the_settings_in_effect_with_defaults_filled_in(
    config_file: Path, capsys
) -> None:
    config_file.parent.mkdir()
    config_file.write_text(
        'theme = "nord"\nshow_read = false\n[keys]\nlist.down = "j,ctrl+n"\n', encoding="utf-8"
    )
    assert main(["config", "show"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert f"read from {config_file}" in out.splitlines()[0]
    assert parse_config(out) == Config(
        theme="nord", show_read=False, keys={"list.down": "j,ctrl+n"}
    )
    assert 'default_sort = "relevance"' in out


def test_show_with_a_broken_file_prints_each_problem_on_stderr_and_the_defaults(
    config_file: Path, capsys
) -> None:
    config_file.parent.mkdir()
    config_file.write_text(
        'theme = "nrod"\nauto_mark_read = "no"\nshow_read = false\n'
        '[keys]\nlist.dwn = "x"\nlist.down = "Ctrl+N"\nlist.up = "k,ctrl+b"\n',
        encoding="utf-8",
    )
    assert main(["config", "show"]) == 1
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 4
    assert all(line.startswith(f"newsdesk: config {config_file}") for line in lines)
    assert "line 2: auto_mark_read must be true or false" in lines[0]
    assert "theme 'nrod' is unknown (did you mean 'nord'?)" in lines[1]
    assert "'list.dwn'" in lines[2] and "'Ctrl+N'" in lines[3]
    assert "4 problem(s), on stderr" in out
    shown = parse_config(out)
    assert shown == Config(show_read=False, keys={"list.up": "k,ctrl+b"})


def test_show_with_bad_toml_names_the_line(config_file: Path, capsys) -> None:
    config_file.parent.mkdir()
    config_file.write_text('theme = "nord"\n[keys\n', encoding="utf-8")
    assert main(["config", "show"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"newsdesk: config {config_file} line 2: not valid TOML")
    assert len(err.splitlines()) == 1
    assert parse_config(out) == Config()


def test_keys_lists_every_binding_id_with_keys_and_meaning(config_file: Path, capsys) -> None:
    assert main(["config", "keys"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    for binding_id in ("app.quit", "list.down", "view.next", "main.toggle_star", "search.done"):
        assert binding_id in rows
    assert rows["list.down"].split()[-1] == "j,down"
    assert "Star" in rows["main.toggle_star"]


def test_keys_marks_remaps_and_reports_bad_ones(config_file: Path, capsys) -> None:
    config_file.parent.mkdir()
    config_file.write_text('[keys]\nlist.down = "ctrl+n"\nnope.id = "x"\n', encoding="utf-8")
    assert main(["config", "keys"]) == 1
    out, err = capsys.readouterr()
    [row] = [line for line in out.splitlines() if line.startswith("list.down ")]
    assert row.endswith("ctrl+n (remapped; default j,down)")
    assert "'nope.id'" in err and len(err.splitlines()) == 1


_UNUSABLE_REMAPS = (
    '[keys]\n"main.unread_only" = "esc"\n"main.export" = "space"\n'
    '"main.toggle_star" = "m"\n"main.saved_searches" = "m"\n"main.fetch" = "f5"\n'
)


@pytest.mark.parametrize("action", ["keys", "show"])
def test_remaps_a_key_cannot_take_are_one_line_each_and_left_out(
    config_file: Path, capsys, action: str
) -> None:
    config_file.parent.mkdir()
    config_file.write_text(_UNUSABLE_REMAPS, encoding="utf-8")
    assert main(["config", action]) == 1
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 4
    assert "keys.main.unread_only: 'esc' is not a key name (did you mean 'escape'?)" in lines[0]
    assert "keys.main.export: space is taken there by list.page_down" in lines[1]
    assert "keys.main.toggle_star: m is taken there by main.toggle_read" in lines[2]
    assert "keys.main.saved_searches: m is taken there by main.toggle_read" in lines[3]
    if action == "show":
        assert parse_config(out).keys == {"main.fetch": "f5"}
    else:
        rows = {line.split()[0]: line for line in out.splitlines()}
        assert rows["main.export"].endswith(" x")
        assert rows["main.fetch"].endswith("f5 (remapped; default R)")


def test_themes_lists_the_theme_names(config_file: Path, capsys) -> None:
    assert main(["config", "themes"]) == 0
    names = capsys.readouterr().out.split()
    assert "textual-dark" in names and "nord" in names


def test_init_writes_a_commented_default_file_once(config_file: Path, capsys) -> None:
    assert main(["config", "init"]) == 0
    assert capsys.readouterr().out == f"wrote {config_file}\n"
    text = config_file.read_text(encoding="utf-8")
    assert tomllib.loads(text) == {}
    assert "# theme = " in text
    config_file.write_text('theme = "nord"\n', encoding="utf-8")
    assert main(["config", "init"]) == 2
    err = capsys.readouterr().err
    assert "already exists; not overwritten" in err and len(err.splitlines()) == 1
    assert config_file.read_text(encoding="utf-8") == 'theme = "nord"\n'


def test_init_into_a_folder_that_cannot_be_made_fails_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "file" / "config.toml"))
    assert main(["config", "init"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsdesk: ") and "cannot write the config" in err
    assert len(err.splitlines()) == 1


def test_config_without_an_action_is_a_usage_error(config_file: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["config"])
    assert exit_.value.code == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_a_broken_config_never_stops_a_command(config_file: Path, tmp_store: Path, capsys) -> None:
    config_file.parent.mkdir()
    config_file.write_text("theme = \n", encoding="utf-8")
    assert main(["search", "--db", str(tmp_store), "israel"]) == 0
    assert capsys.readouterr().out.strip()


DOCS = support.REPO / "docs"


def _docs_page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_the_documented_example_config_is_used_in_full(config_file: Path, capsys) -> None:
    import re

    example = re.search(r"```toml\n(.*?)```", _docs_page("configuration.md"), re.S)
    assert example is not None
    config_file.parent.mkdir()
    config_file.write_text(example[1], encoding="utf-8")
    assert main(["config", "show"]) == 0
    assert capsys.readouterr().err == ""


def test_the_binding_ids_the_docs_name_exist() -> None:
    import re

    from tui.bindings import app_bindings

    named = set(
        re.findall(
            r"`((?:app|main|list|view|search|facets|help|saved?)\.[a-z_0-9]+)`",
            _docs_page("configuration.md") + _docs_page("keys.md"),
        )
    )
    assert named and named <= set(app_bindings())


@pytest.mark.parametrize("action", ["show", "keys"])
def test_show_and_keys_print_nothing_on_stderr_and_load_no_ssh_library(
    action: str, env: dict[str, str], tmp_path: Path
) -> None:
    """Run as the console script with every warning shown: not one line on stderr."""
    import subprocess
    import sys

    env = {k: v for k, v in env.items() if k != "PYTHONWARNINGS"}
    script = (
        "import sys; from tui.cli import main; status = main(sys.argv[1:]); "
        "assert 'asyncssh' not in sys.modules, 'the SSH library was imported'; "
        "sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", script, "config", action],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout
