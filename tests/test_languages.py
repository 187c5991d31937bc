"""Languages: a section per language, negotiation on /, switcher, hreflang, right to left.
Dates and archives have tests/test_dates_and_archives.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import entries, fold, parse
from sqlalchemy import select

from ist_flask import PROJECT_ROOT
from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES, language_name
from ist_flask.models import Statement

FR_STATEMENT = "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"
NAMES = {"en": "English", "fr": "Français", "es": "Español", "de": "Deutsch", "el": "Ελληνικά",
         "tr": "Türkçe", "ru": "Русский", "ar": "العربية"}  # fmt: skip


def test_a_french_reader_on_the_front_page_gets_french_words_and_dates(
    client: FlaskClient,
) -> None:
    response = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    page = parse(response)
    assert page.get("lang") == "fr"
    shown = entries(page)
    assert {e["more"] for e in shown} == {"Déclaration complète"}
    assert shown[0]["date"] == "mardi 13 juillet 2021"
    # The front page still lists every language.
    assert [e["lang"] for e in shown] == ["en", "fr", "es", "en"]
    assert "Accept-Language" in response.headers["Vary"]


def test_the_front_page_defaults_to_english(client: FlaskClient) -> None:
    for header in ({}, {"Accept-Language": "ja, zh;q=0.8"}, {"Accept-Language": "*"}):
        page = parse(client.get("/", headers=header))
        assert page.get("lang") == "en"
        assert entries(page)[0]["more"] == "Full statement"


def test_a_language_page_is_not_negotiated(client: FlaskClient) -> None:
    response = client.get("/es/", headers={"Accept-Language": "fr"})
    assert "Accept-Language" not in response.headers.get("Vary", "")


def test_a_language_front_page_shows_its_translations_in_that_language(
    client: FlaskClient,
) -> None:
    page = parse(client.get("/es/"))
    assert page.get("lang") == "es"
    shown = [e for e in entries(page) if e["lang"] == "es"]
    assert [e["title"] for e in shown] == ["Liberar a Frank García Hernández y a sus compañeros"]
    assert shown[0]["date"] == "martes, 13 de julio de 2021"
    assert shown[0]["more"] == "Declaración completa"
    assert fold(page.cssselect("h1")[0].text_content()) == "Socialismo desde abajo"


def test_a_language_with_no_statements_says_so_in_its_language(app: Flask) -> None:
    with app.app_context():
        for statement in db.session.scalars(select(Statement)):
            db.session.delete(statement)
        db.session.commit()
    page = parse(app.test_client().get("/de/"))
    assert entries(page) == []
    assert "Sprache" in fold(page.cssselect("main")[0].text_content())


def test_about_pages_follow_their_language(client: FlaskClient) -> None:
    assert parse(client.get("/ru/about")).get("lang") == "ru"
    assert parse(client.get("/about", headers={"Accept-Language": "tr"})).get("lang") == "tr"


def test_a_statement_page_speaks_the_statement_language(client: FlaskClient) -> None:
    page = parse(client.get(FR_STATEMENT, headers={"Accept-Language": "de"}))
    assert page.get("lang") == "fr"
    assert fold(page.cssselect("time")[0].text_content()) == "mardi 13 juillet 2021"
    assert fold(page.cssselect(".site-nav a")[0].text_content()) == "Déclarations"


@pytest.mark.parametrize("path", ["/xx/", "/pl/about", "/zz/statements/x", "/EN/", "/en-gb/"])
def test_an_unsupported_language_in_the_url_is_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_switcher_names_each_language_in_itself(client: FlaskClient) -> None:
    page = parse(client.get("/"))
    links = page.cssselect(".language-switcher a")
    assert [a.get("lang") for a in links] == DEFAULT_LANGUAGES
    assert [fold(a.text_content()) for a in links] == [NAMES[code] for code in DEFAULT_LANGUAGES]
    assert [a.get("dir") for a in links] == [
        "rtl" if code == "ar" else "ltr" for code in DEFAULT_LANGUAGES
    ]


def test_the_switcher_leads_to_the_translation_or_the_page_that_says_it_lacks_one(
    client: FlaskClient,
) -> None:
    page = parse(client.get(FR_STATEMENT))
    links = {a.get("hreflang"): a.get("href") for a in page.cssselect(".language-switcher a")}
    assert links["en"] == "/en/statements/release-frank-garcia-hernandez-and-his-comrades"
    assert links["es"] == "/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros"
    # A language the statement lacks: its page there, by the original's slug, says so.
    assert links["de"] == "/de/statements/release-frank-garcia-hernandez-and-his-comrades"
    assert links["ru"] == "/ru/statements/release-frank-garcia-hernandez-and-his-comrades"
    current = page.cssselect(".language-switcher a[aria-current=page]")
    assert [a.get("hreflang") for a in current] == ["fr"]


def test_the_switcher_keeps_the_page(client: FlaskClient) -> None:
    page = parse(client.get("/fr/archive/2021/07"))
    links = {a.get("hreflang"): a.get("href") for a in page.cssselect(".language-switcher a")}
    assert links["el"] == "/el/archive/2021/07"
    page = parse(client.get("/fr/about"))
    assert {a.get("href") for a in page.cssselect(".language-switcher a")} >= {"/de/about"}


def test_entries_in_another_language_than_the_page_are_marked(client: FlaskClient) -> None:
    page = parse(client.get("/", headers={"Accept-Language": "de"}))
    articles = page.cssselect("article.entry")
    assert [a.get("lang") for a in articles] == ["en", "fr", "es", "en"]
    # The date and the link are interface text, in the page's language.
    assert articles[1].cssselect(".entry-date")[0].get("lang") == "de"


def test_statement_pages_carry_hreflang_alternates_x_default_and_canonical(
    client: FlaskClient,
) -> None:
    page = parse(client.get(FR_STATEMENT))
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in page.cssselect("head link[rel=alternate][hreflang]")
    }
    base = "http://localhost"
    assert alternates == {
        "en": f"{base}/en/statements/release-frank-garcia-hernandez-and-his-comrades",
        "fr": f"{base}{FR_STATEMENT}",
        "es": f"{base}/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros",
        "x-default": f"{base}/en/statements/release-frank-garcia-hernandez-and-his-comrades",
    }
    assert page.cssselect("head link[rel=canonical]")[0].get("href") == f"{base}{FR_STATEMENT}"


def test_language_front_pages_carry_alternates_for_every_language(client: FlaskClient) -> None:
    page = parse(client.get("/tr/?page=1", follow_redirects=True))
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in page.cssselect("head link[rel=alternate][hreflang]")
    }
    assert alternates["x-default"] == "http://localhost/"
    assert alternates["el"] == "http://localhost/el/"
    assert alternates["ar"] == "http://localhost/ar/"
    assert set(alternates) == {*DEFAULT_LANGUAGES, "x-default"}
    assert page.cssselect("link[rel=canonical]")[0].get("href") == "http://localhost/tr/"


def test_site_url_sets_the_absolute_urls(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(SITE_URL="https://example.org/")
    page = parse(app.test_client().get("/fr/"))
    assert page.cssselect("link[rel=canonical]")[0].get("href") == "https://example.org/fr/"


# Out-of-date translations ---------------------------------------------------------


def test_a_translation_older_than_its_edited_original_says_so(
    app: Flask, client: FlaskClient, runner
) -> None:
    add(
        app,
        statement(
            "2022-05-01T00:00:00Z",
            {
                "es": {
                    "title": "Original en español",
                    "slug": "original",
                    "updated": "2022-06-01T00:00:00Z",
                },
                "fr": {
                    "title": "Traduction",
                    "slug": "traduction",
                    "updated": "2022-05-01T00:00:00Z",
                },
                "en": {
                    "title": "Newer translation",
                    "slug": "newer",
                    "updated": "2022-07-01T00:00:00Z",
                },
            },
            original="es",
        ),
    )
    notice = parse(client.get("/fr/statements/traduction")).cssselect(".notice")
    assert [fold(n.text_content()) for n in notice] == [
        "Le texte original a été modifié depuis la dernière mise à jour de cette traduction."
    ]
    assert not parse(client.get("/en/statements/newer")).cssselect(".notice")
    assert not parse(client.get("/es/statements/original")).cssselect(".notice")

    listed = runner.invoke(args=["statements", "outdated"])
    assert listed.exit_code == 0
    assert listed.output.splitlines() == ["fr\ttraduction\tTraduction"]
    refused = runner.invoke(args=["statements", "outdated", "xx"])
    assert refused.exit_code == 2 and "not a supported language" in refused.output


def test_the_original_defaults_to_the_first_translation(app: Flask, runner, tmp_path: Path) -> None:
    add(
        app,
        statement("2022-05-01T00:00:00Z", {"de": {"title": "Zuerst"}, "en": {"title": "Second"}}),
    )
    out = tmp_path / "out.json"
    runner.invoke(args=["statements", "export", str(out)])
    assert '"original": "de"' in out.read_text(encoding="utf-8")


# Right to left --------------------------------------------------------------------


def test_a_right_to_left_language_takes_one_catalog_and_one_line(
    configured_app: Callable[..., Flask], tmp_path: Path
) -> None:
    # Persian, which the site does not ship: Arabic is shipped, tests/test_arabic.py.
    catalog = Catalog(locale="fa")
    catalog.add("Socialism From Below", "سوسیالیسم از پایین")
    folder = tmp_path / "fa" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)

    app = configured_app(
        LANGUAGES=[*DEFAULT_LANGUAGES, "fa"],
        BABEL_TRANSLATION_DIRECTORIES=f"{PROJECT_ROOT / 'translations'};{tmp_path}",
    )
    page = parse(app.test_client().get("/fa/"))
    assert (page.get("lang"), page.get("dir")) == ("fa", "rtl")
    assert fold(page.cssselect("h1")[0].text_content()) == "سوسیالیسم از پایین"
    switcher = page.cssselect(".language-switcher a[hreflang=fa]")[0]
    assert (fold(switcher.text_content()), switcher.get("dir")) == ("فارسی", "rtl")
    # The other pages keep their direction.
    assert parse(app.test_client().get("/fr/")).get("dir") == "ltr"


def test_language_names_are_capitalised_in_themselves() -> None:
    assert [language_name(code) for code in ("fr", "es", "ru", "tr")] == [
        "Français", "Español", "Русский", "Türkçe",
    ]  # fmt: skip
