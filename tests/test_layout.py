"""Every page: semantic layout, errors in the site's layout, nothing from other hosts."""

from __future__ import annotations

from itertools import pairwise
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from pages import parse

PAGES = [
    "/",
    "/fr/",
    "/about",
    "/es/about",
    "/archive",
    "/archive/2021/07",
    "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_semantic_landmarks_and_headings_in_order(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    page = parse(response)
    for landmark in ("header", "nav", "main", "footer"):
        assert page.cssselect(landmark), landmark
    assert len(page.cssselect("h1")) == 1
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    assert response.get_data(as_text=True).startswith("<!doctype html>")


@pytest.mark.parametrize("path", PAGES)
def test_no_page_loads_anything_from_another_host(client: FlaskClient, path: str) -> None:
    page = parse(client.get(path))
    scripts = list(page.iter("script"))
    # The only script without a source is structured data, which browsers never run.
    assert all(s.get("type") == "application/ld+json" for s in scripts if s.get("src") is None)
    loaded = [
        e.get("src")
        for e in page.iter("script", "img", "iframe", "audio", "video", "source")
        if e.get("src") is not None
    ]
    loaded += [
        e.get("href")
        for e in page.iter("link")
        if e.get("rel") in ("stylesheet", "icon", "preload")
    ]
    assert loaded, "the stylesheet at least"
    for url in loaded:
        assert urlsplit(url).netloc == "", url
    with client.get("/static/site.css") as css:
        assert "@import" not in css.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/xx/",
        "/xx/about",
        "/fr/statements/",
        "/fr/nothing",
        "/archive/2021/13",
        "/archive/21/07",
        "/static/../wsgi.py",
    ],
)
def test_an_unknown_path_is_a_404_page_in_the_site_layout(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    page = parse(response)
    assert page.cssselect("header nav") and page.cssselect("footer")
    assert "Page not found" in page.cssselect("h1")[0].text_content()


def test_the_stylesheet_is_served(client: FlaskClient) -> None:
    with client.get("/static/site.css") as response:
        assert response.status_code == 200
        css = response.get_data(as_text=True)
    assert "@media" in css and "prefers-color-scheme: dark" in css
