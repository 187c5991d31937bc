"""Being found: sitemaps with hreflang, robots.txt, social cards and
structured data, JSON Feed. Search has tests/test_search.py."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable

import feedparser
import lxml.etree
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import parse
from sqlalchemy import update

from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES
from ist_flask.models import Translation

FR = "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"
EN = "/en/statements/release-frank-garcia-hernandez-and-his-comrades"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap_urls(client: FlaskClient, path: str = "/sitemap.xml") -> dict[str, lxml.etree._Element]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    root = lxml.etree.fromstring(response.get_data())
    return {url.findtext(f"{SITEMAP}loc"): url for url in root.findall(f"{SITEMAP}url")}


def test_the_sitemap_lists_statements_front_pages_and_about_pages(client: FlaskClient) -> None:
    urls = sitemap_urls(client)
    base = "http://localhost"
    statements = {f"{base}{EN}", f"{base}{FR}", f"{base}/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros",
                  f"{base}/en/statements/joint-statement-by-revolutionary-socialists-in-turkey-and-russia-on-the-situation-in-karabakh"}  # fmt: skip
    fronts = {f"{base}/{code}/" for code in DEFAULT_LANGUAGES}
    abouts = {f"{base}/{code}/about" for code in DEFAULT_LANGUAGES}
    # The demo's two topics, in every language: named in en, fr and es, else in English.
    slugs = {"en": ("anti-war", "declarations"), "fr": ("contre-la-guerre", "declarations"),
             "es": ("contra-la-guerra", "declaraciones")}  # fmt: skip
    topics = {
        f"{base}/{code}/topics/{slug}"
        for code in DEFAULT_LANGUAGES
        for slug in slugs.get(code, slugs["en"])
    }
    assert set(urls) == statements | fronts | abouts | topics
    french = urls[f"{base}{FR}"]
    alternates = {link.get("hreflang"): link.get("href") for link in french.findall(f"{XHTML}link")}
    assert alternates == {
        "en": f"{base}{EN}",
        "fr": f"{base}{FR}",
        "es": f"{base}/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros",
    }
    assert french.findtext(f"{SITEMAP}lastmod") == "2021-07-13T00:00:00+00:00"
    front = {link.get("hreflang") for link in urls[f"{base}/de/"].findall(f"{XHTML}link")}
    assert front == {*DEFAULT_LANGUAGES, "x-default"}


def test_drafts_and_scheduled_statements_stay_out_of_the_sitemap(
    app: Flask, client: FlaskClient
) -> None:
    add(
        app,
        statement(
            "2024-01-01T00:00:00Z", {"en": {"title": "Draft", "slug": "a-draft"}}, status="draft"
        ),
        statement("2999-01-01T00:00:00Z", {"en": {"title": "Later", "slug": "later-on"}}),
    )
    text = client.get("/sitemap.xml").get_data(as_text=True)
    assert "a-draft" not in text and "later-on" not in text


def test_past_the_limit_the_sitemap_becomes_an_index(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(SITEMAP_MAX_URLS=5)
    add(
        app,
        *(
            statement(f"2023-02-{1 + n:02d}T00:00:00Z", {"en": {"title": f"Item {n}"}})
            for n in range(8)
        ),
    )
    client = app.test_client()
    root = lxml.etree.fromstring(client.get("/sitemap.xml").get_data())
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    addresses = 8 + 2 * len(DEFAULT_LANGUAGES)  # the statements, each front and about page
    files = -(-addresses // 5)
    assert parts == [f"http://localhost/sitemap-{n}.xml" for n in range(1, files + 1)]
    seen: list[str] = []
    for part in parts:
        urls = sitemap_urls(client, part.removeprefix("http://localhost"))
        assert 0 < len(urls) <= 5
        seen += urls
    assert len(seen) == len(set(seen)) == addresses
    assert client.get(f"/sitemap-{files + 1}.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_admin_out(client: FlaskClient) -> None:
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /admin/" in text.splitlines()
    assert "Sitemap: http://localhost/sitemap.xml" in text.splitlines()


# Social cards and structured data -----------------------------------------------------


def meta(page: lxml.html.HtmlElement, key: str) -> list[str]:  # type: ignore[name-defined]
    return [m.get("content") for m in page.cssselect(f'meta[property="{key}"], meta[name="{key}"]')]


def test_statement_pages_carry_opengraph_and_twitter_cards(client: FlaskClient) -> None:
    page = parse(client.get(FR))
    assert meta(page, "og:title") == ["Libérez Frank García Hernández et ses camarades"]
    assert meta(page, "og:description")[0].startswith("Depuis des années")
    assert meta(page, "og:url") == [f"http://localhost{FR}"]
    assert meta(page, "og:type") == ["article"]
    assert meta(page, "og:locale") == ["fr_FR"]
    assert set(meta(page, "og:locale:alternate")) == {"en_GB", "es_ES"}
    assert meta(page, "article:published_time") == ["2021-07-13T00:00:00+00:00"]
    assert meta(page, "og:site_name") == ["International Socialist Tendency"]
    # This demo statement has a lead image (1200 by 630): the card shows it large.
    (image,) = meta(page, "og:image")
    assert image.startswith("http://localhost/images/") and image.endswith("-1200.png")
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == (["1200"], ["630"])
    assert meta(page, "twitter:card") == ["summary_large_image"]
    assert meta(page, "twitter:title") == meta(page, "og:title")


def json_ld(client: FlaskClient, path: str) -> dict:
    scripts = parse(client.get(path)).cssselect('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def test_statement_pages_carry_a_newsarticle_linked_to_its_translations(
    client: FlaskClient,
) -> None:
    french = json_ld(client, FR)
    assert french["@type"] == "NewsArticle" and french["@context"] == "https://schema.org"
    assert french["headline"] == "Libérez Frank García Hernández et ses camarades"
    assert french["inLanguage"] == "fr"
    assert french["datePublished"] == "2021-07-13T00:00:00+00:00"
    assert french["dateModified"] == "2021-07-13T00:00:00+00:00"
    assert french["publisher"]["name"] == "International Socialist Tendency"
    assert french["translationOfWork"] == {"@type": "NewsArticle", "@id": f"http://localhost{EN}"}
    english = json_ld(client, EN)
    assert {work["@id"] for work in english["workTranslation"]} == {
        f"http://localhost{FR}",
        "http://localhost/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros",
    }
    assert "translationOfWork" not in english


def test_the_share_image_is_the_sites_own_png(client: FlaskClient) -> None:
    with client.get("/static/share.png") as response:
        data = response.get_data()
    assert response.status_code == 200 and data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)


# JSON Feed ----------------------------------------------------------------------------

JSON_FEED_FIELDS = {"version", "title", "home_page_url", "feed_url", "items"}


def test_json_feeds_are_json_feed_1_1_with_the_atom_entries(client: FlaskClient) -> None:
    for lang in (None, "fr", "en", "de"):
        prefix = f"/{lang}" if lang else ""
        response = client.get(f"{prefix}/feed.json")
        assert response.headers["Content-Type"] == "application/feed+json; charset=utf-8"
        feed = json.loads(response.get_data())
        assert set(feed) >= JSON_FEED_FIELDS
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["feed_url"] == f"http://localhost{prefix}/feed.json"
        assert feed.get("language") == lang
        atom = feedparser.parse(client.get(f"{prefix}/feed.atom").get_data())
        assert [item["id"] for item in feed["items"]] == [entry.id for entry in atom.entries]
        for item in feed["items"]:
            assert {
                "id",
                "url",
                "title",
                "content_html",
                "summary",
                "date_published",
                "date_modified",
                "language",
            } <= set(item)
            assert client.get(item["url"].removeprefix("http://localhost")).status_code == 200
            if lang:
                assert item["language"] == lang
    assert [i["language"] for i in json.loads(client.get("/feed.json").get_data())["items"]] == [
        "en",
        "fr",
        "es",
        "en",
    ]


def test_json_feeds_answer_conditional_requests_like_the_atom_feeds(
    app: Flask, client: FlaskClient
) -> None:
    first = client.get("/fr/feed.json")
    assert first.cache_control.max_age == 300 and first.get_etag()[1] is False
    assert (
        client.get("/fr/feed.json", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    add(app, statement("2024-05-01T00:00:00Z", {"en": {"title": "English only"}}))
    assert (
        client.get("/fr/feed.json", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    with app.app_context():
        db.session.execute(
            update(Translation).where(Translation.language == "fr").values(title="Nouveau titre")
        )
        db.session.commit()
    assert (
        client.get("/fr/feed.json", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 200
    )


def test_json_feeds_are_advertised(client: FlaskClient) -> None:
    links = parse(client.get("/fr/")).cssselect(
        'head link[rel=alternate][type="application/feed+json"]'
    )
    assert [link.get("href") for link in links] == ["/fr/feed.json"]
