"""``[pipe_commands]``: argv lists and tables read, each unusable entry one line and left out."""

from __future__ import annotations

import pytest

from store.config import PipeCommand, check_config, parse_config, render_config
from store.config.settings import Config

GOOD = """\
theme = "nord"

[pipe_commands]
pager = ["less", "-R"]
mail = ["mutt", "-s", "news"]
summary = { argv = ["llm", "summarise"], input = "json" }
plain = { argv = ["wc", "-w"] }
shout = { argv = ["jq", "."], input = " JSON " }

[pipe_commands.long]
argv = ["tee", "/tmp/out"]
input = "text"
"""


def test_argv_lists_and_tables_are_read_in_the_files_order() -> None:
    config = parse_config(GOOD)
    assert config.theme == "nord"
    assert dict(config.pipe_commands) == {
        "pager": PipeCommand(("less", "-R")),
        "mail": PipeCommand(("mutt", "-s", "news")),
        "summary": PipeCommand(("llm", "summarise"), "json"),
        "plain": PipeCommand(("wc", "-w")),
        "shout": PipeCommand(("jq", "."), "json"),
        "long": PipeCommand(("tee", "/tmp/out")),
    }


def test_none_by_default_and_an_empty_table_is_none() -> None:
    assert Config().pipe_commands == {}
    assert parse_config("[pipe_commands]\n").pipe_commands == {}


def test_arguments_are_kept_as_written_never_split() -> None:
    config = parse_config('[pipe_commands]\nx = ["a b", "$(c)", "", "; d"]\n')
    assert config.pipe_commands["x"].argv == ("a b", "$(c)", "", "; d")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("bad = 3", "pipe_commands.bad: must be a command as a list of strings"),
        ('bad = "less -R"', "not 'less -R'"),
        ("bad = []", "pipe_commands.bad: argv needs the command to run first"),
        ('bad = ["", "-R"]', "argv needs the command to run first"),
        ('bad = ["less", 2]', "pipe_commands.bad: argv must be a list of strings, not ['less', 2]"),
        ('bad = ["le\\u0000ss"]', "argv cannot hold a NUL character"),
        ('bad = { argv = "less" }', "argv must be a list of strings, not 'less'"),
        ('bad = { input = "json" }', 'a table needs argv = ["command", "argument", ...]'),
        ('bad = { argv = ["jq"], input = "xml" }', 'input must be "text" or "json", not \'xml\''),
        ('bad = { argv = ["jq"], input = "jsn" }', "(did you mean 'json'?)"),
        ('bad = { argv = ["jq"], input = 1 }', "not 1"),
        ('bad = { argv = ["jq"], inptu = "json" }', "unknown key 'inptu' (did you mean 'input'?)"),
        ('"" = ["less"]', "pipe_commands: a command needs a name"),
    ],
)
def test_each_bad_entry_is_one_line_naming_it_and_the_others_apply(
    entry: str, expected: str
) -> None:
    text = f'[pipe_commands]\npager = ["less"]\n{entry}\nmail = ["mutt"]\n'
    config, [problem] = check_config(text)
    assert expected in problem.text
    assert problem.text.endswith("; that command is left out")
    assert problem.line == 3
    assert "\n" not in problem.where()
    assert dict(config.pipe_commands) == {
        "pager": PipeCommand(("less",)),
        "mail": PipeCommand(("mutt",)),
    }


def test_a_bad_table_entry_names_its_header_line() -> None:
    text = '[pipe_commands]\npager = ["less"]\n\n[pipe_commands.summary]\nargv = []\n'
    config, [problem] = check_config(text)
    assert problem.where() == (
        "line 4: pipe_commands.summary: argv needs the command to run first; "
        "that command is left out"
    )
    assert list(config.pipe_commands) == ["pager"]


def test_pipe_commands_that_are_not_a_table_are_none_and_the_rest_applies() -> None:
    config, [problem] = check_config('theme = "nord"\npipe_commands = ["less"]\n')
    assert problem.where().startswith("line 2: pipe_commands must be a table of name = command")
    assert problem.text.endswith("not ['less']; no commands")
    assert (config.theme, config.pipe_commands) == ("nord", {})


def test_a_name_is_shown_and_kept_cleaned_of_control_characters() -> None:
    config, problems = check_config('[pipe_commands]\n"pa\\u001b[31mger" = ["less"]\n')
    assert (list(config.pipe_commands), problems) == (["pager"], [])
    [problem] = check_config('[pipe_commands]\n"b\\u001b]0;x\\u0007ad" = 3\n')[1]
    assert "\x1b" not in problem.text and "pipe_commands.bad:" in problem.text


def test_rendered_commands_read_back_the_same() -> None:
    commands = {
        "pager": PipeCommand(("less", "-R")),
        "odd name": PipeCommand(('we"ird', "a\\b"), "json"),
    }
    config, problems = check_config(render_config(Config(pipe_commands=commands)))
    assert dict(config.pipe_commands) == commands
    assert not [p for p in problems if "pipe_commands" in p.text]


def test_the_commented_file_shows_examples_and_sets_none() -> None:
    text = render_config(Config(), commented=True)
    assert '# [pipe_commands]\n# pager = ["less", "-R"]\n' in text
    assert 'input = "json"' in text
    assert check_config(text)[0].pipe_commands == {}
