"""Maintainers write, preview, publish, edit and delete statements in the editor."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest
from admin_helpers import (
    NEW,
    count_statements,
    new_statement,
    post,
    statement_form,
    stored,
)
from flask import Flask
from flask.testing import FlaskClient
from pages import entries, fold, parse
from sqlalchemy import update

from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES
from ist_flask.models import Translation


def test_the_list_shows_statements_newest_first_with_each_language(editor: FlaskClient) -> None:
    page = parse(editor.get("/admin/"))
    rows = page.cssselect("tbody tr")
    assert [fold(r.cssselect("td")[2].text_content()) for r in rows] == [
        "Release Frank García Hernández And His Comrades",
        "Joint statement by revolutionary socialists in Turkey and Russia on the situation in Karabakh",
    ]
    first = [fold(td.text_content()) for td in rows[0].cssselect("td.state")]
    translated = {"en", "fr", "es"}
    assert first == ["present" if code in translated else "missing" for code in DEFAULT_LANGUAGES]


def test_the_list_shows_draft_and_possibly_outdated_translations(
    app: Flask, editor: FlaskClient
) -> None:
    post(editor, NEW, new_statement(status="draft", **{"translation_en-title": "A draft"}))
    with app.app_context():
        db.session.execute(
            update(Translation)
            .where(Translation.slug == "release-frank-garcia-hernandez-and-his-comrades")
            .values(updated_at=datetime(2022, 1, 1, tzinfo=UTC))
        )
        db.session.commit()
    rows = parse(editor.get("/admin/")).cssselect("tbody tr")
    by_title = {fold(r.cssselect("td")[2].text_content()): r for r in rows}
    draft = [fold(td.text_content()) for td in by_title["A draft"].cssselect("td.state")][:3]
    assert draft == ["draft", "draft", "missing"]
    assert fold(by_title["A draft"].cssselect("td")[1].text_content()) == "draft"
    edited = by_title["Release Frank García Hernández And His Comrades"]
    assert [fold(td.text_content()) for td in edited.cssselect("td.state")][:3] == [
        "present", "may be out of date", "may be out of date",
    ]  # fmt: skip


def test_the_list_searches_by_title(editor: FlaskClient) -> None:
    rows = parse(editor.get("/admin/?q=KARABAKH")).cssselect("tbody tr")
    assert len(rows) == 1
    assert "Karabakh" in rows[0].text_content()
    assert parse(editor.get("/admin/?q=camarades")).cssselect("tbody tr")
    assert "No statement matches." in editor.get("/admin/?q=%25_nothing").get_data(as_text=True)


def test_a_maintainer_publishes_a_statement_in_two_languages(
    app: Flask, editor: FlaskClient
) -> None:
    response = post(editor, NEW, new_statement())
    assert response.status_code == 302
    assert "Saved." in editor.get(response.headers["Location"]).get_data(as_text=True)

    assert entries(parse(editor.get("/")))[0]["title"] == "Solidarity with the strikers"
    assert entries(parse(editor.get("/fr/")))[0]["title"] == "Solidarité avec les grévistes"
    feed = feedparser.parse(editor.get("/fr/feed.atom").get_data())
    assert feed.entries[0].title == "Solidarité avec les grévistes"

    page = parse(editor.get("/en/statements/solidarity-with-the-strikers"))
    body = page.cssselect(".statement-body")[0]
    assert body.cssselect("strong")[0].text == "strikers"
    assert body.cssselect("blockquote")


def test_preview_shows_the_statement_and_saves_nothing(app: Flask, editor: FlaskClient) -> None:
    before = count_statements(app)
    response = post(editor, NEW, new_statement(action="preview"))
    assert response.status_code == 200
    preview = parse(response).cssselect(".preview")[0]
    assert "Solidarity with the strikers" in preview.text_content()
    assert preview.cssselect("strong")[0].text == "strikers"
    assert count_statements(app) == before
    # The form still holds what was written.
    form = parse(response).cssselect("form.editor-form")[0]
    assert (
        form.cssselect("input[name='translation_en-title']")[0].get("value")
        == "Solidarity with the strikers"
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"translation_en-title": ""}, "translation_en-title", "A title is needed."),
        ({"translation_fr-body": ""}, "translation_fr-body", "A text is needed."),
        ({"translation_en-slug": "Not A Slug"}, "translation_en-slug", "lower-case letters"),
        ({"translation_en-title": "x" * 301}, "translation_en-title", "300"),
        ({"published_at": "someday"}, "published_at", "Not a valid datetime value."),
        (
            {"original_language": "de"},
            "original_language",
            "The original language needs a translation.",
        ),
        (
            {"translation_en-slug": "release-frank-garcia-hernandez-and-his-comrades"},
            "translation_en-slug",
            "Another statement uses this address",
        ),
    ],
)
def test_a_validation_error_is_shown_by_its_field_and_nothing_is_saved(
    app: Flask, editor: FlaskClient, overrides: dict[str, str], field: str, message: str
) -> None:
    before = count_statements(app)
    response = post(editor, NEW, new_statement(**overrides))
    assert response.status_code == 422
    page = parse(response)
    error = page.cssselect(f"#{field}-error")
    assert error and message in error[0].text_content()
    assert page.cssselect(f"[name='{field}']")[0].get("aria-invalid") == "true"
    assert count_statements(app) == before


def test_slugs_are_made_from_titles_unless_given(app: Flask, editor: FlaskClient) -> None:
    post(editor, NEW, new_statement(**{"translation_fr-slug": "greve"}))
    assert stored(app, "en", "solidarity-with-the-strikers").title == "Solidarity with the strikers"
    assert stored(app, "fr", "greve").title == "Solidarité avec les grévistes"


def edit_path(app: Flask, slug: str) -> str:
    return f"/admin/statements/{stored(app, 'en', slug).statement_id}/edit"


def test_changing_a_slug_keeps_the_old_url_as_a_redirect(app: Flask, editor: FlaskClient) -> None:
    post(editor, NEW, new_statement())
    path = edit_path(app, "solidarity-with-the-strikers")
    form = statement_form(editor, path)
    form["translation_en-slug"] = "strike-solidarity"
    assert post(editor, path, {**form, "action": "save"}).status_code == 302
    old = editor.get("/en/statements/solidarity-with-the-strikers")
    assert old.status_code == 301
    assert old.headers["Location"] == "/en/statements/strike-solidarity"
    assert editor.get("/en/statements/strike-solidarity").status_code == 200
    # Going back to the first slug works too, and the other one now redirects.
    form = statement_form(editor, path)
    form["translation_en-slug"] = "solidarity-with-the-strikers"
    post(editor, path, {**form, "action": "save"})
    assert editor.get("/en/statements/solidarity-with-the-strikers").status_code == 200
    assert editor.get("/en/statements/strike-solidarity").headers["Location"] == (
        "/en/statements/solidarity-with-the-strikers"
    )


def test_the_second_of_two_saves_is_told_and_overwrites_nothing(
    app: Flask, editor: FlaskClient
) -> None:
    post(editor, NEW, new_statement())
    path = edit_path(app, "solidarity-with-the-strikers")
    first, second = statement_form(editor, path), statement_form(editor, path)

    first["translation_en-title"] = "First editor's title"
    assert post(editor, path, {**first, "action": "save"}).status_code == 302
    second["translation_en-title"] = "Second editor's title"
    response = post(editor, path, {**second, "action": "save"})

    assert response.status_code == 409
    page = parse(response)
    assert "Someone else saved this statement" in page.cssselect("[role=alert]")[0].text_content()
    # The second editor's words are still in the form, and the first's are stored.
    assert (
        page.cssselect("input[name='translation_en-title']")[0].get("value")
        == "Second editor's title"
    )
    assert stored(app, "en", "solidarity-with-the-strikers").title == "First editor's title"


def test_editing_a_published_translation_moves_its_updated_time(
    app: Flask, editor: FlaskClient
) -> None:
    post(editor, NEW, new_statement())
    path = edit_path(app, "solidarity-with-the-strikers")
    before = stored(app, "fr", "solidarite-avec-les-grevistes").updated_at
    etag = editor.get("/fr/feed.atom").headers["ETag"]
    untouched_en = stored(app, "en", "solidarity-with-the-strikers").updated_at

    form = statement_form(editor, path)
    form["translation_fr-body"] = "Nous sommes aux côtés des grévistes, partout."
    post(editor, path, {**form, "action": "save"})

    after = stored(app, "fr", "solidarite-avec-les-grevistes").updated_at
    assert after > before
    assert stored(app, "en", "solidarity-with-the-strikers").updated_at == untouched_en
    response = editor.get("/fr/feed.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert feedparser.parse(response.get_data()).entries[0].updated == after.isoformat()


def test_a_translation_can_be_added_and_removed(app: Flask, editor: FlaskClient) -> None:
    post(editor, NEW, new_statement())
    path = edit_path(app, "solidarity-with-the-strikers")
    form = statement_form(editor, path)
    form["translation_de-title"] = "Solidarität mit den Streikenden"
    form["translation_de-body"] = "Wir stehen an der Seite der Streikenden."
    form["translation_fr-remove"] = "y"
    post(editor, path, {**form, "action": "save"})
    assert editor.get("/de/statements/solidaritat-mit-den-streikenden").status_code == 200
    assert editor.get("/fr/statements/solidarite-avec-les-grevistes").status_code == 404


def test_delete_asks_for_confirmation_first(app: Flask, editor: FlaskClient) -> None:
    post(editor, NEW, new_statement())
    sid = stored(app, "en", "solidarity-with-the-strikers").statement_id
    confirm = editor.get(f"/admin/statements/{sid}/delete")
    assert "cannot be undone" in confirm.get_data(as_text=True)
    assert editor.get("/en/statements/solidarity-with-the-strikers").status_code == 200
    response = post(editor, f"/admin/statements/{sid}/delete", {})
    assert response.status_code == 302
    assert editor.get("/en/statements/solidarity-with-the-strikers").status_code == 404
    assert editor.get(f"/admin/statements/{sid}/edit").status_code == 404
