"""Search in every language: accents and case, ranking, paging, drafts, the box on every page."""

from __future__ import annotations

import pytest
from admin_helpers import csrf_token, make_maintainer, sign_in, statement_form
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import fold, parse
from sqlalchemy import delete

from ist_flask.extensions import db
from ist_flask.models import Statement, Translation

FR = "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"
EN = "/en/statements/release-frank-garcia-hernandez-and-his-comrades"


def result_links(client: FlaskClient, path: str, query: str, page: int = 1) -> list[str]:
    response = client.get(path, query_string={"q": query, "page": page})
    assert response.status_code == 200
    return [a.get("href") for a in parse(response).cssselect(".search-hit .entry-title a")]


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
