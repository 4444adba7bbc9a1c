"""Generated article pages with their known text, for scoring main-text extraction.

Each page wraps one article of the synthetic corpus (``corpus.articles``) in what real news
pages put around it: a header with navigation, a cookie banner, share buttons, inline
advertisements and "read more" links between paragraphs, a newsletter box, "related
stories", a reader comments section and a footer. Six layouts (semantic HTML5, div soup,
a blog theme, a magazine with headings, lists and a quote, a wire copy with a dateline, a
page with its article in JSON-LD too) keep the score from resting on one template. The
known text is what a reader would call the article: its paragraphs, headings, list items
and quotes, without the title, byline, captions or anything around it.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import corpus

SEED = 20251207


@dataclass(frozen=True)
class Page:
    html: str
    text: str
    """The article's own text, paragraphs separated by blank lines."""
    title: str
    author: str
    published: str
    url: str


def pages(count: int) -> Iterator[Page]:
    """``count`` pages, the same ones for the same ``count``."""
    rng = random.Random(SEED)
    for number, record in enumerate(corpus.articles(count)):
        layout = LAYOUTS[number % len(LAYOUTS)]
        yield _page(record, layout, rng)


def _page(record: dict[str, str], layout: Layout, rng: random.Random) -> Page:
    paragraphs = record["body"].split("\n\n")
    blocks = _blocks(paragraphs, rng, structured=layout is _magazine)
    moment = datetime.fromtimestamp(int(record["published"]), UTC)
    parts = _Parts(record, moment, blocks, rng)
    text = "\n\n".join(content for _, content in blocks)
    return Page(
        layout(parts), text, record["title"], record["author"], moment.isoformat(), record["url"]
    )


Block = tuple[str, str]
"""An article block: its tag (``p``, ``h2``, ``li``, ``blockquote``) and its text."""


def _blocks(paragraphs: list[str], rng: random.Random, structured: bool) -> list[Block]:
    if not structured:
        return [("p", p) for p in paragraphs]
    blocks: list[Block] = []
    for number, paragraph in enumerate(paragraphs):
        if number and number % 3 == 0:
            blocks.append(("h2", " ".join(paragraph.split()[:5]).rstrip(".,")))
        if number == 2:
            sentences = [s.strip() + "." for s in paragraph.split(".") if s.strip()]
            blocks.extend(("li", s) for s in sentences)
        elif number == 4:
            blocks.append(("blockquote", paragraph))
        else:
            blocks.append(("p", paragraph))
    return blocks


class _Parts:
    """The pieces of one page, escaped for HTML; each layout puts them in its own order."""

    def __init__(
        self, record: dict[str, str], moment: datetime, blocks: list[Block], rng: random.Random
    ) -> None:
        self.rng = rng
        self.title = html.escape(record["title"])
        self.author = html.escape(record["author"] or "Staff reporter")
        self.source = html.escape(record["source"])
        self.url = html.escape(record["url"])
        self.iso = moment.isoformat()
        self.date = moment.strftime("%d %B %Y, %H:%M")
        self.blocks = blocks

    def body(self, ads: bool = True) -> str:
        out, in_list = [], False
        for number, (tag, text) in enumerate(self.blocks):
            if tag == "li" and not in_list:
                out.append("<ul>")
            if tag != "li" and in_list:
                out.append("</ul>")
            in_list = tag == "li"
            inner = self._linked(html.escape(text))
            out.append(f"<{tag}>{inner}</{tag}>")
            if ads and tag == "p" and number % 3 == 1:
                out.append(self._interruption(number))
        if in_list:
            out.append("</ul>")
        return "\n".join(out)

    def _linked(self, text: str) -> str:
        """A link on a few words now and then, as articles link their sources."""
        words = text.split(" ")
        if len(words) > 12 and self.rng.random() < 0.3:
            at = self.rng.randrange(2, len(words) - 3)
            words[at] = f'<a href="https://example.org/ref/{at}">{words[at]}'
            words[at + 2] += "</a>"
        return " ".join(words)

    def _interruption(self, number: int) -> str:
        kinds = (
            '<div class="ad-slot" data-ad="mpu"><span>Advertisement</span>'
            '<iframe src="https://ads.example.net/slot"></iframe></div>',
            f'<p class="read-more"><strong>Read more:</strong> <a href="/story/{number}">'
            f"{self.headline()}</a></p>",
            '<aside class="inline-promo"><a href="/subscribe">Subscribe for unlimited access'
            " to our journalism from 1 a week</a></aside>",
        )
        return kinds[number % len(kinds)]

    def headline(self) -> str:
        words = _words()
        picked = [self.rng.choice(words) for _ in range(self.rng.randint(6, 11))]
        return html.escape(" ".join(picked).capitalize())

    def nav(self) -> str:
        sections = ("World", "Politics", "Business", "Tech", "Science", "Sport", "Culture")
        items = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in sections)
        return f'<nav class="site-nav"><ul>{items}</ul><a href="/login">Sign in</a></nav>'

    def cookie_banner(self) -> str:
        return (
            '<div id="cookie-consent" class="cookie-banner" role="dialog"><p>We use cookies'
            " and similar technologies to improve your experience, measure our audience and"
            " show you personalised advertising. You can change your choices at any time.</p>"
            '<button>Accept all</button><button>Manage preferences</button></div>'
        )

    def share(self) -> str:
        nets = ("Facebook", "X", "LinkedIn", "WhatsApp", "Email")
        links = "".join(f'<a href="https://share.example/{n}">Share on {n}</a>' for n in nets)
        return f'<div class="share-tools">{links}</div>'

    def byline(self) -> str:
        return (
            f'<p class="byline">By <a rel="author" href="/authors/1">{self.author}</a></p>'
            f'<time datetime="{self.iso}">{self.date}</time>'
        )

    def figure(self) -> str:
        return (
            '<figure><img src="/img/lead.jpg" alt=""><figcaption>Crowds gathered on the'
            " square on Monday. Photograph: Agency</figcaption></figure>"
        )

    def related(self) -> str:
        items = "".join(
            f'<li><a href="/story/r{n}">{self.headline()}</a></li>' for n in range(6)
        )
        return f'<aside class="related-stories"><h3>Related stories</h3><ul>{items}</ul></aside>'

    def most_read(self) -> str:
        items = "".join(f'<li><a href="/story/m{n}">{self.headline()}</a></li>' for n in range(5))
        return f'<div class="sidebar most-read"><h3>Most read</h3><ol>{items}</ol></div>'

    def newsletter(self) -> str:
        return (
            '<div class="newsletter-signup"><h3>Sign up to our morning briefing</h3><p>The'
            " day's top stories, straight to your inbox every morning before seven.</p>"
            '<form><input type="email" placeholder="Your email"><button>Sign up</button>'
            "</form></div>"
        )

    def comments(self) -> str:
        first_names = corpus.FIRST_NAMES
        people = [f"{self.rng.choice(first_names)}{self.rng.randint(1, 99)}" for _ in range(4)]
        items = "".join(
            f'<div class="comment"><span class="comment-author">{name}</span><p>'
            f"{self.headline()}. {self.headline()}?</p><a href=\"#reply\">Reply</a></div>"
            for name in people
        )
        return f'<section id="comments" class="comments"><h2>4 comments</h2>{items}</section>'

    def footer(self) -> str:
        links = ("About us", "Contact", "Terms of use", "Privacy policy", "Cookie settings")
        items = " | ".join(f'<a href="/{n.split()[0].lower()}">{n}</a>' for n in links)
        return f"<footer><p>{items}</p><p>© 2025 {self.source}. All rights reserved.</p></footer>"

    def head(self, extra: str = "") -> str:
        return (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{self.title}'
            f" | {self.source}</title>"
            f'<meta property="og:title" content="{self.title}">'
            f'<meta name="author" content="{self.author}">'
            f'<meta property="article:published_time" content="{self.iso}">'
            f'<link rel="canonical" href="{self.url}">{extra}'
            "<script>window.dataLayer=[];function track(){}</script>"
            "<style>.ad-slot{min-height:250px}</style></head>"
        )


@cache
def _words() -> list[str]:
    return corpus.sample_words(400)


Layout = Callable[[_Parts], str]


def _semantic(p: _Parts) -> str:
    return (
        f"{p.head()}<body>{p.cookie_banner()}<header><a class=logo href=/>{p.source}</a>"
        f"{p.nav()}</header><main><article><h1>{p.title}</h1>{p.byline()}{p.share()}"
        f"{p.figure()}{p.body()}</article>{p.related()}</main>{p.newsletter()}"
        f"{p.comments()}{p.footer()}</body></html>"
    )


def _div_soup(p: _Parts) -> str:
    return (
        f'{p.head()}<body><div id="wrapper"><div class="top-bar">{p.nav()}</div>'
        f'<div class="row"><div class="col-main"><div class="headline"><h1>{p.title}</h1>'
        f'</div><div class="meta">{p.byline()}</div><div class="story-body">{p.body()}</div>'
        f'{p.share()}</div><div class="col-side">{p.most_read()}{p.newsletter()}</div></div>'
        f"{p.related()}{p.footer()}{p.cookie_banner()}</div></body></html>"
    )


def _blog(p: _Parts) -> str:
    return (
        f'{p.head()}<body class="single-post"><div class="site">{p.nav()}'
        f'<div class="post"><h1 class="entry-title">{p.title}</h1>'
        f'<div class="entry-meta">{p.byline()}</div><div class="entry-content">'
        f'{p.body(ads=False)}</div><div class="tags">Tags: <a href="/t/a">news</a>'
        f' <a href="/t/b">world</a></div></div>{p.comments()}<div class="widget-area">'
        f"{p.most_read()}</div>{p.footer()}</div></body></html>"
    )


def _magazine(p: _Parts) -> str:
    return (
        f"{p.head()}<body>{p.cookie_banner()}<header>{p.nav()}</header><article>"
        f'<header><h1>{p.title}</h1><p class="standfirst">{p.headline()}</p>{p.byline()}'
        f"</header>{p.figure()}<section class=article-body>{p.body()}</section>"
        f"<footer>{p.share()}</footer></article>{p.related()}{p.footer()}</body></html>"
    )


def _wire(p: _Parts) -> str:
    return (
        f'{p.head()}<body><table width="100%"><tr><td>{p.nav()}</td></tr><tr><td>'
        f"<h1>{p.title}</h1>{p.byline()}<div id=storytext>{p.body(ads=False)}</div>"
        f"</td><td>{p.most_read()}</td></tr></table>{p.footer()}</body></html>"
    )


def _json_ld(p: _Parts) -> str:
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type":'
        f' "NewsArticle", "headline": "{p.title}", "datePublished": "{p.iso}",'
        f' "author": {{"@type": "Person", "name": "{p.author}"}}}}</script>'
    )
    return (
        f"{p.head(ld)}<body>{p.nav()}<div class=container><div class=article>"
        f"<h1>{p.title}</h1>{p.byline()}{p.body()}</div>{p.newsletter()}{p.related()}"
        f"</div>{p.comments()}{p.footer()}</body></html>"
    )


LAYOUTS: tuple[Layout, ...] = (_semantic, _div_soup, _blog, _magazine, _wire, _json_ld)
