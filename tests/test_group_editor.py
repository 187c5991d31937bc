"""The editor's topics and organisations, and choosing them for a statement."""

from __future__ import annotations

from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in, statement_form
from flask import Flask
from flask.testing import FlaskClient
from pages import parse


def editor_of(app: Flask) -> FlaskClient:
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    return client


def test_maintainer_creates_a_topic_and_an_organisation_and_signs_a_statement(
    empty_app: Flask,
) -> None:
    editor = editor_of(empty_app)
    made = post(
        editor,
        "/admin/topics/new",
        {"name_en-name": "Housing", "name_en-slug": "", "name_fr-name": "Logement"},
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    made = post(
        editor,
        "/admin/organisations/new",
        {
            "name": "Example Tenants Union",
            "slug": "example-tenants-union",
            "country": "ie",
            "web_address": "https://example.com/tenants",
            "name_fr": "Syndicat exemple des locataires",
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)

    form = parse(editor.get(NEW))
    topic_box = form.cssselect("input[name=topics]")[0]
    signatory_box = form.cssselect("input[name=signatories]")[0]
    saved = post(
        editor,
        NEW,
        new_statement(topics=topic_box.get("value"), signatories=signatory_box.get("value")),
    )
    assert saved.status_code == 302
    reader = empty_app.test_client()
    page = reader.get("/fr/statements/solidarite-avec-les-grevistes").get_data(as_text=True)
    assert "Logement" in page and "Syndicat exemple des locataires" in page and "Irlande" in page
    listed = reader.get("/fr/topics/logement").get_data(as_text=True)
    assert "Solidarité avec les grévistes" in listed

    # The form opens with them ticked, and unticking them removes them.
    edit_path = saved.headers["Location"]
    data = statement_form(editor, edit_path)
    assert data["topics"] == topic_box.get("value")
    del data["topics"], data["signatories"]
    assert post(editor, edit_path, {**data, "action": "save"}).status_code == 302
    page = reader.get("/en/statements/solidarity-with-the-strikers").get_data(as_text=True)
    assert "Housing" not in page and "Example Tenants Union" not in page


def test_group_forms_refuse_bad_input_and_keep_it(empty_app: Flask) -> None:
    editor = editor_of(empty_app)
    response = post(
        editor,
        "/admin/organisations/new",
        {"name": "X", "slug": "Bad Slug", "country": "Narnia", "web_address": "javascript:x"},
    )
    assert response.status_code == 422
    page = parse(response)
    assert len(page.cssselect(".field-error")) == 3
    assert page.cssselect("input[name=name]")[0].get("value") == "X"
    empty = post(editor, "/admin/topics/new", {})
    assert empty.status_code == 422
    assert "Name the topic in at least one language." in empty.get_data(as_text=True)


def test_a_topic_slug_another_topic_has_is_refused(empty_app: Flask) -> None:
    editor = editor_of(empty_app)
    assert post(editor, "/admin/topics/new", {"name_en-name": "War"}).status_code == 302
    again = post(editor, "/admin/topics/new", {"name_en-name": "Other", "name_en-slug": "war"})
    assert again.status_code == 422
    assert "Another topic has this address" in again.get_data(as_text=True)


def test_group_forms_need_a_csrf_token_and_a_maintainer(empty_app: Flask) -> None:
    anonymous = empty_app.test_client()
    assert anonymous.get("/admin/topics").status_code in (302, 401)
    editor = editor_of(empty_app)
    refused = editor.post("/admin/topics/new", data={"name_en-name": "War"})
    assert refused.status_code in (400, 422)
    assert "War" not in editor.get("/admin/topics").get_data(as_text=True)
