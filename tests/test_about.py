"""The About page: what the IST is, its member organisations, and its feeds
as one table of languages by formats."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from pages import fold, parse
from test_query_count import queries_for

from ist_flask.feed_links import page_feeds
from ist_flask.i18n import DEFAULT_LANGUAGES


def test_about_lists_the_member_organisations_in_the_page_language(app: Flask) -> None:
    runner = app.test_cli_runner()
    for arguments in (
        ["example-workers", "Example Workers' League", "--country", "GB",
         "--web-address", "https://workers.example.org", "--name-in", "fr=Ligue ouvrière exemple"],
        ["sample-socialists", "Sample Socialists", "--country", "DE"],
    ):  # fmt: skip
        result = runner.invoke(args=["organisations", "add", *arguments])
        assert result.exit_code == 0, result.output
    page = parse(app.test_client().get("/fr/about"))
    members = [fold(li.text_content()) for li in page.cssselect(".members li")]
    assert members == [
        "Ligue ouvrière exemple · Royaume-Uni · workers.example.org",
        "Sample Socialists · Allemagne",
    ]
    links = [a.get("href") for a in page.cssselect(".members a")]
    assert links[:2] == ["/fr/organisations/example-workers", "https://workers.example.org"]
    assert "external" in page.cssselect(".members a")[1].get("rel")


def test_about_without_organisations_says_where_they_will_be(client: FlaskClient) -> None:
    page = parse(client.get("/about"))
    assert not page.cssselect(".members")
    assert "sign each statement" in fold(page.cssselect("main")[0].text_content())


def test_about_gives_the_feeds_as_one_table_of_languages_by_formats(
    client: FlaskClient, app: Flask
) -> None:
    page = parse(client.get("/about"))
    (table,) = page.cssselect("table.feed-table")
    header = [fold(th.text_content()) for th in table.cssselect("thead th")]
    assert header == ["Language", "Atom", "RSS", "JSON Feed"]
    rows = table.cssselect("tbody tr")
    assert len(rows) == 1 + len(DEFAULT_LANGUAGES)
    with app.test_request_context():
        for row, code in zip(rows, [None, *DEFAULT_LANGUAGES], strict=True):
            hrefs = [a.get("href") for a in row.cssselect("td a")]
            assert hrefs == [feed.url for feed in page_feeds(code)]
    assert fold(rows[2].cssselect("th")[0].text_content()) == "Français"


def test_about_reads_its_organisations_in_a_fixed_number_of_queries(app: Flask) -> None:
    """The content version, the organisations, their names: nothing the page
    does not show (the old slugs only the export reads), however many there are."""
    runner = app.test_cli_runner()
    counts = []
    for n in range(3):
        result = runner.invoke(args=["organisations", "add", f"example-{n}", f"Example {n}"])
        assert result.exit_code == 0, result.output
        counts.append(queries_for(app, "/fr/about"))
    assert counts == [3, 3, 3]
