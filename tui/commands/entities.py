"""``newsdesk entities``: the entities of a text as a table, or of many texts as JSON lines.

The JSON lines mode is a stable interface for scripts and evaluations: one object in, one
object out, in order, flushed line by line, with the extractor loaded once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from store import StoreError, clean_line
from store.entities import BACKENDS, DEFAULT_BACKEND
from tui.commands.output import EXIT_OK, EXIT_PARTIAL, fail

if TYPE_CHECKING:
    from store import Entity, Extractor
    from tui.commands.output import SubParsers

_EPILOG = """\
--jsonl reads one JSON object per line, {"text": "..."}, and writes one line per input line,
in the same order, flushed as it goes:

  {"entities": [{"start": 0, "end": 11, "kind": "person", "text": "Israel Katz"}, ...]}

start and end are character offsets (Python string indices) into that text, so
text[start:end] is the entity's text; kind is one of person, org, place, date, figure, misc.
A line that is not JSON, not an object or has no string "text" gets
{"entities": [], "error": "line N: ..."} and the rest go on. Output is ASCII JSON.

exit status: 0 done; 1 some --jsonl lines had errors; 2 unusable input or backend (one line
on stderr, nothing on stdout)."""


class _BadLine(ValueError):
    """A JSON lines input line that holds no text to read."""


def add_parser(commands: SubParsers, parent: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "entities",
        parents=[parent],
        help="print the entities of a text (or of JSON lines of texts)",
        description="Extract people, organisations, places, dates and figures from text in\n"
        "FILE or on standard input, and print them as a table (kind, text, start-end).\n"
        "--db is accepted, and unused: the store is not read.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE|-",
        help="text file to read (default, or -: standard input)",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=DEFAULT_BACKEND,
        help="extractor: builtin rules (default) or spacy (needs pip install 'newsdesk[spacy]' "
        "and an English pipeline)",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read JSON lines {"text": ...} and write one {"entities": [...]} line for each',
    )
    parser.set_defaults(run=run_entities)


def run_entities(args: argparse.Namespace) -> int:
    # Imported here so that opening the app does not load an extractor.
    from store.entities import get_backend

    try:
        extract = get_backend(args.backend)
    except StoreError as exc:
        return fail(str(exc))
    try:
        stream = _open(args.file)
    except OSError as exc:
        return fail(f"{args.file}: {exc.strerror or exc}")
    try:
        with stream as lines:
            if args.jsonl:
                # readline, not iteration: each line is answered as soon as it arrives.
                return _run_jsonl(extract, iter(lines.readline, b""), sys.stdout)
            text = lines.read().decode("utf-8", errors="replace")
        _print_table(extract(text))
    except BrokenPipeError:
        return _lost_stdout()
    return EXIT_OK


def _open(name: str) -> AbstractContextManager[IO[bytes]]:
    if name == "-":
        if sys.stdin is None:
            raise OSError(0, "no standard input")
        if sys.stdin.isatty():
            print("newsdesk: reading standard input (end with Ctrl-D)", file=sys.stderr)
        return nullcontext(sys.stdin.buffer)
    return Path(name).open("rb")


def _run_jsonl(extract: Extractor, lines: Iterable[bytes], out: IO[str]) -> int:
    """One output line per input line; an unusable line gets an error entry, not a stop."""
    errors = 0
    first_error = ""
    for number, raw in enumerate(lines, 1):
        record: dict[str, Any]
        try:
            entities = extract(_text_of(raw))
            record = {"entities": [entity.to_dict() for entity in entities]}
        except _BadLine as exc:
            record = {"entities": [], "error": f"line {number}: {exc}"}
        except Exception as exc:  # an extractor bug must not end the stream
            record = {"entities": [], "error": f"line {number}: extraction failed: {exc!r}"}
        if "error" in record:
            errors += 1
            first_error = first_error or record["error"]
        out.write(json.dumps(record, ensure_ascii=True) + "\n")
        out.flush()
    if errors:
        print(f"newsdesk: {errors} line(s) had errors; first: {first_error}", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


def _text_of(raw: bytes) -> str:
    if not raw.strip():
        raise _BadLine("empty line, expected a JSON object with a text field")
    try:
        value = json.loads(raw)
    except ValueError as exc:  # also not UTF-8 (UnicodeDecodeError)
        raise _BadLine(f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise _BadLine(f"expected a JSON object, got {type(value).__name__}")
    text = value.get("text")
    if not isinstance(text, str):
        raise _BadLine('no string "text" field')
    return text


def _print_table(entities: list[Entity]) -> None:
    """Plain text: the entity text is cleaned of control characters, never read as markup."""
    if not entities:
        print("no entities")
        return
    rows = [
        (entity.kind, clean_line(entity.text), f"{entity.start}-{entity.end}")
        for entity in entities
    ]
    header = ("kind", "text", "start-end")
    kind_width = max(_cells(row[0]) for row in [header, *rows])
    text_width = max(_cells(row[1]) for row in [header, *rows])
    for kind, text, span in [header, *rows]:
        print(f"{_pad(kind, kind_width)}  {_pad(text, text_width)}  {span}")


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _cells(text))


def _lost_stdout() -> int:
    """The reader went away: stop quietly (and keep Python from complaining at exit)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_PARTIAL
