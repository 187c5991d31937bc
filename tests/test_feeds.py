"""Feeds that feed readers can trust: one language each, stable bytes, cheap 304s."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit

import feedparser
import html5lib
import lxml.etree
import lxml.html
import pytest
from builders import add, numbered, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import parse
from sqlalchemy import update

from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES
from ist_flask.models import Translation

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["/feed.atom", "/feed.rss"] + [
    f"/{lang}/feed.{kind}" for lang in DEFAULT_LANGUAGES for kind in ("atom", "rss")
]


def read(client: FlaskClient, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200
    return feedparser.parse(response.get_data())


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_parses_cleanly_and_every_link_answers(client: FlaskClient, path: str) -> None:
    feed = read(client, path)
    assert feed.bozo == 0, feed.get("bozo_exception")
    links = [feed.feed.link] + [entry.link for entry in feed.entries]
    links += [link.href for entry in feed.entries for link in entry.get("links", [])]
    for url in links:
        parts = urlsplit(url)
        assert parts.scheme == "http" and parts.netloc == "localhost", url
        assert client.get(parts.path).status_code == 200, url


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_is_well_formed_xml_with_well_formed_html_content(
    app: Flask, client: FlaskClient, path: str
) -> None:
    rich = '<p>A&nbsp;b<br>c <img src="/static/icon.svg" alt="icon"> <a href="https://example.org/?a=1&b=2">l</a></p><ul><li>i</li></ul><p>unclosed'
    add(
        app,
        statement(
            "2024-01-01T00:00:00Z",
            {lang: {"title": f"Rich {lang}", "body": rich} for lang in DEFAULT_LANGUAGES},
        ),
    )
    body = client.get(path).get_data()
    root = lxml.etree.fromstring(body)  # raises on malformed XML
    contents = [
        e.text
        for e in root.iter(f"{ATOM}content", "{http://purl.org/rss/1.0/modules/content/}encoded")
    ]
    assert contents
    for html in contents:
        html5lib.HTMLParser(strict=True).parseFragment(html)  # raises on any parse error


def test_a_language_feed_holds_only_that_language(client: FlaskClient) -> None:
    feed = read(client, "/fr/feed.atom")
    assert feed.feed.language == "fr"
    assert [e.title for e in feed.entries] == ["Libérez Frank García Hernández et ses camarades"]
    assert feed.entries[0].link.endswith(
        "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"
    )
    # French sets a no-break space before the colon.
    assert feed.feed.title.replace("\u00a0", " ").replace("\u202f", " ") == (
        "Tendance socialiste internationale : déclarations"
    )
    assert feed.feed.subtitle == "Le socialisme par en bas"
    rss = read(client, "/fr/feed.rss")
    assert rss.feed.language == "fr"
    assert [e.title for e in rss.entries] == ["Libérez Frank García Hernández et ses camarades"]


def test_the_all_languages_feed_marks_each_entry_with_its_language(client: FlaskClient) -> None:
    atom = lxml.etree.fromstring(client.get("/feed.atom").get_data())
    entries = atom.findall(f"{ATOM}entry")
    assert [e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in entries] == [
        "en",
        "fr",
        "es",
        "en",
    ]
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") is None

    rss = read(client, "/feed.rss")
    assert [e.get("language") for e in rss.entries] == ["en", "fr", "es", "en"]
    assert "language" not in rss.feed


def test_all_languages_atom_entries_link_their_translations(client: FlaskClient) -> None:
    atom = lxml.etree.fromstring(client.get("/feed.atom").get_data())
    first = atom.findall(f"{ATOM}entry")[0]
    links = {
        (link.get("rel"), link.get("hreflang")): link.get("href")
        for link in first.findall(f"{ATOM}link")
        if link.get("rel") != "enclosure"  # its lead image: test_lead_image_feeds_and_files.py
    }
    assert links == {
        (
            "alternate",
            "en",
        ): "http://localhost/en/statements/release-frank-garcia-hernandez-and-his-comrades",
        (
            "related",
            "fr",
        ): "http://localhost/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades",
        (
            "related",
            "es",
        ): "http://localhost/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros",
    }


@pytest.mark.parametrize(
    "path",
    [f"{prefix}/feed.{kind}" for prefix in ("", "/en", "/fr", "/es") for kind in ("atom", "rss")],
)
def test_every_entry_opens_the_page_in_its_own_language(client: FlaskClient, path: str) -> None:
    """feedparser's entry.link is what a reader opens: the entry's own translation."""
    feed = read(client, path)
    assert feed.entries
    for entry in feed.entries:
        language = entry.get("language") or entry.title_detail.get("language")
        language = language or path.split("/")[1]
        assert urlsplit(entry.link).path.startswith(f"/{language}/statements/"), (path, entry.link)
        alternates = [link for link in entry.get("links", []) if link.rel == "alternate"]
        assert len(alternates) <= 1, alternates


def test_json_feed_items_link_their_own_language(client: FlaskClient) -> None:
    for path in ("/feed.json", "/fr/feed.json"):
        for item in json.loads(client.get(path).get_data())["items"]:
            assert urlsplit(item["url"]).path.startswith(f"/{item['language']}/statements/")


def test_entries_carry_the_statement_data(client: FlaskClient) -> None:
    entry = read(client, "/en/feed.atom").entries[0]
    assert entry.id.startswith("tag:localhost,2021-07-13:statement/")
    assert entry.id.endswith("/en")
    assert entry.published == "2021-07-13T00:00:00+00:00"
    assert entry.updated == "2021-07-13T00:00:00+00:00"
    assert entry.author == "International Socialist Tendency"
    assert entry.summary.startswith("For years, indeed decades")
    assert entry.summary.endswith("democratic rights of ...")
    assert entry.content[0].type == "text/html"
    assert entry.content[0].value.startswith("<p>For years")


def test_a_feed_has_self_alternate_generator_icon_and_data_driven_updated(
    client: FlaskClient,
) -> None:
    root = lxml.etree.fromstring(client.get("/es/feed.atom").get_data())
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": "http://localhost/es/feed.atom", "alternate": "http://localhost/es/"}
    assert root.findtext(f"{ATOM}generator") == "ist_flask"
    assert root.findtext(f"{ATOM}icon") == "http://localhost/static/icon.svg"
    assert root.findtext(f"{ATOM}updated") == "2021-07-13T00:00:00+00:00"
    rss = lxml.etree.fromstring(client.get("/es/feed.rss").get_data())
    channel = rss.find("channel")
    assert channel.findtext("link") == "http://localhost/es/"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert (self_link.get("rel"), self_link.get("href")) == ("self", "http://localhost/es/feed.rss")


def test_a_feed_holds_the_20_newest_newest_first(empty_app: Flask) -> None:
    add(empty_app, *numbered(25))
    feed = read(empty_app.test_client(), "/en/feed.atom")
    assert [e.title for e in feed.entries] == [f"Number {n}" for n in range(20)]


def test_site_url_makes_the_absolute_urls(configured_app: Callable[..., Flask]) -> None:
    from ist_flask import store

    app = configured_app(SITE_URL="https://example.org")
    with app.app_context():
        store.load_demo(DEFAULT_LANGUAGES)
    feed = read(app.test_client(), "/fr/feed.atom")
    assert feed.entries[0].link.startswith("https://example.org/fr/statements/")
    assert feed.entries[0].id.startswith("tag:example.org,2021-07-13:")


# HTTP -----------------------------------------------------------------------------


def test_feeds_have_their_media_types_validators_and_cache_control(client: FlaskClient) -> None:
    atom = client.get("/fr/feed.atom")
    assert atom.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert (
        client.get("/fr/feed.rss").headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    )
    etag, weak = atom.get_etag()
    assert etag and not weak
    assert atom.headers["Last-Modified"] == "Tue, 13 Jul 2021 00:00:00 GMT"
    assert atom.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")


def test_max_age_is_configurable(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(FEED_MAX_AGE=60)
    assert "max-age=60" in app.test_client().get("/feed.atom").headers["Cache-Control"]


def test_two_requests_without_a_change_give_identical_bytes(client: FlaskClient) -> None:
    for path in FEEDS:
        assert client.get(path).get_data() == client.get(path).get_data()


def test_conditional_requests_get_304_without_a_body(client: FlaskClient) -> None:
    first = client.get("/fr/feed.atom")
    by_etag = client.get("/fr/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304 and by_etag.get_data() == b""
    by_date = client.get(
        "/fr/feed.atom", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert by_date.status_code == 304 and by_date.get_data() == b""
    stale = client.get("/fr/feed.atom", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_head_answers_like_get_without_a_body(client: FlaskClient) -> None:
    head, get = client.head("/feed.rss"), client.get("/feed.rss")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == get.headers["ETag"]


def test_an_unknown_language_feed_is_404(client: FlaskClient) -> None:
    assert client.get("/xx/feed.atom").status_code == 404
    assert client.get("/pl/feed.rss").status_code == 404


def test_the_feed_reader_story(app: Flask, client: FlaskClient) -> None:
    """Subscribe to /fr/feed.atom, poll, see a new French statement, ignore an English one."""
    first = client.get("/fr/feed.atom")
    etag = first.headers["ETag"]
    assert client.get("/fr/feed.atom", headers={"If-None-Match": etag}).status_code == 304

    add(app, statement("2024-02-02T10:00:00Z", {"fr": {"title": "Nouvelle déclaration"}}))
    second = client.get("/fr/feed.atom", headers={"If-None-Match": etag})
    assert second.status_code == 200
    assert feedparser.parse(second.get_data()).entries[0].title == "Nouvelle déclaration"
    etag = second.headers["ETag"]

    add(app, statement("2024-03-03T10:00:00Z", {"en": {"title": "English only"}}))
    assert client.get("/fr/feed.atom", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/fr/feed.atom").headers["ETag"] == etag


def test_entry_ids_survive_a_title_and_slug_edit(app: Flask, client: FlaskClient) -> None:
    before = [e.id for e in read(client, "/feed.atom").entries]
    with app.app_context():
        db.session.execute(
            update(Translation)
            .where(Translation.language == "fr")
            .values(title="Titre corrigé", slug="titre-corrige")
        )
        db.session.commit()
    after = read(client, "/feed.atom").entries
    assert "Titre corrigé" in [e.title for e in after]
    assert [e.id for e in after] == before


def test_scripts_and_event_handlers_never_reach_a_feed(app: Flask, client: FlaskClient) -> None:
    add(
        app,
        statement(
            "2024-01-01T00:00:00Z",
            {
                "en": {
                    "title": "XSS",
                    "body": '<p>ok</p><script>alert(1)</script><img src="x" onerror="alert(2)">',
                }
            },
        ),
    )
    for path in ("/feed.atom", "/feed.rss", "/en/feed.atom", "/en/feed.rss"):
        text = client.get(path).get_data(as_text=True).lower()
        assert "<script" not in text and "&lt;script" not in text
        assert "onerror" not in text


# Discovery ------------------------------------------------------------------------


def test_pages_advertise_their_language_feeds(client: FlaskClient) -> None:
    def advertised(path: str) -> dict[str, str]:
        page = parse(client.get(path))
        return {
            link.get("type"): link.get("href")
            for link in page.cssselect("head link[rel=alternate][type]")
        }

    assert advertised("/") == {
        "application/atom+xml": "/feed.atom",
        "application/rss+xml": "/feed.rss",
        "application/feed+json": "/feed.json",
    }
    assert advertised("/fr/") == {
        "application/atom+xml": "/fr/feed.atom",
        "application/rss+xml": "/fr/feed.rss",
        "application/feed+json": "/fr/feed.json",
    }
    assert advertised("/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros") == {
        "application/atom+xml": "/es/feed.atom",
        "application/rss+xml": "/es/feed.rss",
        "application/feed+json": "/es/feed.json",
    }


def test_the_about_page_lists_every_feed(client: FlaskClient) -> None:
    page = parse(client.get("/about"))
    hrefs = {a.get("href") for a in page.cssselect(".feed-list a")}
    json_feeds = {path.replace(".atom", ".json") for path in FEEDS if path.endswith(".atom")}
    assert hrefs == set(FEEDS) | json_feeds
