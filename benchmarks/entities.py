"""Score an entity backend on a CoNLL-2003 style file (see ../shared/data/README.md).

    python benchmarks/entities.py [--data FILE] [--backend builtin|spacy]
                                  [--split tune|holdout|all] [--json] [--errors N]

Text is each sentence's tokens joined by single spaces; gold entities are character spans
(PER->person, ORG->org, LOC->place, MISC->misc). Predicted dates and figures are not scored.
Each document is given to the backend as one text (its sentences joined by newlines, as an
article body would be) and predictions are mapped back to sentences; a prediction that
crosses a sentence boundary counts as a false positive of the sentence it starts in.

Documents are split deterministically: every 4th document (index % 4 == 3) is the held-out
part, never looked at while tuning; ``--errors`` only ever prints errors of the tune part.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.article import Entity

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/conll2003-dev.txt"
KINDS = {"PER": "person", "ORG": "org", "LOC": "place", "MISC": "misc"}
SCORED = frozenset(KINDS.values())
HOLDOUT_EVERY = 4
Span = tuple[int, int, str]


@dataclass
class Sentence:
    tokens: list[str]
    gold: set[Span] = field(default_factory=set)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def is_prose(self) -> bool:
        """10+ tokens, at least 40% of the words (tokens with a letter) start lowercase."""
        if len(self.tokens) < 10:
            return False
        words = [token for token in self.tokens if any(c.isalpha() for c in token)]
        lower = sum(1 for word in words if word[0].islower())
        return bool(words) and lower >= 0.4 * len(words)


def read_conll(path: Path) -> list[list[Sentence]]:
    """Documents, each a list of sentences with gold spans."""
    documents: list[list[Sentence]] = []
    rows: list[tuple[str, str]] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            documents.append([])
        elif parts:
            rows.append((parts[0], parts[-1]))
        elif rows:
            if not documents:
                documents.append([])
            documents[-1].append(_sentence(rows))
            rows = []
    return [document for document in documents if document]


def _sentence(rows: list[tuple[str, str]]) -> Sentence:
    sentence = Sentence([token for token, _ in rows])
    offset, start, kind = 0, -1, ""
    for index, (token, tag) in enumerate(rows):
        if start >= 0 and not tag.startswith("I-"):
            sentence.gold.add((start, offset - 1, kind))
            start = -1
        if tag.startswith("B-") or (tag.startswith("I-") and start < 0):
            start, kind = offset, KINDS[tag[2:]]
        offset += len(token) + 1
        if index == len(rows) - 1 and start >= 0:
            sentence.gold.add((start, offset - 1, kind))
    return sentence


def split_documents(documents: list[list[Sentence]], split: str) -> list[list[Sentence]]:
    if split == "all":
        return documents
    holdout = split == "holdout"
    return [
        document
        for index, document in enumerate(documents)
        if (index % HOLDOUT_EVERY == HOLDOUT_EVERY - 1) == holdout
    ]


def load_backend(name: str) -> Callable[[str], list[Entity]]:
    try:
        from store.entities import get_backend
    except ImportError:
        if name != "builtin":
            raise SystemExit(f"backend {name!r} needs store.entities.backends") from None
        from store.entities import extract_entities

        return extract_entities
    return get_backend(name)


def predict(
    extract: Callable[[str], list[Entity]], documents: list[list[Sentence]]
) -> tuple[list[set[Span]], float, int]:
    """Predicted spans per sentence (in document order), extraction seconds, text bytes."""
    predicted: list[set[Span]] = []
    seconds, size = 0.0, 0
    for document in documents:
        texts = [sentence.text for sentence in document]
        body = "\n".join(texts)
        size += len(body.encode("utf-8"))
        started = time.perf_counter()
        entities = extract(body)
        seconds += time.perf_counter() - started
        predicted.extend(_per_sentence(texts, entities))
    return predicted, seconds, size


def _per_sentence(texts: list[str], entities: list[Entity]) -> list[set[Span]]:
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    spans: list[set[Span]] = [set() for _ in texts]
    index = 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.kind not in SCORED:
            continue
        while index + 1 < len(starts) and starts[index + 1] <= entity.start:
            index += 1
        base = starts[index]
        spans[index].add((entity.start - base, entity.end - base, entity.kind))
    return spans


@dataclass
class Tally:
    true: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)

    def add(self, gold: set[Span], predicted: set[Span]) -> None:
        for label, spans in (("gold", gold), ("predicted", predicted)):
            counter = self.gold if label == "gold" else self.predicted
            counter.update(kind for _, _, kind in spans)
            counter["typed"] += len(spans)
            counter["untyped"] += len({(s, e) for s, e, _ in spans})
        true = gold & predicted
        self.true.update(kind for _, _, kind in true)
        self.true["typed"] += len(true)
        self.true["untyped"] += len(
            {(s, e) for s, e, _ in gold} & {(s, e) for s, e, _ in predicted}
        )

    def scores(self, key: str) -> dict[str, float]:
        tp, g, p = self.true[key], self.gold[key], self.predicted[key]
        precision = tp / p if p else 0.0
        recall = tp / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"p": round(precision, 4), "r": round(recall, 4), "f1": round(f1, 4)}


def score(
    sentences: Sequence[Sentence], predicted: Sequence[set[Span]]
) -> dict[str, dict[str, float]]:
    tally = Tally()
    for sentence, spans in zip(sentences, predicted, strict=True):
        tally.add(sentence.gold, spans)
    keys = ["typed", "untyped", *sorted(SCORED)]
    return {key: tally.scores(key) for key in keys}


def errors(
    sentences: Sequence[Sentence], predicted: Sequence[set[Span]], limit: int
) -> Iterable[str]:
    shown = 0
    for sentence, spans in zip(sentences, predicted, strict=True):
        text = sentence.text
        for label, wrong in (("FP", spans - sentence.gold), ("FN", sentence.gold - spans)):
            for start, end, kind in sorted(wrong):
                if shown >= limit:
                    return
                shown += 1
                yield f"{label} {kind:<6} {text[start:end]!r:<32} | {text}"


def run(args: argparse.Namespace) -> dict[str, object]:
    documents = split_documents(read_conll(args.data), args.split)
    extract = load_backend(args.backend)
    extract("Warm-up: Mr. John Smith visited Paris.")
    predicted, seconds, size = predict(extract, documents)
    sentences = [sentence for document in documents for sentence in document]
    prose = [i for i, sentence in enumerate(sentences) if sentence.is_prose]
    return {
        "backend": args.backend,
        "split": args.split,
        "documents": len(documents),
        "sentences": len(sentences),
        "prose_sentences": len(prose),
        "mb_per_s": round(size / 1e6 / seconds, 3) if seconds else 0.0,
        "all": score(sentences, predicted),
        "prose": score([sentences[i] for i in prose], [predicted[i] for i in prose]),
        "_sentences": sentences,
        "_predicted": predicted,
    }


def print_table(result: dict[str, object]) -> None:
    head = {k: v for k, v in result.items() if k not in ("all", "prose") and k[0] != "_"}
    print(" ".join(f"{key}={value}" for key, value in head.items()))
    print(f"{'':<7}{'':<8} {'P':>6} {'R':>6} {'F1':>6}")
    for part in ("all", "prose"):
        table = result[part]
        assert isinstance(table, dict)
        for key, values in table.items():
            print(f"{part:<7}{key:<8} {values['p']:>6.3f} {values['r']:>6.3f} {values['f1']:>6.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--backend", default="builtin")
    parser.add_argument("--split", choices=("tune", "holdout", "all"), default="tune")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"entities benchmark: no data file at {args.data}", file=sys.stderr)
        return 2
    try:
        result = run(args)
    except Exception as error:  # an unavailable backend: one line, not a traceback
        if type(error).__name__ != "BackendUnavailable":
            raise
        print(f"entities benchmark: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k[0] != "_"}))
    else:
        print_table(result)
    if args.errors and args.split == "tune":
        sentences, predicted = result["_sentences"], result["_predicted"]
        assert isinstance(sentences, list) and isinstance(predicted, list)
        prose = [i for i, sentence in enumerate(sentences) if sentence.is_prose]
        for line in errors(
            [sentences[i] for i in prose], [predicted[i] for i in prose], args.errors
        ):
            print(line)
    elif args.errors:
        print("--errors is only shown for --split tune", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
