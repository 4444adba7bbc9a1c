"""Entity backends by name, and the spaCy adapter on a blank pipeline with an entity ruler.

No trained pipeline is needed (none is downloaded): ``spacy.blank("en")`` plus an
``entity_ruler`` gives known spans with spaCy's labels, which is what the adapter maps.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from store.article import ENTITY_KINDS, Article, Entity
from store.entities import BACKENDS, BackendUnavailable, extract_entities, get_backend
from store.entities import backends as entity_backends
from store.entities import spacy_model as spacy_backend
from store.entities.spacy_model import KINDS, SpacyExtractor, load_pipeline
from store.errors import StoreError

try:
    import spacy
except ImportError:  # spaCy is in the test extra; without it only its tests are skipped
    spacy = None

needs_spacy = pytest.mark.skipif(spacy is None, reason="spaCy is not installed")

TEXT = (
    "Defense Minister Israel Katz said on Jan. 21 that the Palestinian Authority would "
    "lose control of 40,000 people in the West Bank, an Israeli official told Reuters's "
    "reporter. Reuters\u2019s own count differed."
)
PATTERNS = [
    {"label": "PERSON", "pattern": "Israel Katz"},
    {"label": "GPE", "pattern": "West Bank"},
    {"label": "ORG", "pattern": "the Palestinian Authority"},
    {"label": "NORP", "pattern": "Israeli"},
    {"label": "DATE", "pattern": "Jan. 21"},
    {"label": "CARDINAL", "pattern": "40,000"},
    {"label": "ORG", "pattern": [{"LOWER": "reuters"}, {"LOWER": {"IN": ["'s", "\u2019s"]}}]},
]


@pytest.fixture(autouse=True)
def _fresh_backends() -> Iterator[None]:
    """No spaCy pipeline cached across tests."""
    entity_backends.clear_cache()
    yield
    entity_backends.clear_cache()


def ruler_pipeline(patterns: list[dict[str, Any]]) -> Any:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    return nlp


@pytest.fixture
def extractor() -> SpacyExtractor:
    return SpacyExtractor(ruler_pipeline(PATTERNS))


@needs_spacy
def test_adapter_maps_kinds_and_applies_span_conventions(extractor: SpacyExtractor) -> None:
    found = extractor(TEXT)

    assert [(e.kind, e.text) for e in found] == [
        ("person", "Israel Katz"),
        ("date", "Jan. 21"),
        ("org", "Palestinian Authority"),
        ("figure", "40,000"),
        ("place", "West Bank"),
        ("misc", "Israeli"),
        ("org", "Reuters"),
        ("org", "Reuters"),
    ]
    for entity in found:
        assert TEXT[entity.start : entity.end] == entity.text
        assert entity.kind in ENTITY_KINDS
    assert [e.start for e in found] == sorted(e.start for e in found)
    assert all(a.end <= b.start for a, b in pairwise(found))


@needs_spacy
def test_adapter_offsets_are_str_indices_after_astral_characters(
    extractor: SpacyExtractor,
) -> None:
    text = "😀🎉 Zürich — Israel Katz met 40,000 people 😀 in the West Bank."

    found = extractor(text)

    assert [(e.kind, e.text) for e in found] == [
        ("person", "Israel Katz"),
        ("figure", "40,000"),
        ("place", "West Bank"),
    ]
    assert all(text[e.start : e.end] == e.text for e in found)


def test_every_label_maps_to_a_known_kind() -> None:
    assert set(KINDS.values()) <= set(ENTITY_KINDS)
    expected = {
        "PERSON": "person",
        "ORG": "org",
        "GPE": "place",
        "LOC": "place",
        "FAC": "place",
        "NORP": "misc",
        "EVENT": "misc",
        "WORK_OF_ART": "misc",
        "LAW": "misc",
        "LANGUAGE": "misc",
        "PRODUCT": "misc",
        "DATE": "date",
        "TIME": "date",
        "MONEY": "figure",
        "PERCENT": "figure",
        "QUANTITY": "figure",
        "CARDINAL": "figure",
        "ORDINAL": "figure",
        "PER": "person",
        "MISC": "misc",
    }
    assert {label: KINDS[label] for label in expected} == expected


@needs_spacy
def test_conll_labels_and_unknown_labels() -> None:
    extract = SpacyExtractor(
        ruler_pipeline(
            [
                {"label": "PER", "pattern": "Ada Lovelace"},
                {"label": "LOC", "pattern": "London"},
                {"label": "MISC", "pattern": "Victorian"},
                {"label": "SHOE_SIZE", "pattern": "nine"},
            ]
        )
    )

    found = extract("Ada Lovelace, a Victorian, wore size nine in London.")

    assert [(e.kind, e.text) for e in found] == [
        ("person", "Ada Lovelace"),
        ("misc", "Victorian"),
        ("place", "London"),
    ]


@needs_spacy
def test_spans_that_trim_to_nothing_are_dropped() -> None:
    extract = SpacyExtractor(ruler_pipeline([{"label": "ORG", "pattern": "'s"}]))

    assert extract("It's Reuters's.") == []


@needs_spacy
def test_empty_text(extractor: SpacyExtractor) -> None:
    assert extractor("") == []


@needs_spacy
def test_text_longer_than_the_pipeline_limit_is_read_in_pieces() -> None:
    nlp = ruler_pipeline([{"label": "PERSON", "pattern": "Israel Katz"}])
    nlp.max_length = 40
    paragraph = "Israel Katz spoke.\n"
    text = paragraph * 10

    found = SpacyExtractor(nlp)(text)

    assert [e.start for e in found] == [i * len(paragraph) for i in range(10)]
    assert all(text[e.start : e.end] == "Israel Katz" for e in found)


def test_builtin_backend_is_the_rule_based_extractor() -> None:
    extract = get_backend("builtin")

    assert extract is extract_entities
    assert all(isinstance(e, Entity) for e in extract(TEXT))
    assert BACKENDS == ("builtin", "spacy")


def test_unknown_backend_is_one_clear_line() -> None:
    with pytest.raises(BackendUnavailable) as caught:
        get_backend("nope")

    message = str(caught.value)
    assert "\n" not in message
    assert "'nope'" in message and "builtin" in message and "spacy" in message
    assert isinstance(caught.value, StoreError)


def _no_pipeline(name: str, **kwargs: object) -> Any:
    raise OSError(f"[E050] Can't find model '{name}'.")


@needs_spacy
def test_spacy_backend_without_an_english_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []

    def load(name: str, **kwargs: object) -> Any:
        tried.append(name)
        return _no_pipeline(name)

    monkeypatch.setattr(spacy, "load", load)

    with pytest.raises(BackendUnavailable) as caught:
        get_backend("spacy")

    message = str(caught.value)
    assert "\n" not in message
    assert "pip install 'newsdesk[spacy]'" in message
    assert "python -m spacy download en_core_web_sm" in message
    assert tried == list(spacy_backend.PIPELINES)


def test_spacy_backend_without_spacy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # "import spacy" raises ImportError

    with pytest.raises(BackendUnavailable, match=r"pip install 'newsdesk\[spacy\]'"):
        get_backend("spacy")


@needs_spacy
def test_load_pipeline_takes_the_first_installed_and_skips_broken_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blank = spacy.blank("en")
    calls: list[tuple[str, dict[str, object]]] = []

    def load(name: str, **kwargs: object) -> Any:
        calls.append((name, kwargs))
        if name == "en_core_web_md":
            return _no_pipeline(name)
        if name == "en_core_web_sm":
            raise ValueError("built for another spaCy version")
        return blank

    monkeypatch.setattr(spacy, "load", load)

    assert load_pipeline() is blank
    assert [name for name, _ in calls] == ["en_core_web_md", "en_core_web_sm", "en_core_web_lg"]
    assert "ner" not in calls[-1][1]["disable"]  # type: ignore[operator]


@needs_spacy
def test_spacy_pipeline_is_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []

    def load(name: str, **kwargs: object) -> Any:
        loads.append(name)
        return ruler_pipeline([{"label": "PERSON", "pattern": "Israel Katz"}])

    monkeypatch.setattr(spacy, "load", load)

    first = get_backend("spacy")
    second = get_backend("spacy")

    assert first is second
    assert loads == ["en_core_web_md"]
    assert [e.text for e in second("Israel Katz said.")] == ["Israel Katz"]


@needs_spacy
def test_a_failed_load_is_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spacy, "load", _no_pipeline)
    with pytest.raises(BackendUnavailable):
        get_backend("spacy")

    monkeypatch.setattr(spacy, "load", lambda name, **kwargs: spacy.blank("en"))

    assert get_backend("spacy")("Nothing here.") == []


@needs_spacy
def test_import_uses_the_named_backend(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``import_into(..., entities="spacy")`` stores the spaCy backend's spans."""
    from store.ingest.importer import import_into
    from store.ingest.result import ReadResult
    from store.storage.library import open_store

    monkeypatch.setattr(spacy, "load", lambda name, **kwargs: ruler_pipeline(PATTERNS))
    article = Article(id="a-1", title="Katz", body=TEXT)
    path = tmp_path / "articles.json"

    summary = import_into(path, ReadResult(articles=[article]), entities="spacy")

    assert summary.added == 1
    stored = open_store(path).articles[0]
    assert stored.entities is not None
    assert ("org", "Palestinian Authority") in [(e.kind, e.text) for e in stored.entities]


def test_import_with_an_unavailable_backend_leaves_no_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from store.ingest.importer import import_into
    from store.ingest.result import ReadResult

    monkeypatch.setitem(sys.modules, "spacy", None)  # "import spacy" raises ImportError
    path = tmp_path / "articles.json"

    with pytest.raises(BackendUnavailable):
        import_into(
            path, ReadResult(articles=[Article(id="a", title="t", body="b")]), entities="spacy"
        )

    assert not path.exists()


def test_parallel_extraction_passes_the_backend_name_to_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Worker processes build the named extractor themselves; the result matches serial."""
    from store.ingest import extraction

    def entity_documents(articles: list[Article], backend: str) -> list[object]:
        with extraction.Extraction(backend) as running:
            found = running.submit([(a.to_document(), a) for a in articles])
            return [one for number in range(found.chunks) for one in found.chunk(number)]

    articles = [Article(id=str(i), title="t", body=f"{TEXT} {i + 1},000 more.") for i in range(8)]
    serial = entity_documents(articles, backend="builtin")
    monkeypatch.setattr(extraction, "PARALLEL_FROM", 2)
    monkeypatch.setattr(extraction, "CHUNK", 3)

    assert entity_documents(articles, backend="builtin") == serial
    with pytest.raises(BackendUnavailable):
        entity_documents(articles, backend="nope")
