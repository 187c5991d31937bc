"""No empty sections: a language's section lists the statements it lacks too,
in the language they exist in and marked so; a statement asked for in a
language it lacks says so and links to the languages it has."""

from __future__ import annotations

from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import entries, fold, parse

RELEASE_EN = "/en/statements/release-frank-garcia-hernandez-and-his-comrades"


def test_a_section_without_translations_lists_every_statement_in_its_original(
    client: FlaskClient,
) -> None:
    page = parse(client.get("/de/"))
    shown = entries(page)
    assert [e["lang"] for e in shown] == ["en", "en"]
    assert shown[0]["href"] == RELEASE_EN
    # The page speaks German; each entry says, in German, what it is.
    assert page.get("lang") == "de"
    for article in page.cssselect("article.entry"):
        mark = article.cssselect(".entry-language")[0]
        assert mark.get("lang") == "de"
        assert mark.cssselect("span[lang=en]")[0].text_content() == "English"
        assert "Noch nicht" in fold(mark.text_content())
        assert {a.get("hreflang") for a in article.cssselect("a")} == {"en"}
    assert page.cssselect(".section-note")


def test_a_section_shows_its_own_translation_and_falls_back_for_the_rest(
    client: FlaskClient,
) -> None:
    page = parse(client.get("/fr/"))
    by_lang = {e["lang"]: e for e in entries(page)}
    # The July statement exists in French; the Karabakh one does not.
    assert len(entries(page)) == 2
    assert by_lang["fr"]["title"] == "Libérez Frank García Hernández et ses camarades"
    french = page.cssselect("article.entry[lang=fr]")[0]
    assert not french.cssselect(".entry-language")
    assert all(a.get("hreflang") is None for a in french.cssselect("a"))
    assert "en" in by_lang


def test_the_all_languages_page_marks_nothing(client: FlaskClient) -> None:
    page = parse(client.get("/"))
    assert entries(page)
    assert not page.cssselect(".entry-language, .section-note")


def test_older_pages_of_a_section_list_each_statement_once(app: Flask) -> None:
    app.config["ENTRIES_PER_PAGE"] = 4
    add(
        app,
        *(
            statement(
                f"2022-01-{day:02d}T12:00:00+00:00",
                {
                    "en": {"title": f"Day {day}"},
                    **({"de": {"title": f"Tag {day}"}} if day % 3 else {}),
                },
            )
            for day in range(1, 12)
        ),
    )
    client = app.test_client()
    seen: list[str] = []
    path: str | None = "/de/"
    while path:
        page = parse(client.get(path))
        seen += [e["title"] for e in entries(page)]
        older = page.cssselect(".pagination a[rel=next]")
        path = older[0].get("href") if older else None
    expected = [f"Tag {d}" if d % 3 else f"Day {d}" for d in range(11, 0, -1)]
    assert seen[: len(expected)] == expected
    # Then the demo's two statements, in English: none twice, none left out.
    assert len(seen) == len(expected) + 2 == len(set(seen))


def test_a_statement_in_a_language_it_lacks_links_to_the_languages_it_has(
    client: FlaskClient,
) -> None:
    response = client.get("/de/statements/release-frank-garcia-hernandez-and-his-comrades")
    # Still a 404 for robots, but not a bare one.
    assert response.status_code == 404
    page = parse(response)
    assert page.get("lang") == "de"
    assert page.cssselect('meta[name=robots][content="noindex"]')
    links = {a.get("hreflang"): a.get("href") for a in page.cssselect(".available-languages a")}
    assert links == {
        "en": RELEASE_EN,
        "fr": "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades",
        "es": "/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros",
    }
    assert "übersetzt" in fold(page.cssselect("main")[0].text_content())


def test_an_unknown_statement_is_still_a_plain_404(client: FlaskClient) -> None:
    response = client.get("/de/statements/no-such-statement")
    assert response.status_code == 404
    assert not parse(response).cssselect(".available-languages")


def test_a_draft_is_not_revealed_by_its_slug_in_another_language(app: Flask) -> None:
    add(
        app,
        statement("2022-02-01T12:00:00+00:00", {"en": {"title": "Secret plan"}}, status="draft"),
    )
    response = app.test_client().get("/de/statements/secret-plan")
    assert response.status_code == 404
    assert "Secret plan" not in response.get_data(as_text=True)
