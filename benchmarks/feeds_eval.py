"""Feed import accuracy: newsdesk's readers against feed-rs's expected parses.

    python benchmarks/feeds_eval.py [--data DIR] [--verbose] [--json]

Every file under ``DIR`` (default: ``../shared/data/feeds/fixture`` beside the project) that
is not a ``*.serde.json`` is imported with ``store.ingest.reader.read_file``. Where a
``NAME.serde.json`` sits beside it (feed-rs's serde output), our articles are aligned with its
entries in document order and compared field by field:

* ``title``: equal after normalising both sides (tags stripped when the expected title is
  HTML, entities decoded, whitespace collapsed); an entry without a title is "n/a" when our
  title is the stand-in made from the summary or body.
* ``link``: our url against the expected entry's first ``alternate`` (or rel-less) link;
  "exact" after stripping whitespace, "agree" also when equal as URLs (host case, an empty
  path, percent-encoding) or after resolving a relative expected link against the feed's base.
* ``date``: our ``published`` against the expected ``published`` (else ``updated``), equal to
  the second in UTC; with no expected date, our article must be marked ``published_estimated``.
* ``feed title``: the articles' ``source`` against the feed's title, once per feed.

A reader exception is counted as a crash and never stops the run. ``--verbose`` lists each
disagreement with a guessed cause, plus notes on agreements worth a look; ``--json`` prints
one JSON object with all the figures instead of the table. Exit status: 0, or 2 when the data
folder is missing.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store.article import Article  # noqa: E402
from store.ingest.reader import read_file  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "feeds" / "fixture"
EXPECTED_SUFFIX = ".serde.json"
FIELDS = ("title", "link", "date", "feed title")
TRUNCATE = 100
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_LINK_SYNTAX = re.compile(r"\]\([^)]*\)")
_URL_SAFE = "/%:@!$&'()*+,;=-._~?#[]"


# ---------------------------------------------------------------- tallies and findings


@dataclass
class Tally:
    """Outcomes for one field: ``agree`` includes ``exact``; ``compared`` excludes n/a."""

    agree: int = 0
    exact: int = 0
    disagree: int = 0
    na: int = 0

    @property
    def compared(self) -> int:
        return self.agree + self.disagree

    @property
    def agreement(self) -> float | None:
        return 100.0 * self.agree / self.compared if self.compared else None

    def add(self, other: Tally) -> None:
        self.agree += other.agree
        self.exact += other.exact
        self.disagree += other.disagree
        self.na += other.na

    def figures(self) -> dict[str, Any]:
        rate = self.agreement
        return {
            "compared": self.compared,
            "agree": self.agree,
            "exact": self.exact,
            "disagree": self.disagree,
            "na": self.na,
            "agreement": None if rate is None else round(rate, 2),
        }


@dataclass(frozen=True)
class Finding:
    """A disagreement (or, as a note, an agreement or n/a worth a look)."""

    file: str
    entry: int
    field: str
    ours: str
    expected: str
    cause: str


@dataclass(frozen=True)
class Outcome:
    """The verdict on one field of one entry."""

    verdict: str  # "exact", "agree", "disagree" or "na"
    cause: str = ""
    note: str = ""


@dataclass
class Report:
    tallies: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in FIELDS})
    disagreements: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    feeds_read: int = 0
    feeds_with_expected: int = 0
    no_expected_parse: list[str] = field(default_factory=list)
    count_mismatches: list[dict[str, Any]] = field(default_factory=list)
    entries_expected: int = 0
    entries_imported: int = 0
    entries_compared: int = 0
    rejects: list[dict[str, str]] = field(default_factory=list)
    crashes: list[dict[str, str]] = field(default_factory=list)

    def record(
        self, where: tuple[str, int], name: str, pair: tuple[str, str], got: Outcome
    ) -> None:
        tally = self.tallies[name]
        finding = Finding(where[0], where[1], name, pair[0], pair[1], got.cause or got.note)
        if got.verdict in ("exact", "agree"):
            tally.agree += 1
            tally.exact += got.verdict == "exact"
        elif got.verdict == "na":
            tally.na += 1
        else:
            tally.disagree += 1
            self.disagreements.append(finding)
        if got.note and got.verdict != "disagree":
            self.notes.append(finding)

    def overall(self) -> Tally:
        total = Tally()
        for tally in self.tallies.values():
            total.add(tally)
        return total


# ---------------------------------------------------------------- the expected parse


@dataclass(frozen=True)
class Expected:
    """One entry of feed-rs's parse, reduced to what we compare."""

    title: str | None
    title_is_html: bool
    link: str | None
    published: str | None
    updated: str | None
    base: str | None


def load_expected(path: Path) -> dict[str, Any] | None:
    """The feed-rs parse beside ``path``, or ``None`` when there is none."""
    expected = path.with_name(path.stem + EXPECTED_SUFFIX)
    if not expected.is_file():
        return None
    value = json.loads(expected.read_text(encoding="utf-8"))
    return value if isinstance(value, dict) else None


def expected_entries(feed: Mapping[str, Any]) -> list[Expected]:
    base = feed_base(feed)
    return [_expected_entry(entry, base) for entry in feed.get("entries") or []]


def _expected_entry(entry: Mapping[str, Any], feed_base_url: str | None) -> Expected:
    title = entry.get("title") or {}
    content = title.get("content")
    return Expected(
        title=content if isinstance(content, str) else None,
        title_is_html=title.get("content_type") == "text/html" or bool(_TAG.search(content or "")),
        link=primary_link(entry.get("links") or []),
        published=entry.get("published"),
        updated=entry.get("updated"),
        base=entry.get("base") or feed_base_url,
    )


def primary_link(links: list[Mapping[str, Any]]) -> str | None:
    """The first ``alternate`` or rel-less link's href, else the first link's."""
    for link in links:
        if link.get("rel") in (None, "alternate") and link.get("href"):
            return str(link["href"])
    return str(links[0]["href"]) if links and links[0].get("href") else None


def feed_base(feed: Mapping[str, Any]) -> str | None:
    """An absolute address to resolve relative entry links against, if the feed gives one."""
    links = feed.get("links") or []
    ranked = [link for link in links if link.get("rel") == "self"]
    ranked += [link for link in links if link.get("rel") in (None, "alternate")]
    for candidate in [link.get("href") for link in ranked] + [feed.get("id")]:
        if isinstance(candidate, str) and is_absolute(candidate):
            return candidate
    return None


def feed_title(feed: Mapping[str, Any]) -> tuple[str | None, bool]:
    title = feed.get("title") or {}
    content = title.get("content")
    is_html = title.get("content_type") == "text/html" or bool(_TAG.search(content or ""))
    return (content if isinstance(content, str) else None), is_html


# ---------------------------------------------------------------- normalisation


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_tags(text: str) -> str:
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def normalise_text(text: str, tags: bool) -> str:
    if tags:
        text = strip_tags(text)
    return " ".join(html.unescape(text).split())


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and (parts.netloc or parts.scheme in ("urn", "tag", "mailto")))


def normalise_url(url: str) -> str:
    """A URL in a comparable form: scheme and host lower-cased, empty path as ``/``, escapes."""
    parts = urlsplit(url.strip())
    path = parts.path or ("/" if parts.netloc else "")
    return urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            quote(path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )


def parse_moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_second(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() // 1)


# ---------------------------------------------------------------- comparisons


def compare_title(ours: str, expected: str | None, is_html: bool, fallback: bool = True) -> Outcome:
    """``fallback``: our title was made from the summary or body (there was none to read)."""
    if expected is None:
        if not fallback:
            return Outcome("disagree", cause="reference has no title; ours has one")
        note = "our fallback title keeps link syntax" if _LINK_SYNTAX.search(ours) else ""
        return Outcome("na", note=note)
    if ours == expected:
        return Outcome("exact")
    if normalise_text(ours, is_html) == normalise_text(expected, is_html):
        return Outcome("agree")
    return Outcome("disagree", cause=title_cause(ours, expected))


def is_fallback_title(article: Article) -> bool:
    """Whether ``article.title`` is the stand-in ``article_from_document`` makes."""
    text = _LINK_TARGET.sub(r"\1", article.summary or article.body)
    start = " ".join(text.split())[:400]
    return article.title == "(untitled)" or start.startswith(article.title.rstrip("…").strip())


_LINK_TARGET = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def title_cause(ours: str, expected: str) -> str:
    if _LINK_SYNTAX.search(ours) and not _LINK_SYNTAX.search(expected):
        return "our title has link syntax"
    if html.unescape(expected) != expected or html.unescape(ours) != ours:
        return "HTML entity decoding"
    if _TAG.search(expected) or _TAG.search(ours):
        return "HTML markup in title"
    if normalise_text(ours, False).casefold() == normalise_text(expected, False).casefold():
        return "letter case"
    return "title text differs"


def compare_link(ours: str, expected: Expected) -> Outcome:
    ours = ours.strip()
    if expected.link is None:
        if not ours:
            return Outcome("exact")
        return Outcome("disagree", cause=missing_link_cause(ours))
    wanted = expected.link.strip()
    if ours == wanted:
        return Outcome("exact", note=relative_note(wanted, expected.base))
    if ours and normalise_url(ours) == normalise_url(wanted):
        return Outcome("agree", note="equal as URLs only (case, empty path or escaping)")
    if (
        expected.base
        and ours
        and normalise_url(ours) == normalise_url(urljoin(expected.base, wanted))
    ):
        return Outcome("agree", note="relative expected link equals ours once resolved")
    return Outcome("disagree", cause=link_cause(ours, wanted, expected.base))


def missing_link_cause(ours: str) -> str:
    if urlsplit(ours).scheme in ("http", "https"):
        return "reference has no link; ours is the guid/id, an http(s) URL"
    return "reference has no link; ours is a non-URL id (urn:/tag:) used as link"


def relative_note(link: str, base: str | None) -> str:
    if is_absolute(link):
        return ""
    where = f"resolvable as {urljoin(base, link)}" if base else "no base known"
    return f"relative link, unresolved on both sides ({where})"


def link_cause(ours: str, wanted: str, base: str | None) -> str:
    if not ours:
        return "we have no link"
    if not is_absolute(wanted):
        return "relative link, feed base " + ("differs" if base else "unknown")
    if not is_absolute(ours):
        return "relative link not resolved"
    return "different link chosen"


def compare_date(ours: Article, expected: Expected) -> Outcome:
    wanted_text = expected.published or expected.updated
    wanted = parse_moment(wanted_text)
    estimated = ours.extra.get("published_estimated")
    if wanted is None:
        if estimated:
            return Outcome("exact", note="" if not wanted_text else "reference date unreadable")
        return Outcome("disagree", cause="reference has no date; ours parsed one")
    if estimated:
        return Outcome("disagree", cause=f"ours estimated ({estimated}); reference has a date")
    mine = parse_moment(ours.published)
    if mine is not None and to_second(mine) == to_second(wanted):
        return Outcome("exact")
    return Outcome("disagree", cause=date_cause(mine, wanted, expected))


def date_cause(mine: datetime | None, wanted: datetime, expected: Expected) -> str:
    if mine is None:
        return "our date unreadable"
    other = parse_moment(expected.updated if expected.published else None)
    if other is not None and to_second(other) == to_second(mine):
        return "feedparser picks a different date field"
    gap = abs(to_second(mine) - to_second(wanted))
    if gap % 900 == 0 and gap <= 14 * 3600:
        return "timezone"
    return "different date"


def compare_feed_title(ours: str, feed: Mapping[str, Any]) -> Outcome:
    wanted, is_html = feed_title(feed)
    return compare_title(ours, wanted, is_html) if wanted is not None else Outcome("na")


# ---------------------------------------------------------------- the run


def feed_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if path.is_file() and not hidden and not path.name.endswith(EXPECTED_SUFFIX):
            yield path


def evaluate(folder: Path) -> Report:
    report = Report()
    for path in feed_files(folder):
        evaluate_file(path, path.relative_to(folder).as_posix(), report)
    return report


def evaluate_file(path: Path, name: str, report: Report) -> None:
    """Import one file and, when it has an expected parse, compare; a crash compares as empty."""
    report.feeds_read += 1
    articles = import_file(path, name, report)
    try:
        feed = load_expected(path)
    except (OSError, ValueError) as exc:
        report.no_expected_parse.append(f"{name} (expected parse unreadable: {exc})")
        return
    if feed is None:
        report.no_expected_parse.append(name)
        return
    report.feeds_with_expected += 1
    compare_feed(name, articles, feed, report)


def import_file(path: Path, name: str, report: Report) -> list[Article]:
    """Our articles from ``path``; a reader exception is recorded as a crash, never raised."""
    try:
        result = read_file(path)
    except Exception as exc:
        report.crashes.append({"file": name, "error": f"{type(exc).__name__}: {exc}"})
        return []
    report.entries_imported += len(result.articles)
    report.rejects += [{"file": name, "item": r.item, "reason": r.reason} for r in result.rejects]
    return result.articles


def compare_feed(
    name: str, articles: list[Article], feed: Mapping[str, Any], report: Report
) -> None:
    entries = expected_entries(feed)
    report.entries_expected += len(entries)
    if len(entries) != len(articles):
        report.count_mismatches.append(
            {"file": name, "expected": len(entries), "imported": len(articles)}
        )
    if articles:
        got = compare_feed_title(articles[0].source, feed)
        wanted = feed_title(feed)[0] or ""
        report.record((name, 0), "feed title", (articles[0].source, wanted), got)
    for number, (ours, expected) in enumerate(zip(articles, entries, strict=False), 1):
        report.entries_compared += 1
        compare_entry((name, number), ours, expected, report)


def compare_entry(
    where: tuple[str, int], ours: Article, expected: Expected, report: Report
) -> None:
    fallback = is_fallback_title(ours)
    title = compare_title(ours.title, expected.title, expected.title_is_html, fallback)
    report.record(where, "title", (ours.title, expected.title or ""), title)
    link = compare_link(ours.url, expected)
    report.record(where, "link", (ours.url, expected.link or ""), link)
    wanted_date = expected.published or expected.updated or ""
    mine = ours.published + (" (estimated)" if ours.extra.get("published_estimated") else "")
    report.record(where, "date", (mine, wanted_date), compare_date(ours, expected))


# ---------------------------------------------------------------- output


def clip(text: str, limit: int = TRUNCATE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(report: Report) -> list[str]:
    head = f"{'field':<12}{'compared':>9}{'agree':>7}{'exact':>7}{'disagree':>9}{'n/a':>5}"
    lines = [head + f"{'agreement':>11}", "-" * (len(head) + 11)]
    rows = [*report.tallies.items(), ("overall", report.overall())]
    for name, tally in rows:
        rate = tally.agreement
        shown = "-" if rate is None else f"{rate:.1f}%"
        lines.append(
            f"{name:<12}{tally.compared:>9}{tally.agree:>7}{tally.exact:>7}"
            f"{tally.disagree:>9}{tally.na:>5}{shown:>11}"
        )
    return lines


def counts(report: Report) -> dict[str, int]:
    return {
        "feeds read": report.feeds_read,
        "feeds with expected parse": report.feeds_with_expected,
        "feeds without expected parse": len(report.no_expected_parse),
        "entries expected": report.entries_expected,
        "entries imported (all files)": report.entries_imported,
        "entries compared": report.entries_compared,
        "feeds with count mismatch": len(report.count_mismatches),
        "rejects": len(report.rejects),
        "rejects: whole files": sum(1 for r in report.rejects if not r["item"]),
        "rejects: entries": sum(1 for r in report.rejects if r["item"] not in ("", "feed")),
        "rejects: malformed XML, all kept": sum(1 for r in report.rejects if r["item"] == "feed"),
        "crashes": len(report.crashes),
    }


def summary_lines(report: Report) -> list[str]:
    lines = [f"{label:<34}{value:>6}" for label, value in counts(report).items()]
    lines.append("no expected parse: " + (", ".join(report.no_expected_parse) or "none"))
    lines += [
        f"count mismatch: {m['file']}: expected {m['expected']}, imported {m['imported']}"
        for m in report.count_mismatches
    ]
    lines += [f"crash: {c['file']}: {clip(c['error'])}" for c in report.crashes]
    causes = Counter(f"{d.field}: {d.cause}" for d in report.disagreements)
    lines += [f"disagreements {n:>3} x {cause}" for cause, n in causes.most_common()]
    return lines


def finding_lines(title: str, findings: Iterable[Finding]) -> list[str]:
    lines = [title]
    for item in findings:
        where = f"{item.file}#{item.entry}" if item.entry else item.file
        lines.append(f"  {where} [{item.field}] {item.cause}")
        lines.append(f"      ours:     {clip(item.ours)}")
        lines.append(f"      expected: {clip(item.expected)}")
    return lines


def verbose_lines(report: Report) -> list[str]:
    lines = finding_lines("disagreements:", report.disagreements)
    lines += finding_lines("notes (agreements or n/a worth a look):", report.notes)
    lines.append("rejects:")
    lines += [
        f"  {r['file']}: {r['item'] + ': ' if r['item'] else ''}{clip(r['reason'])}"
        for r in report.rejects
    ]
    return lines


def as_json(report: Report, data: Path) -> dict[str, Any]:
    return {
        "data": str(data),
        "fields": {name: tally.figures() for name, tally in report.tallies.items()},
        "overall": report.overall().figures(),
        "counts": counts(report),
        "no_expected_parse": report.no_expected_parse,
        "count_mismatches": report.count_mismatches,
        "rejects": report.rejects,
        "crashes": report.crashes,
        "disagreements": [asdict(item) for item in report.disagreements],
        "notes": [asdict(item) for item in report.notes],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Feed import accuracy against feed-rs's parses.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="fixture folder")
    parser.add_argument("--verbose", action="store_true", help="list every disagreement")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(
            f"feeds_eval: no fixture folder at {args.data} (give one with --data)", file=sys.stderr
        )
        return 2
    report = evaluate(args.data)
    if args.json:
        print(json.dumps(as_json(report, args.data), ensure_ascii=False, indent=2))
        return 0
    lines = [*table(report), "", *summary_lines(report)]
    if args.verbose:
        lines += ["", *verbose_lines(report)]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
