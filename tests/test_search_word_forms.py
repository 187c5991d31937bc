"""Search understands word forms in every language, the same on SQLite and
PostgreSQL: each language's Snowball stemmer, after removing accents.

The expected hits below are what both databases must give; the suite runs
on each, so a difference between them fails one of the two runs.
"""

from __future__ import annotations

import pytest
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import parse

# One statement per language, in words of one form...
CORPUS = {
    "en": ("Arrested comrades", "The police arrested socialists and striking workers."),
    "fr": ("Libérez nos camarades", "Nous dénonçons les arrestations de travailleurs en grève."),
    "es": ("Denunciamos la represión", "Los trabajadores detenidos y sus compañeros en huelga."),
    "de": ("Freiheit für die Genossen", "Die Verhaftungen der Arbeiter nach den Streiks."),
    "el": ("Ελευθερία στους συντρόφους", "Οι συλλήψεις των εργατών μετά τις απεργίες."),
    "tr": ("Yoldaşlarımıza özgürlük", "Grevlerden sonra işçilerin tutuklanması."),
    "ru": ("Свободу товарищам", "Аресты рабочих после забастовки."),
}
# ...found by other forms of its words, in the language's own search.
QUERIES = {
    "en": ["arrests", "comrade", "workers strike"],
    "fr": ["camarade", "arrestation", "travailleur grèves"],
    "es": ["denunciar", "detenido", "compañero huelgas"],
    "de": ["genosse", "verhaftung", "arbeitern streik"],
    "el": ["σύντροφοι", "εργάτες", "σύλληψη"],
    "tr": ["yoldaşlar", "işçiler", "grev"],
    "ru": ["товарищи", "арестов", "рабочие забастовка"],
}


@pytest.fixture
def corpus(empty_app: Flask) -> FlaskClient:
    """The corpus alone, without the demo content's words."""
    add(
        empty_app,
        *(
            statement(
                f"2024-06-0{n + 1}T00:00:00Z",
                {code: {"title": title, "slug": f"forms-{code}", "body": f"<p>{body}</p>"}},
            )
            for n, (code, (title, body)) in enumerate(CORPUS.items())
        ),
    )
    return empty_app.test_client()


def hits(client: FlaskClient, path: str, query: str) -> list[str]:
    response = client.get(path, query_string={"q": query})
    assert response.status_code == 200
    return [a.get("href") for a in parse(response).cssselect(".search-hit .entry-title a")]


@pytest.mark.parametrize(
    ("code", "query"), [(code, query) for code, queries in QUERIES.items() for query in queries]
)
def test_other_forms_of_a_word_find_it(corpus: FlaskClient, code: str, query: str) -> None:
    assert hits(corpus, f"/{code}/search", query) == [f"/{code}/statements/forms-{code}"]
    assert f"/{code}/statements/forms-{code}" in hits(corpus, "/search", query)


def test_a_form_of_another_word_finds_nothing(corpus: FlaskClient) -> None:
    assert hits(corpus, "/en/search", "comradeship") == []
    assert hits(corpus, "/en/search", "arrestee police") == []
    assert hits(corpus, "/fr/search", "camaraderie") == []


def test_a_quoted_phrase_finds_its_words_side_by_side(corpus: FlaskClient) -> None:
    assert hits(corpus, "/en/search", '"striking workers"') == ["/en/statements/forms-en"]
    assert hits(corpus, "/en/search", '"worker strikes"') == []
    assert hits(corpus, "/en/search", '"workers police"') == []
    assert hits(corpus, "/fr/search", '"arrestations de travailleurs"') == [
        "/fr/statements/forms-fr"
    ]
    assert hits(corpus, "/search", '"police arrested" comrades') == ["/en/statements/forms-en"]


def test_the_demo_content_answers_alike_on_both_databases(client: FlaskClient) -> None:
    """What a reader of the demo site finds, word forms included."""
    fr = "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"
    es = "/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros"
    assert hits(client, "/es/search", "denunciar") == [es]
    assert hits(client, "/fr/search", "arrestations") == [fr]
    assert set(hits(client, "/search", "socialism")) == {fr, es}


def test_snippets_mark_every_form_of_the_words(corpus: FlaskClient) -> None:
    page = parse(corpus.get("/en/search", query_string={"q": "arrests workers"}))
    marks = {m.text_content().lower() for m in page.cssselect(".search-hit mark")}
    assert {"arrested", "workers"} <= marks
