"""``newsdesk entities`` (table and JSON lines) and ``newsdesk import --entities``, run as the
installed console script."""

from __future__ import annotations

import importlib.util
import json
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

NEWSDESK = Path(sys.executable).parent / "newsdesk"
ENGLISH_PIPELINES = ("en_core_web_md", "en_core_web_sm", "en_core_web_lg", "en_core_web_trf")


@pytest.fixture
def newsdesk(env: dict[str, str], tmp_path: Path):
    def run(*args: object, stdin: str | bytes = b"") -> subprocess.CompletedProcess[bytes]:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        return subprocess.run(
            [str(NEWSDESK), *map(str, args)],
            env=env,
            cwd=tmp_path,
            input=data,
            capture_output=True,
            timeout=120,
        )

    return run


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def output_records(result: subprocess.CompletedProcess[bytes]) -> list[dict]:
    lines = result.stdout.decode("ascii").splitlines()  # the output is ASCII JSON
    return [json.loads(line) for line in lines]


def check_spans(text: str, entities: list[dict]) -> None:
    for entity in entities:
        assert set(entity) == {"start", "end", "kind", "text"}
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert entity["kind"] in {"person", "org", "place", "date", "figure", "misc"}
    starts = [entity["start"] for entity in entities]
    assert starts == sorted(starts)


def figures(entities: list[dict]) -> list[str]:
    return [entity["text"] for entity in entities if entity["kind"] == "figure"]


def test_jsonl_round_trip_in_order_with_unicode(newsdesk) -> None:
    texts = [
        f"{emoji} Zürich, Montréal: 1{i},000 people marched on Monday, Jan. 21. ✨ Naïve café."
        for i, emoji in enumerate(["😀", "🎉🎉", "👩‍👩‍👧", "\U0001d518\U0001d52b", "中文"])
    ]
    texts.insert(2, "")

    result = newsdesk("entities", "--jsonl", stdin=jsonl(*({"text": t} for t in texts)))

    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    records = output_records(result)
    assert len(records) == len(texts)
    for text, record in zip(texts, records, strict=True):
        assert set(record) == {"entities"}
        check_spans(text, record["entities"])
    assert records[2] == {"entities": []}
    numbered = [r for t, r in zip(texts, records, strict=True) if t]
    assert [figures(r["entities"]) for r in numbered] == [[f"1{i},000"] for i in range(5)]


def test_jsonl_offsets_are_python_str_indices_past_astral_characters(newsdesk) -> None:
    text = "😀😀😀 Defense Minister Israel Katz said 40,000 people would leave."

    result = newsdesk("entities", "--jsonl", stdin=jsonl({"text": text, "id": "x"}))

    assert result.returncode == 0, result.stderr
    (record,) = output_records(result)
    check_spans(text, record["entities"])
    assert figures(record["entities"]) == ["40,000"]
    (figure,) = [e for e in record["entities"] if e["kind"] == "figure"]
    assert figure["start"] == text.index("40,000")


def test_jsonl_bad_lines_get_an_error_entry_and_the_rest_go_on(newsdesk) -> None:
    stdin = (
        jsonl({"text": "About 10,000 people."})
        + "not json\n"
        + jsonl({"title": "no text"}, {"text": 42}, ["a list"])
        + "\n"
        + jsonl({"text": "And 20,000 more."})
    )

    result = newsdesk("entities", "--jsonl", stdin=stdin)

    assert result.returncode == 1
    records = output_records(result)
    assert len(records) == 7
    assert figures(records[0]["entities"]) == ["10,000"]
    assert figures(records[6]["entities"]) == ["20,000"]
    for number, record in enumerate(records[1:6], start=2):
        assert record["entities"] == []
        assert record["error"].startswith(f"line {number}: ")
    assert "error" not in records[0] and "error" not in records[6]
    stderr = result.stderr.decode()
    assert stderr.count("\n") == 1 and "5 line(s)" in stderr


def test_jsonl_invalid_utf8_is_an_error_entry(newsdesk) -> None:
    stdin = b'{"text": "caf\xe9"}\n' + jsonl({"text": "Fine 30,000."}).encode()

    result = newsdesk("entities", "--jsonl", stdin=stdin)

    assert result.returncode == 1
    records = output_records(result)
    assert records[0]["entities"] == [] and records[0]["error"].startswith("line 1: ")
    assert figures(records[1]["entities"]) == ["30,000"]


def test_jsonl_line_separators_inside_strings_do_not_split_lines(newsdesk) -> None:
    text = "One\u2028two\u2029three\r\n 50,000."

    result = newsdesk("entities", "--jsonl", stdin=jsonl({"text": text}))

    assert result.returncode == 0, result.stderr
    (record,) = output_records(result)
    check_spans(text, record["entities"])
    assert figures(record["entities"]) == ["50,000"]


def test_jsonl_answers_each_line_as_it_arrives(env: dict[str, str], tmp_path: Path) -> None:
    """Driven as an interactive pipe: one line in, one line out, before the next is sent."""
    process = subprocess.Popen(
        [str(NEWSDESK), "entities", "--jsonl"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        for i in range(3):
            process.stdin.write(jsonl({"text": f"Count: {i + 1},000 votes."}).encode())
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 30)
            assert ready, f"no answer to line {i + 1} while the pipe stayed open"
            record = json.loads(process.stdout.readline())
            assert figures(record["entities"]) == [f"{i + 1},000"]
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_jsonl_handles_thousands_of_lines_quickly(newsdesk) -> None:
    texts = [
        f"Story {i}: Defense Minister Israel Katz told Reuters on Jan. 21 that "
        f"{i + 1:,} people in the West Bank would be moved. 😀"
        for i in range(3000)
    ]

    started = time.monotonic()
    result = newsdesk("entities", "--jsonl", stdin=jsonl(*({"text": t} for t in texts)))
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    records = output_records(result)
    assert len(records) == 3000
    for text, record in zip(texts[::500], records[::500], strict=True):
        check_spans(text, record["entities"])
    assert figures(records[2999]["entities"]) == ["3,000"]
    assert elapsed < 60


def test_table_for_a_file(newsdesk, tmp_path: Path) -> None:
    text = "Defense Minister Israel Katz said 40,000 people \x1b[31mmarched\x1b[0m on Jan. 21.\n"
    path = tmp_path / "story.txt"
    path.write_text(text, encoding="utf-8")

    result = newsdesk("entities", path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert lines[0].split() == ["kind", "text", "start-end"]
    start = text.index("40,000")
    assert ["figure", "40,000", f"{start}-{start + 6}"] in [line.split() for line in lines]
    assert b"\x1b" not in result.stdout


def test_table_for_stdin(newsdesk) -> None:
    text = "😀 Zürich: 12,000 tickets were sold on Monday."
    for args in (("entities",), ("entities", "-"), ("entities", "-", "--db", "unused.json")):
        result = newsdesk(*args, stdin=text)

        assert result.returncode == 0, result.stderr
        rows = [line.split() for line in result.stdout.decode("utf-8").splitlines()]
        start = text.index("12,000")
        assert ["figure", "12,000", f"{start}-{start + 6}"] in rows


def test_table_with_no_entities(newsdesk) -> None:
    result = newsdesk("entities", stdin="nothing to see here.")

    assert result.returncode == 0
    assert result.stdout.decode().strip() == "no entities"


def test_table_control_characters_in_entities_are_cleaned(newsdesk, tmp_path: Path) -> None:
    result = newsdesk("entities", stdin="In 2024 the \x1b]0;pwned\x07 vote drew 40,\x1b[2J000.")

    assert result.returncode == 0
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout


def test_unknown_backend_is_one_line_exit_2(newsdesk) -> None:
    for args in (("entities", "--backend", "nope"), ("entities", "--jsonl", "--backend", "nope")):
        result = newsdesk(*args, stdin=jsonl({"text": "x"}))

        assert result.returncode == 2
        assert result.stdout == b""
        stderr = result.stderr.decode()
        assert stderr.count("\n") == 1 and "nope" in stderr


def test_missing_file_is_one_line_exit_2(newsdesk, tmp_path: Path) -> None:
    result = newsdesk("entities", tmp_path / "missing.txt")

    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().count("\n") == 1


def _english_pipeline_installed() -> bool:
    return any(importlib.util.find_spec(name) is not None for name in ENGLISH_PIPELINES)


no_english_pipeline = pytest.mark.skipif(
    _english_pipeline_installed(), reason="an English spaCy pipeline is installed here"
)


@no_english_pipeline
def test_spacy_backend_without_a_pipeline_is_one_line_exit_2(newsdesk) -> None:
    result = newsdesk("entities", "--backend", "spacy", "--jsonl", stdin=jsonl({"text": "x"}))

    assert result.returncode == 2
    assert result.stdout == b""
    stderr = result.stderr.decode()
    assert stderr.count("\n") == 1
    assert "pip install 'newsdesk[spacy]'" in stderr


@no_english_pipeline
def test_import_with_unavailable_spacy_leaves_the_store_untouched(newsdesk, tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("A headline\nIsrael Katz said 40,000 people.\n", encoding="utf-8")
    db = tmp_path / "store" / "articles.json"

    result = newsdesk("import", story, "--entities", "spacy", "--db", db)

    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1
    assert not db.exists()

    assert newsdesk("import", story, "--db", db).returncode == 0
    before = db.read_bytes()
    result = newsdesk("import", story, "--entities", "spacy", "--db", db)
    assert result.returncode == 2
    assert db.read_bytes() == before


def test_import_entities_option(newsdesk, tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("A headline\nIsrael Katz said 40,000 people.\n", encoding="utf-8")
    db = tmp_path / "articles.json"

    result = newsdesk("import", story, "--entities", "builtin", "--db", db, "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 1
    stored = json.loads(db.read_text(encoding="utf-8"))["articles"]
    (doc,) = stored.values()
    body = doc["body"]
    assert "40,000" in [body[start:end] for start, end, _ in doc["entities"]]

    bad = newsdesk("import", story, "--entities", "nope", "--db", db)
    assert bad.returncode == 2
    assert bad.stderr.decode().count("\n") == 1
