"""The config file: every setting, every malformed form reported in one line, never a raise."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from store.article import ENTITY_KINDS
from store.config import render_config
from store.config.settings import (
    CONFIG_ENV,
    Config,
    ConfigError,
    check_config,
    config_path,
    load_config,
    parse_config,
    read_config,
    with_more,
)

EVERY_SETTING = """\
theme = "nord"
auto_mark_read = false
default_sort = "relevance"
group_by = "day"
show_read = false
entity_kinds = ["person", "place"]

[keys]
"list.down" = "j,ctrl+n"
"""


def problems_of(text: str) -> list[str]:
    return [problem.where() for problem in check_config(text)[1]]


def test_no_text_is_the_defaults() -> None:
    assert parse_config("") == Config()


def test_every_setting_is_read() -> None:
    config = parse_config(EVERY_SETTING)
    assert config == Config(
        theme="nord",
        auto_mark_read=False,
        default_sort="relevance",
        group_by="day",
        show_read=False,
        entity_kinds=("person", "place"),
        keys={"list.down": "j,ctrl+n"},
    )


def test_choices_ignore_case_and_spaces() -> None:
    config = parse_config('default_sort = " Source "\ngroup_by = "SOURCE"\n')
    assert (config.default_sort, config.group_by) == ("source", "source")


def test_keys_take_dotted_ids_lists_and_spaces_after_commas() -> None:
    text = '[keys]\nlist.down = "j, ctrl+n"\n"view.next" = ["n", "x"]\nkeys.x = "y"\n'
    assert parse_config(text).keys == {"list.down": "j,ctrl+n", "view.next": "n,x", "keys.x": "y"}
    assert parse_config('keys.list.up = "k"\n').keys == {"list.up": "k"}


def test_entity_kinds_accept_the_legends_words_and_plurals_in_kind_order() -> None:
    config = parse_config('entity_kinds = ["Places", "organisation", "people", "other"]\n')
    assert config.entity_kinds == ("person", "org", "place", "misc")
    assert parse_config("entity_kinds = []\n").entity_kinds == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('them = "nord"', "line 1: unknown setting 'them' (did you mean 'theme'?), ignored"),
        ("[display]\nwidth = 3", "line 1: unknown setting 'display', ignored"),
        ("theme = 3", "line 1: theme must be a theme name, not 3; using 'textual-dark'"),
        ('theme = ""', "line 1: theme must be a theme name, not ''"),
        ("auto_mark_read = 'yes'", "line 1: auto_mark_read must be true or false, not 'yes'"),
        ("\nshow_read = 1", "line 2: show_read must be true or false, not 1; using true"),
        ('default_sort = "dat"', "default_sort must be one of date, source, relevance, not 'dat'"),
        ('default_sort = "dat"', "(did you mean 'date'?); using 'relevance'"),
        ("group_by = 2", "line 1: group_by must be one of none, day, source, not 2"),
        ('entity_kinds = "person"', "entity_kinds must be a list of entity kinds"),
        ('entity_kinds = ["persn"]', "unknown kind 'persn' (did you mean 'person'?)"),
        ("entity_kinds = [1]", "line 1: entity_kinds must be a list"),
        ("keys = 3", "line 1: keys must be a table"),
        ('[keys]\nlist.down = ""', 'line 2: keys.list.down must be keys like "ctrl+n"'),
        ("[keys]\n\nlist.down = 3", "line 3: keys.list.down must be keys"),
        ('[keys]\nlist.down = ["j", 2]', "keys.list.down must be keys"),
        ('[keys]\nlist.down = "j,,k"', "keys.list.down must be keys"),
        ('[keys]\nlist.down = "ctrl n"', "keys.list.down must be keys"),
    ],
)
def test_each_malformed_setting_is_one_line_naming_it(text: str, expected: str) -> None:
    [problem] = problems_of(text)
    assert expected in problem
    assert "\n" not in problem


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("theme = ", 1),
        ('theme = "nord"\n[keys\n', 2),
        ('theme = "nord"\ntheme = "dracula"\n', 2),
        ("a = 1\nb = 2\nc = 'unterminated\n", 3),
        ("x = [1,\n\n", 1),
    ],
)
def test_bad_toml_names_its_line_and_leaves_every_default(text: str, line: int) -> None:
    config, [problem] = check_config(text)
    assert config == Config()
    assert problem.line == line
    assert problem.where().startswith(f"line {line}: not valid TOML (")
    assert "every setting is at its default" in problem.text


def test_a_bad_setting_keeps_its_default_and_the_others_apply() -> None:
    config, problems = check_config('theme = "nord"\nshow_read = "no"\nbogus = 1\n')
    assert config == Config(theme="nord")
    assert [p.line for p in problems] == [3, 2]


def test_parse_config_raises_at_the_first_problem() -> None:
    with pytest.raises(ConfigError, match="unknown setting 'bogus'"):
        parse_config("bogus = 1\n")


def test_config_path_honours_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"
    monkeypatch.setenv(CONFIG_ENV, "~/x.toml")
    assert config_path() == Path.home() / "x.toml"


def test_config_path_defaults_to_the_platforms_config_folder(monkeypatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent/xdg")
    path = config_path()
    assert path.name == "config.toml" and path.parent.name == "newsdesk"


def test_a_missing_file_is_the_defaults_without_a_warning(tmp_path: Path) -> None:
    report = read_config(tmp_path / "none.toml")
    assert (report.config, report.found, report.problems) == (Config(), False, ())
    assert load_config(tmp_path / "none.toml") == (Config(), None)


def test_load_config_reads_the_file_named_by_the_environment(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n', encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(path))
    assert load_config() == (Config(theme="nord"), None)


@pytest.mark.parametrize(
    "content",
    [b"theme = ", b"\xff\xfe\x00garbage", b"[keys]\nlist.down = 3\n", b"\x00", b"bogus = 1\n"],
)
def test_load_config_never_raises_and_warns_in_one_line_naming_the_file(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    config, warning = load_config(path)
    assert warning is not None and "\n" not in warning
    assert warning.startswith(f"config {path}")
    assert config.theme == Config().theme


def test_unreadable_files_warn(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    config, warning = load_config(folder)
    assert config == Config()
    assert warning is not None and "cannot be read" in warning
    path = tmp_path / "latin1.toml"
    path.write_bytes('theme = "caf\xe9"'.encode("latin-1"))
    assert "not UTF-8" in (load_config(path)[1] or "")


def test_the_warning_counts_the_other_problems(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("a = 1\nb = 2\nc = 3\n", encoding="utf-8")
    _, warning = load_config(path)
    assert warning == (
        f"config {path} line 1: unknown setting 'a', ignored (and 2 more: newsdesk config show)"
    )


def test_untrusted_text_in_a_value_is_shown_cleaned_and_cut() -> None:
    [problem] = problems_of('default_sort = "\\u001b[31mred' + "x" * 80 + '"')
    assert "\x1b" not in problem and "…" in problem
    assert len(problem) < 200


@pytest.mark.parametrize(
    "config",
    [
        Config(),
        Config(
            theme='we"ird\\',
            auto_mark_read=False,
            entity_kinds=("org",),
            keys={"list.down": "j,ctrl+n", "odd id": "x"},
        ),
    ],
)
def test_rendered_settings_read_back_the_same(config: Config) -> None:
    text = render_config(config, ["header line"])
    assert text.startswith("# header line\n")
    assert parse_config(text) == config


def test_the_commented_file_is_valid_toml_setting_nothing() -> None:
    text = render_config(Config(theme="nord"), ["a header"], commented=True)
    assert tomllib.loads(text) == {}
    for name in ("theme", "auto_mark_read", "default_sort", "group_by", "show_read", "keys"):
        assert name in text
    assert all(kind in text for kind in ENTITY_KINDS)


def test_more_problems_found_later_extend_the_count() -> None:
    assert with_more("config f: a", 2) == "config f: a (and 2 more: newsdesk config show)"
    assert with_more("config f: a (and 2 more: newsdesk config show)", 1) == (
        "config f: a (and 3 more: newsdesk config show)"
    )
    assert with_more("config f: a", 0) == "config f: a"


def test_a_setting_added_without_a_reader_of_its_own_is_read_by_its_defaults_kind(
    monkeypatch,
) -> None:
    import dataclasses

    import store.config.settings

    wider = dataclasses.make_dataclass(
        "Wider",
        [("page_size", int, dataclasses.field(default=50)), ("tags", tuple, ())],
        bases=(Config,),
        frozen=True,
    )
    monkeypatch.setattr(store.config.settings, "Config", wider)
    monkeypatch.setattr(
        store.config.settings, "SETTINGS", tuple(f.name for f in dataclasses.fields(wider))
    )
    config, problems = check_config("page_size = 20\ntags = ['a']\n")
    assert (config.page_size, config.tags, problems) == (20, ("a",), [])
    [problem] = problems_of("page_size = 'x'\n")
    assert problem == "line 1: page_size must be a whole number, not 'x'; using 50"
