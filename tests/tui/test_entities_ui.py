"""Entities in the app: facets (e), entity filters, mention jumps (w/b, n/N), a, and h."""

from __future__ import annotations

import pytest
from textual.widgets import Static
from tui_support import (
    article_view,
    body_content,
    body_text,
    count_text,
    search_input,
    shown_ids,
    wait_until,
)

from store.article import Article, Entity
from tui.widgets.entity_facets import EntityFacets

KATZ_BODY = (
    "Defense Minister Israel Katz said on Sunday that Katz would visit Jenin. "
    "Later Katz spoke in Ramallah about the West Bank."
)

JENIN_BODY = "The military said the raid in Jenin would continue, according to Reuters."


def _spans(body: str, *named: tuple[str, str]) -> tuple[Entity, ...]:
    """Stored entities for every occurrence of each (kind, text), so tests do not depend on
    the extractor's judgement."""
    found = []
    for kind, text in named:
        start = body.find(text)
        while start != -1:
            found.append(Entity(start, start + len(text), kind, text))
            start = body.find(text, start + len(text))
    inner = [e for e in found if not any(o != e and o.start <= e.start < o.end for o in found)]
    return tuple(sorted(inner, key=lambda entity: entity.start))


ARTICLES = (
    Article(
        id="katz",
        title="Minister visits the north",
        body=KATZ_BODY,
        source="Wire",
        published="2025-02-23T10:00:00+00:00",
        entities=_spans(
            KATZ_BODY,
            ("person", "Israel Katz"),
            ("person", "Katz"),
            ("date", "Sunday"),
            ("place", "Jenin"),
            ("place", "Ramallah"),
            ("place", "West Bank"),
        ),
    ),
    Article(
        id="jenin",
        title="Raid widens",
        body=JENIN_BODY,
        source="Wire",
        published="2025-02-22T10:00:00+00:00",
        entities=_spans(JENIN_BODY, ("place", "Jenin"), ("org", "Reuters")),
    ),
    Article(
        id="other",
        title="Markets calm",
        body="Shares rose 2% in London on Monday as traders waited for the Bank of England.",
        source="Desk",
        published="2025-02-21T10:00:00+00:00",
    ),
)


async def test_facets_list_entities_by_kind_with_article_counts(make_app) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        facets = app.screen.query_one(EntityFacets)
        await wait_until(pilot, lambda: facets.option_count > 1)
        prompts = [str(facets.get_option_at_index(i).prompt) for i in range(facets.option_count)]
        jenin = next(p for p in prompts if p.endswith("Jenin"))
        assert jenin.split()[0] == "2"  # two articles mention Jenin
        assert any(p.endswith("Israel Katz") for p in prompts)
        assert not any(p.endswith("  Katz") for p in prompts)  # one person, not two
        assert facets.has_focus


async def test_choosing_a_facet_filters_by_that_entity(make_app) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        facets = app.screen.query_one(EntityFacets)
        await wait_until(pilot, lambda: facets.option_count > 1)
        index = next(
            i
            for i in range(facets.option_count)
            if str(facets.get_option_at_index(i).prompt).endswith("Jenin")
        )
        facets.highlighted = index
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(shown_ids(app)) == 2)
        assert search_input(app).value.strip() == 'place:"Jenin"'
        assert sorted(shown_ids(app)) == ["jenin", "katz"]
        assert count_text(app) == "2 of 3"


PUNCTUATED_BODY = "The U.S. fined AT&T on Friday, Sean O'Brien of Jean-Luc Partners said."
PUNCTUATED = (
    *ARTICLES,
    Article(
        id="fine",
        title="A fine",
        body=PUNCTUATED_BODY,
        published="2025-02-20T10:00:00+00:00",
        entities=_spans(
            PUNCTUATED_BODY,
            ("place", "U.S."),
            ("org", "AT&T"),
            ("person", "Sean O'Brien"),
            ("org", "Jean-Luc Partners"),
        ),
    ),
)


@pytest.mark.parametrize("name", ["U.S.", "AT&T", "Sean O'Brien", "Jean-Luc Partners"])
async def test_choosing_a_facet_with_punctuation_in_its_name_finds_its_articles(
    make_app, name: str
) -> None:
    """The term put in the box keeps the name's punctuation, as the index files it."""
    app = make_app(PUNCTUATED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        facets = app.screen.query_one(EntityFacets)
        await wait_until(pilot, lambda: facets.option_count > 1)
        prompts = [str(facets.get_option_at_index(i).prompt) for i in range(facets.option_count)]
        facets.highlighted = next(i for i, p in enumerate(prompts) if p.endswith(name))
        await pilot.press("enter")
        await wait_until(pilot, lambda: name in search_input(app).value)
        await pilot.pause()
        assert shown_ids(app) == ["fine"]


async def test_typed_entity_terms_filter_and_narrow_as_you_type(make_app) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"person:katz")
        await pilot.pause()
        assert shown_ids(app) == ["katz"]
        await pilot.press("ctrl+u", *'org:"Reut')
        await pilot.pause()
        assert shown_ids(app) == ["jenin"]
        await pilot.press("ctrl+u", *"place:zzz ")
        await pilot.pause()
        assert shown_ids(app) == []


async def test_n_jumps_between_mentions_of_the_selected_entity(make_app) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        view = article_view(app)
        await pilot.press("w")  # Israel Katz (the title word before it is not an entity)
        assert view.selected_entity is not None
        assert view.selected_name() == "Israel Katz"
        seen = []
        for _ in range(3):
            await pilot.press("n")
            seen.append(view.selected_entity.text)
        assert seen == ["Katz", "Katz", "Israel Katz"]  # wraps around
        await pilot.press("N")
        assert view.selected_entity.text == "Katz"


async def test_a_lists_every_article_mentioning_the_selected_entity(make_app) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        view = article_view(app)
        while view.selected_entity is None or view.selected_entity.text != "Jenin":
            await pilot.press("w")
        await pilot.press("a")
        await pilot.pause()
        assert search_input(app).value.strip() == 'place:"Jenin"'
        assert sorted(shown_ids(app)) == ["jenin", "katz"]
        assert app.focused is app.screen.query_one("ArticleList")


async def test_h_toggles_highlighting(make_app) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        assert len(body_content(app).spans) == 7  # one style span per entity
        await pilot.press("h")
        await pilot.pause()
        assert len(body_content(app).spans) == 0
        assert "not highlighted" in str(app.screen.query_one("#article-legend", Static).content)
        assert body_text(app).startswith("Defense Minister Israel Katz")
        await pilot.press("h")
        assert len(body_content(app).spans) == 7


async def test_an_article_stored_without_entities_gets_them_on_display(make_app) -> None:
    plain = Article(
        id="plain",
        title="Talks resume",
        body="Officials met in Geneva on Monday, the ministry said.",
        source="Wire",
        published="2025-02-20T10:00:00+00:00",
    )
    assert plain.entities is None
    app = make_app((plain,))
    async with app.run_test(size=(120, 40)) as pilot:
        view = article_view(app)
        await wait_until(pilot, lambda: any(e.text == "Geneva" for e in view.entities))
        assert len(body_content(app).spans) == len(view.entities) > 0


async def test_every_entity_kind_has_its_own_text_style_without_colour(make_app) -> None:
    app = make_app(ARTICLES)
    async with app.run_test(size=(120, 40)):
        view = article_view(app)
        styles = set()
        for kind in ("person", "org", "place", "date", "figure", "misc"):
            style = view.get_component_rich_style(f"entity--{kind}", partial=True)
            styles.add((style.bold, style.italic, style.underline))
        assert len(styles) == 6
