"""Topics and signatories: their pages, feeds, and what statements show of them."""

from __future__ import annotations

import json

import feedparser
import pytest
from builders import statement
from flask import Flask
from flask.testing import FlaskClient
from groups_data import add_grouped, import_document
from lxml import etree
from pages import entries, fold, parse


@pytest.fixture
def grouped(empty_app: Flask) -> FlaskClient:
    add_grouped(empty_app)
    return empty_app.test_client()


def titles(client: FlaskClient, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return [entry["title"] for entry in entries(parse(response))]


def test_topic_page_lists_its_statements_newest_first(grouped: FlaskClient) -> None:
    assert titles(grouped, "/en/topics/anti-war") == ["Stop the war", "No to the arms race"]
    assert titles(grouped, "/en/topics/declarations") == [
        "No to the arms race",
        "Founding declaration",
    ]


def test_topic_page_is_named_in_its_language_or_else_in_english(grouped: FlaskClient) -> None:
    french = parse(grouped.get("/fr/topics/contre-la-guerre"))
    assert fold(french.cssselect("h1")[0].text_content()) == "Contre la guerre"
    # Its French statement, then the one it lacks in French, in its original.
    assert titles(grouped, "/fr/topics/contre-la-guerre") == [
        "Arrêtez la guerre",
        "No to the arms race",
    ]
    # No French name: the English one, at the English slug.
    unnamed = grouped.get("/fr/topics/declarations")
    assert unnamed.status_code == 200
    assert fold(parse(unnamed).cssselect("h1")[0].text_content()) == "Declarations"


def test_a_topics_slug_in_another_language_redirects_to_its_own(grouped: FlaskClient) -> None:
    response = grouped.get("/fr/topics/anti-war")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/fr/topics/contre-la-guerre")


def test_unknown_topic_or_organisation_is_a_404(grouped: FlaskClient) -> None:
    assert grouped.get("/en/topics/no-such-topic").status_code == 404
    assert grouped.get("/en/topics/Bad_Slug").status_code == 404
    assert grouped.get("/en/organisations/no-such-group").status_code == 404
    assert grouped.get("/en/topics/no-such-topic/feed.atom").status_code == 404


def test_topic_pages_page_with_older_and_newer(configured_app, empty_app: Flask) -> None:  # type: ignore[no-untyped-def]
    add_grouped(empty_app)
    app = configured_app(ENTRIES_PER_PAGE=1)
    client = app.test_client()
    first = parse(client.get("/en/topics/anti-war"))
    older = first.cssselect("a[rel=next]")[0].get("href")
    assert "/en/topics/anti-war?older=" in older
    assert titles(client, older) == ["No to the arms race"]
    newer = parse(client.get(older)).cssselect("a[rel=prev]")[0].get("href")
    assert client.get(newer).status_code == 302  # the first page is the topic's own address


def test_statement_page_lists_its_topics_and_signatories(grouped: FlaskClient) -> None:
    page = parse(grouped.get("/fr/statements/arretez-la-guerre"))
    topics = page.cssselect(".statement-topics a")
    assert [(a.text_content(), a.get("href")) for a in topics] == [
        ("Contre la guerre", "/fr/topics/contre-la-guerre")
    ]
    signed = fold(page.cssselect(".statement-signatories")[0].text_content())
    assert "Groupe socialiste exemple (Allemagne)" in signed
    assert "Fictional Workers League (Royaume-Uni)" in signed
    links = [a.get("href") for a in page.cssselect(".statement-signatories a")]
    assert links == [
        "/fr/organisations/example-socialist-group",
        "/fr/organisations/fictional-workers-league",
    ]


def test_statement_without_groups_shows_neither(grouped: FlaskClient) -> None:
    page = parse(grouped.get("/en/statements/unrelated-news"))
    assert not page.cssselect(".statement-topics") and not page.cssselect(".statement-signatories")


def test_json_ld_names_the_signatories_as_contributors(grouped: FlaskClient) -> None:
    page = parse(grouped.get("/en/statements/stop-the-war"))
    data = json.loads(page.cssselect("script[type='application/ld+json']")[0].text)
    assert data["author"]["name"] == "International Socialist Tendency"
    assert data["contributor"] == [
        {
            "@type": "Organization",
            "name": "Example Socialist Group",
            "url": "https://example.org/group",
            "address": {"@type": "PostalAddress", "addressCountry": "DE"},
        },
        {
            "@type": "Organization",
            "name": "Fictional Workers League",
            "address": {"@type": "PostalAddress", "addressCountry": "GB"},
        },
    ]
    assert data["keywords"] == ["Anti-war"]


def test_organisation_page_lists_what_it_signed_with_country_and_address(
    grouped: FlaskClient,
) -> None:
    assert titles(grouped, "/en/organisations/fictional-workers-league") == [
        "Stop the war",
        "No to the arms race",
    ]
    page = parse(grouped.get("/fr/organisations/example-socialist-group"))
    assert fold(page.cssselect("h1")[0].text_content()) == "Groupe socialiste exemple"
    assert "Allemagne" in page.cssselect(".group-details")[0].text_content()
    link = page.cssselect(".group-details a")[0]
    assert link.get("href") == "https://example.org/group" and link.get("rel") == "noopener"


@pytest.mark.parametrize(
    "path", ["/en/topics/anti-war", "/en/organisations/fictional-workers-league"]
)
def test_group_pages_advertise_their_own_feeds(grouped: FlaskClient, path: str) -> None:
    page = parse(grouped.get(path))
    advertised = [link.get("href") for link in page.cssselect("head link[rel=alternate][type]")]
    for suffix in ("feed.atom", "feed.rss", "feed.json"):
        assert f"{path}/{suffix}" in advertised
        assert grouped.get(f"{path}/{suffix}").status_code == 200


def test_topic_feed_holds_only_the_topics_statements(grouped: FlaskClient) -> None:
    feed = feedparser.parse(grouped.get("/en/topics/anti-war/feed.atom").get_data())
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Stop the war", "No to the arms race"]
    assert feed.feed.title == "International Socialist Tendency: Anti-war"
    assert feed.feed.link.endswith("/en/topics/anti-war")
    rss = feedparser.parse(grouped.get("/fr/topics/contre-la-guerre/feed.rss").get_data())
    assert not rss.bozo, rss.bozo_exception
    assert [e.title for e in rss.entries] == ["Arrêtez la guerre"]
    document = json.loads(grouped.get("/en/topics/declarations/feed.json").get_data())
    assert [item["title"] for item in document["items"]] == [
        "No to the arms race",
        "Founding declaration",
    ]
    assert document["feed_url"].endswith("/en/topics/declarations/feed.json")


def test_feed_entries_name_their_signatories_as_contributors(grouped: FlaskClient) -> None:
    body = grouped.get("/en/feed.atom").get_data()
    root = etree.fromstring(body)
    atom = "{http://www.w3.org/2005/Atom}"
    entry = root.find(f"{atom}entry")
    assert entry.findtext(f"{atom}author/{atom}name") == "International Socialist Tendency"
    contributors = [
        (c.findtext(f"{atom}name"), c.findtext(f"{atom}uri"))
        for c in entry.findall(f"{atom}contributor")
    ]
    assert contributors == [
        ("Example Socialist Group", "https://example.org/group"),
        ("Fictional Workers League", None),
    ]
    rss = feedparser.parse(grouped.get("/fr/feed.rss").get_data())
    assert not rss.bozo, rss.bozo_exception
    creators = etree.fromstring(grouped.get("/fr/feed.rss").get_data()).findall(
        ".//item/{http://purl.org/dc/elements/1.1/}creator"
    )
    assert [c.text for c in creators] == ["Groupe socialiste exemple", "Fictional Workers League"]
    items = json.loads(grouped.get("/en/feed.json").get_data())["items"]
    assert [a["name"] for a in items[0]["authors"]] == [
        "International Socialist Tendency",
        "Example Socialist Group",
        "Fictional Workers League",
    ]


def test_topic_feeds_answer_304_to_their_etag(grouped: FlaskClient) -> None:
    for suffix in ("atom", "rss", "json"):
        first = grouped.get(f"/en/topics/anti-war/feed.{suffix}")
        assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
        again = grouped.get(
            f"/en/topics/anti-war/feed.{suffix}", headers={"If-None-Match": first.headers["ETag"]}
        )
        assert again.status_code == 304 and again.get_data() == b""


def test_search_can_be_narrowed_to_a_topic(grouped: FlaskClient) -> None:
    everything = titles(grouped, "/en/search?q=declaration")
    assert "Founding declaration" in everything
    narrowed = titles(grouped, "/en/search?q=arms&topic=anti-war")
    assert narrowed == ["No to the arms race"]
    assert titles(grouped, "/en/search?q=founding&topic=anti-war") == []
    # The French slug of a topic works on the language-less search too.
    assert titles(grouped, "/search?q=arms&topic=contre-la-guerre") == ["No to the arms race"]
    page = parse(grouped.get("/en/search?q=arms&topic=anti-war"))
    chosen = page.cssselect("select[name=topic] option[selected]")
    assert [option.get("value") for option in chosen] == ["anti-war"]


def test_search_with_an_unknown_topic_says_so(grouped: FlaskClient) -> None:
    response = grouped.get("/en/search?q=war&topic=no-such-topic")
    assert response.status_code == 404
    assert "There is no topic “no-such-topic”" in response.get_data(as_text=True)
    assert grouped.get("/en/search?q=war&topic=<script>").status_code == 404


def test_sitemap_lists_topic_and_organisation_pages(grouped: FlaskClient) -> None:
    body = grouped.get("/sitemap.xml").get_data(as_text=True)
    for path in (
        "/en/topics/anti-war",
        "/fr/topics/contre-la-guerre",
        "/fr/topics/declarations",
        "/de/organisations/fictional-workers-league",
    ):
        assert f"<loc>http://localhost{path}</loc>" in body, path


def test_a_topic_page_costs_the_same_however_many_statements_it_lists(
    empty_app: Flask,
) -> None:
    from test_query_count import queries_for

    add_grouped(empty_app)
    paths = ("/en/topics/anti-war", "/en/organisations/fictional-workers-league")
    before = {path: queries_for(empty_app, path) for path in paths}
    import_document(
        empty_app,
        {
            "statements": [
                statement(
                    f"2022-01-{day:02d}T00:00:00Z",
                    {"en": {"title": f"Against war {day}"}},
                    topics=["anti-war"],
                    signatories=["fictional-workers-league", "example-socialist-group"],
                )
                for day in range(1, 21)
            ]
        },
    )
    after = {path: queries_for(empty_app, path) for path in paths}
    assert before == after, (before, after)
    # The group and its names, the content version, then the page's rows.
    assert max(after.values()) <= 4, after
