"""A feed reader shows the same words as the page: plain text is never taken for markup.

RSS readers decode <title> and <description> as HTML, so text that shows
angle brackets on the page must reach them escaped once more; Atom and JSON
Feed say their text is text.
"""

from __future__ import annotations

import json

import feedparser
import lxml.html
import pytest
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import entries, fold, parse

TITLE = "Why <b>sum</b> & <i>more</i> matter"
SUMMARY = "A summary with <b>sum</b> & <script>alert(1)</script> in it"
BODY = "<p>The page displays &lt;img src=x onerror=alert(1)&gt; as text, and a &amp; b.</p>"


def reader_text(detail: feedparser.FeedParserDict) -> str:
    """What a reader shows of a title or summary: HTML is rendered, text is text."""
    if detail.type == "text/plain":
        return fold(detail.value)
    element = lxml.html.fragment_fromstring(detail.value or " ", create_parent="div")
    assert not element.cssselect("img, script, b, i"), detail.value
    return fold(element.text_content())


@pytest.fixture
def markup_like_text(app: Flask) -> None:
    add(
        app,
        statement(
            "2024-05-01T00:00:00Z", {"en": {"title": TITLE, "slug": "why-sum", "body": BODY}}
        ),
        statement(
            "2024-04-01T00:00:00Z",
            {"en": {"title": "With a summary", "slug": "with-summary", "summary": SUMMARY}},
        ),
    )


@pytest.mark.parametrize("path", ["/feed.rss", "/en/feed.rss", "/feed.atom", "/en/feed.atom"])
def test_a_reader_sees_the_pages_words(
    client: FlaskClient, markup_like_text: None, path: str
) -> None:
    listed = {entry["href"]: entry for entry in entries(parse(client.get("/en/")))}
    page_title = fold(parse(client.get("/en/statements/why-sum")).cssselect("h1")[0].text_content())
    assert page_title == TITLE

    feed = feedparser.parse(client.get(path).get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    by_link = {entry.link.removeprefix("http://localhost"): entry for entry in feed.entries}
    for href in ("/en/statements/why-sum", "/en/statements/with-summary"):
        entry = by_link[href]
        assert reader_text(entry.title_detail) == listed[href]["title"], path
        assert reader_text(entry.summary_detail) == listed[href]["excerpt"], path
    assert reader_text(by_link["/en/statements/why-sum"].title_detail) == TITLE
    assert "onerror=alert(1)>" in reader_text(by_link["/en/statements/why-sum"].summary_detail)
    assert reader_text(by_link["/en/statements/with-summary"].summary_detail) == SUMMARY


def test_json_feed_text_is_the_pages_text(client: FlaskClient, markup_like_text: None) -> None:
    """JSON Feed's title and summary are plain text by its specification."""
    listed = {entry["href"]: entry for entry in entries(parse(client.get("/en/")))}
    items = {
        item["url"].removeprefix("http://localhost"): item
        for item in json.loads(client.get("/en/feed.json").get_data())["items"]
    }
    for href in ("/en/statements/why-sum", "/en/statements/with-summary"):
        assert items[href]["title"] == listed[href]["title"]
        assert items[href]["summary"] == listed[href]["excerpt"]
