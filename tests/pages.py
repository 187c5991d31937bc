"""Reading pages the way a visitor does: text, links and language marks."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from werkzeug.test import TestResponse

# The demo's French statement, and one page of every kind the cache keeps,
# on the demo site: for the tests of the cache and of the layer before Flask.
STATEMENT = "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"
CACHED = [
    "/",
    "/fr/",
    STATEMENT,
    "/about",
    "/fr/about",
    "/archive",
    "/archive/2021/07",
    "/feed.atom",
    "/fr/feed.rss",
    "/feed.json",
    "/sitemap.xml",
    "/robots.txt",
    "/search?q=frank",
    "/?older=20210713T000000Z.2.en",
]


@dataclass(frozen=True)
class PageType:
    """One kind of public page on the demo site (wsgi.py loads the demo).
    Every page type is checked by the Nu HTML Checker (test_html_validity.py)
    and by axe-core in light and dark mode (test_browser_quality.py)."""

    path: str
    # Scored by Lighthouse (test_lighthouse.py): 10-30 s a page, so only the
    # pages the redesign issue names.
    lighthouse: bool = False
    # Screenshot at 390x844 and 1440x900 in artifacts/screenshots/ (test_browser_quality.py).
    screenshot: bool = False


# The one list of page types the quality tests read. Names are file names of
# the screenshots and Lighthouse reports.
PAGE_TYPES = {
    "front": PageType("/", lighthouse=True, screenshot=True),
    "french-front": PageType("/fr/", screenshot=True),
    # Russian has no statement of its own: the listing in a language without statements.
    "fallback-front": PageType("/ru/", screenshot=True),
    # No Arabic demo statement: /ar/ lists them all in their originals, marked.
    "arabic-front": PageType("/ar/", lighthouse=True, screenshot=True),
    # The demo's July statement has a lead image; the Karabakh one has none.
    "image-statement": PageType(STATEMENT, lighthouse=True, screenshot=True),
    "statement": PageType(
        "/en/statements/joint-statement-by-revolutionary-socialists-in-turkey-and-russia-on-the-situation-in-karabakh"
    ),
    "about": PageType("/about", screenshot=True),
    "archive": PageType("/archive"),
    "search": PageType("/search?q=garcia"),
    "topic": PageType("/en/topics/anti-war", lighthouse=True, screenshot=True),
    # Organisation pages and an Arabic statement: the demo has neither (it
    # invents no signatory, and has no Arabic translation), so
    # tests/test_group_quality.py and tests/test_arabic.py check them on
    # sites of their own.
}


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse(response: TestResponse) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(response.get_data(as_text=True))


def entries(page: lxml.html.HtmlElement) -> list[dict[str, str]]:
    """Each listed statement as a visitor reads it."""
    return [
        {
            "title": fold(article.cssselect(".entry-title")[0].text_content()),
            "href": article.cssselect(".entry-title a")[0].get("href"),
            "date": fold(article.cssselect("time")[0].text_content()),
            "datetime": article.cssselect("time")[0].get("datetime"),
            "excerpt": fold(article.cssselect(".entry-excerpt")[0].text_content()),
            "more": fold(article.cssselect(".entry-more")[0].text_content()),
            "lang": article.get("lang"),
        }
        for article in page.cssselect("article.entry")
    ]
