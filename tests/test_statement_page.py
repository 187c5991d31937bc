"""A statement page: the whole text, marked with its language, and its other translations."""

from __future__ import annotations

from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import fold, parse

FR = "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"


def test_a_statement_shows_title_date_and_full_text(client: FlaskClient) -> None:
    page = parse(client.get(FR))
    article = page.cssselect("main article")[0]
    assert fold(article.cssselect("h1")[0].text_content()) == (
        "Libérez Frank García Hernández et ses camarades"
    )
    assert article.cssselect("time")[0].get("datetime") == "2021-07-13"
    body = fold(article.cssselect(".statement-body")[0].text_content())
    assert body.startswith("Depuis des années")
    assert "Nous appelons à la libération inconditionnelle de Frank ..." in body
    # The demo holds only what the original front page showed, and says so.
    assert body.endswith(
        "Contenu de démonstration : voici le début de la déclaration, tel que le montrait "
        "la page d’accueil d’origine de l’IST, qui en est aussi le résumé. Le texte complet "
        "ne fait pas partie de la démonstration."
    )


def test_every_demo_statement_says_it_is_an_excerpt(client: FlaskClient) -> None:
    for path in (
        "/en/statements/release-frank-garcia-hernandez-and-his-comrades",
        "/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros",
        "/en/statements/joint-statement-by-revolutionary-socialists-in-turkey-and-russia-on-the-situation-in-karabakh",
    ):
        body = fold(parse(client.get(path)).cssselect(".statement-body em")[-1].text_content())
        assert body.startswith(("Demo content:", "Contenido de demostración:")), path


def test_the_text_is_marked_with_its_language(client: FlaskClient) -> None:
    page = parse(client.get(FR))
    assert page.get("lang") == "fr"


def test_other_translations_are_named_in_their_own_language(client: FlaskClient) -> None:
    page = parse(client.get(FR))
    links = page.cssselect(".translations a")
    assert [(fold(a.text_content()), a.get("lang")) for a in links] == [
        ("English", "en"),
        ("Español", "es"),
    ]
    for link in links:
        assert client.get(link.get("href")).status_code == 200


def test_a_statement_in_one_language_lists_no_other_translations(client: FlaskClient) -> None:
    page = parse(
        client.get(
            "/en/statements/joint-statement-by-revolutionary-socialists-in-turkey-and-russia-on-the-situation-in-karabakh"
        )
    )
    assert not page.cssselect(".translations")


def test_an_unknown_slug_or_a_slug_in_the_wrong_language_is_404(client: FlaskClient) -> None:
    assert client.get("/fr/statements/no-such-statement").status_code == 404
    assert (
        client.get("/en/statements/liberez-frank-garcia-hernandez-et-ses-camarades").status_code
        == 404
    )


def test_a_statement_published_in_the_future_is_not_shown(app: Flask, client: FlaskClient) -> None:
    add(app, statement("2999-01-01T00:00:00Z", {"en": {"title": "Later", "slug": "later"}}))
    assert client.get("/en/statements/later").status_code == 404
    assert "Later" not in client.get("/").get_data(as_text=True)
