"""Being found: search in every language, sitemaps with hreflang, robots.txt,
social cards and structured data, JSON Feed."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable

import feedparser
import lxml.etree
import pytest
from admin_helpers import csrf_token, make_maintainer, sign_in, statement_form
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import fold, parse
from sqlalchemy import delete, update

from ist_flask.extensions import db
from ist_flask.models import Statement, Translation

FR = "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"
EN = "/en/statements/release-frank-garcia-hernandez-and-his-comrades"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def result_links(client: FlaskClient, path: str, query: str, page: int = 1) -> list[str]:
    response = client.get(path, query_string={"q": query, "page": page})
    assert response.status_code == 200
    return [a.get("href") for a in parse(response).cssselect(".search-hit .entry-title a")]


# Search -----------------------------------------------------------------------------


def test_a_reader_searching_garcia_on_the_french_search_finds_the_french_statement(
    client: FlaskClient,
) -> None:
    assert result_links(client, "/fr/search", "garcia") == [FR]
    assert set(result_links(client, "/search", "garcia")) >= {FR, EN}


@pytest.mark.parametrize("query", ["garcia", "GARCÍA", "García", "gArCiA"])
def test_search_ignores_case_and_accents(client: FlaskClient, query: str) -> None:
    assert result_links(client, "/fr/search", query) == [FR]


def test_economie_finds_economie_with_its_accent(app: Flask, client: FlaskClient) -> None:
    add(
        app,
        statement(
            "2024-02-01T00:00:00Z", {"fr": {"title": "Économie et guerre", "slug": "economie"}}
        ),
    )
    assert result_links(client, "/fr/search", "economie") == ["/fr/statements/economie"]
    assert result_links(client, "/search", "ÉCONOMIE") == ["/fr/statements/economie"]


def test_results_highlight_the_matching_words(client: FlaskClient) -> None:
    page = parse(client.get("/fr/search", query_string={"q": "garcia"}))
    marks = [fold(m.text_content()).lower() for m in page.cssselect(".search-hit mark")]
    assert marks and set(marks) == {"garcia"}


def test_results_are_ranked_and_paged_by_twenty(app: Flask, client: FlaskClient) -> None:
    add(
        app,
        *(
            statement(
                f"2023-01-{1 + n:02d}T00:00:00Z",
                {"en": {"title": f"Report {n}", "body": "<p>The strike goes on.</p>"}},
            )
            for n in range(24)
        ),
        statement(
            "2022-01-01T00:00:00Z",
            {"en": {"title": "Strike", "slug": "strike", "body": "<p>About the strike.</p>"}},
        ),
    )
    first = result_links(client, "/en/search", "strike")
    assert len(first) == 20
    assert first[0] == "/en/statements/strike"  # the title match ranks first, though oldest
    second = result_links(client, "/en/search", "strike", page=2)
    assert len(second) == 5 and not set(first) & set(second)
    assert client.get("/en/search", query_string={"q": "strike", "page": 3}).status_code == 404
    count = parse(client.get("/en/search", query_string={"q": "strike"})).cssselect(".search-count")
    assert "25" in count[0].text_content()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "?!.,;:",
        '"',
        "*",
        "NEAR",
        "OR",
        "AND",
        "NOT",
        '"unbalanced',
        "a*",
        "title:x",
        "NEAR(a b)",
        "x" * 1000,
        "(((",
        "^",
        "-",
        "'; DROP TABLE statements; --",
    ],
)
def test_an_empty_or_absurd_query_gets_a_friendly_page(client: FlaskClient, query: str) -> None:
    for path in ("/search", "/fr/search"):
        response = client.get(path, query_string={"q": query})
        assert response.status_code == 200, (path, query)
        text = response.get_data(as_text=True)
        assert "Traceback" not in text
        assert parse(response).cssselect("main form input[name=q]")


def test_drafts_and_scheduled_statements_are_not_found(app: Flask, client: FlaskClient) -> None:
    add(
        app,
        statement("2024-01-01T00:00:00Z", {"en": {"title": "Hidden draft zebra"}}, status="draft"),
        statement("2999-01-01T00:00:00Z", {"en": {"title": "Future zebra"}}),
    )
    assert result_links(client, "/search", "zebra") == []


def test_the_index_follows_every_write(app: Flask, client: FlaskClient) -> None:
    make_maintainer(app)
    sign_in(client)
    add(
        app,
        statement("2024-03-01T00:00:00Z", {"en": {"title": "Original wording", "slug": "wording"}}),
    )
    assert result_links(client, "/en/search", "original wording") == ["/en/statements/wording"]
    with app.app_context():
        sid = db.session.execute(
            db.select(Translation.statement_id).where(Translation.slug == "wording")
        ).scalar_one()
    path = f"/admin/statements/{sid}/edit"
    form = statement_form(client, path)
    form["translation_en-title"] = "Corrected phrasing"
    form["translation_en-body"] = "Now about kangaroos."
    client.post(path, data={**form, "csrf_token": csrf_token(client, path), "action": "save"})
    assert result_links(client, "/en/search", "original") == []
    assert result_links(client, "/en/search", "kangaroos") == ["/en/statements/wording"]
    with app.app_context():
        db.session.execute(delete(Statement).where(Statement.id == sid))
        db.session.commit()
    assert result_links(client, "/en/search", "kangaroos") == []


@pytest.mark.parametrize("path", ["/", "/fr/", FR, "/about", "/archive", "/no-such-page"])
def test_every_page_has_a_search_box_in_its_header(client: FlaskClient, path: str) -> None:
    form = parse(client.get(path)).cssselect("header form[role=search]")
    assert form and form[0].cssselect("input[name=q]")


# Sitemaps and robots ----------------------------------------------------------------


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
    fronts = {f"{base}/{code}/" for code in ("en", "fr", "es", "de", "el", "tr", "ru")}
    abouts = {f"{base}/{code}/about" for code in ("en", "fr", "es", "de", "el", "tr", "ru")}
    assert set(urls) == statements | fronts | abouts
    french = urls[f"{base}{FR}"]
    alternates = {link.get("hreflang"): link.get("href") for link in french.findall(f"{XHTML}link")}
    assert alternates == {
        "en": f"{base}{EN}",
        "fr": f"{base}{FR}",
        "es": f"{base}/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros",
    }
    assert french.findtext(f"{SITEMAP}lastmod") == "2021-07-13T00:00:00+00:00"
    front = {link.get("hreflang") for link in urls[f"{base}/de/"].findall(f"{XHTML}link")}
    assert front == {"en", "fr", "es", "de", "el", "tr", "ru", "x-default"}


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
    assert parts == [
        f"http://localhost/sitemap-{n}.xml" for n in range(1, 6)
    ]  # 7 + 7 + 8 = 22 URLs
    seen: list[str] = []
    for part in parts:
        urls = sitemap_urls(client, part.removeprefix("http://localhost"))
        assert 0 < len(urls) <= 5
        seen += urls
    assert len(seen) == len(set(seen)) == 22
    assert client.get("/sitemap-6.xml").status_code == 404


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
    assert meta(page, "og:image") == ["http://localhost/static/share.png"]
    assert meta(page, "twitter:card") == ["summary"]
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
