"""Reading pages the way a visitor does: text, links and language marks."""

from __future__ import annotations

import re

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
