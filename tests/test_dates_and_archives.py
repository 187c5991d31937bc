"""Dates in each language's own form and the site's time zone; the month archives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import entries, fold, parse

from ist_flask.i18n import date_words


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (1, "Thursday 1st July 2021"),
        (2, "Friday 2nd July 2021"),
        (3, "Saturday 3rd July 2021"),
        (4, "Sunday 4th July 2021"),
        (11, "Sunday 11th July 2021"),
        (12, "Monday 12th July 2021"),
        (13, "Tuesday 13th July 2021"),
        (21, "Wednesday 21st July 2021"),
        (22, "Thursday 22nd July 2021"),
        (23, "Friday 23rd July 2021"),
        (24, "Saturday 24th July 2021"),
        (31, "Saturday 31st July 2021"),
    ],
)
def test_english_dates_have_ordinal_suffixes(day: int, words: str) -> None:
    assert date_words(date(2021, 7, day), "en") == words


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Tuesday 13th July 2021"),
        ("fr", "mardi 13 juillet 2021"),
        ("es", "martes, 13 de julio de 2021"),
        ("de", "Dienstag, 13. Juli 2021"),
        ("el", "Τρίτη 13 Ιουλίου 2021"),  # the month in the genitive
        ("tr", "13 Temmuz 2021 Salı"),
        ("ru", "вторник, 13 июля 2021\u202fг."),  # genitive month; CLDR's narrow no-break space
    ],
)
def test_each_language_writes_dates_in_its_own_form(language: str, words: str) -> None:
    assert date_words(date(2021, 7, 13), language) == words


def test_dates_are_written_in_the_site_time_zone(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(TIMEZONE="Asia/Tokyo")
    add(app, statement("2021-07-12T23:30:00Z", {"en": {"title": "Late in London"}}))
    shown = entries(parse(app.test_client().get("/")))
    assert shown[0]["date"] == "Tuesday 13th July 2021"
    assert shown[0]["datetime"] == "2021-07-13"


def test_the_month_archive_lists_that_month_only(app: Flask, client: FlaskClient) -> None:
    add(app, statement("2021-08-01T00:00:00Z", {"en": {"title": "August"}}))
    page = parse(client.get("/archive/2021/07"))
    assert [e["title"] for e in entries(page)] == [
        "Release Frank García Hernández And His Comrades",
        "Libérez Frank García Hernández et ses camarades",
        "Liberar a Frank García Hernández y a sus compañeros",
    ]
    assert fold(page.cssselect("h1")[0].text_content()) == "July 2021"
    fr = parse(client.get("/fr/archive/2021/07"))
    assert [e["lang"] for e in entries(fr)] == ["fr"]
    assert fold(fr.cssselect("h1")[0].text_content()) == "Juillet 2021"


def test_the_archive_months_follow_the_site_time_zone(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(TIMEZONE="Europe/Athens")
    add(app, statement("2021-06-30T22:30:00Z", {"en": {"title": "Athens July"}}))
    client = app.test_client()
    assert "Athens July" in client.get("/archive/2021/07").get_data(as_text=True)
    assert "Athens July" not in client.get("/archive/2021/06").get_data(as_text=True)


def test_the_archive_index_counts_each_month(client: FlaskClient) -> None:
    page = parse(client.get("/archive"))
    items = [fold(li.text_content()) for li in page.cssselect(".archive-months li")]
    assert items == ["July 2021 (1 statement)", "November 2020 (1 statement)"]
    # Every statement is in every language's section, translated or not.
    ru = parse(client.get("/ru/archive"))
    assert len(ru.cssselect(".archive-months li")) == 2


def test_the_front_page_links_to_the_archive(client: FlaskClient) -> None:
    page = parse(client.get("/fr/"))
    assert "/fr/archive" in [a.get("href") for a in page.cssselect("main a")]


def test_the_old_archive_query_redirects_permanently(client: FlaskClient) -> None:
    response = client.get("/?fm=07&fy=2021")
    assert response.status_code == 301
    assert response.headers["Location"] == "/archive/2021/07"
    assert client.get("/?fm=13&fy=2021").status_code == 404
    assert client.get("/?fm=x&fy=2021").status_code == 404
