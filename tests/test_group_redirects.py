"""Published URLs never break: a topic's or an organisation's page that
moves to a new slug leaves its old address answering with a 301."""

from __future__ import annotations

from admin_helpers import post
from flask import Flask
from flask.testing import FlaskClient
from test_group_editor import editor_of


def moved_to(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 301, (path, response.status_code)
    return response.headers["Location"]


def test_a_renamed_topic_slug_redirects_in_every_language(empty_app: Flask) -> None:
    editor = editor_of(empty_app)
    made = post(
        editor, "/admin/topics/new", {"name_en-name": "Housing", "name_fr-name": "Logement"}
    )
    edit = made.headers["Location"]
    reader = empty_app.test_client()
    assert reader.get("/de/topics/housing").status_code == 200  # no German name: the English one
    renamed = post(
        editor,
        edit,
        {"name_en-name": "Housing", "name_en-slug": "homes", "name_fr-name": "Logement",
         "name_fr-slug": "logement-pour-tous"},
    )  # fmt: skip
    assert renamed.status_code == 302, renamed.get_data(as_text=True)
    assert moved_to(reader, "/en/topics/housing").endswith("/en/topics/homes")
    assert moved_to(reader, "/fr/topics/logement").endswith("/fr/topics/logement-pour-tous")
    # A language that shows the English name followed it too.
    assert moved_to(reader, "/de/topics/housing").endswith("/de/topics/homes")
    # Feed readers subscribed to the old address follow too.
    assert moved_to(reader, "/en/topics/housing/feed.atom").endswith("/en/topics/homes/feed.atom")

    # Back to the first slug: it is the page again, and the second redirects.
    post(editor, edit, {"name_en-name": "Housing", "name_en-slug": "housing", "name_fr-name": "Logement",
                        "name_fr-slug": "logement-pour-tous"})  # fmt: skip
    assert reader.get("/en/topics/housing").status_code == 200
    assert moved_to(reader, "/en/topics/homes").endswith("/en/topics/housing")


def test_an_old_slug_taken_by_another_topic_is_that_topics_page(empty_app: Flask) -> None:
    editor = editor_of(empty_app)
    first = post(editor, "/admin/topics/new", {"name_en-name": "Housing"}).headers["Location"]
    post(editor, first, {"name_en-name": "Housing", "name_en-slug": "homes"})
    made = post(editor, "/admin/topics/new", {"name_en-name": "Housing", "name_en-slug": "housing"})
    assert made.status_code == 302, made.get_data(as_text=True)
    page = empty_app.test_client().get("/en/topics/housing")
    assert page.status_code == 200


def test_a_renamed_organisation_slug_redirects(empty_app: Flask) -> None:
    editor = editor_of(empty_app)
    fields = {"name": "Example League", "slug": "example-league", "country": "", "web_address": ""}
    made = post(editor, "/admin/organisations/new", fields)
    assert made.status_code == 302, made.get_data(as_text=True)
    renamed = post(editor, made.headers["Location"], {**fields, "slug": "example-workers-league"})
    assert renamed.status_code == 302, renamed.get_data(as_text=True)
    reader = empty_app.test_client()
    assert moved_to(reader, "/fr/organisations/example-league").endswith(
        "/fr/organisations/example-workers-league"
    )
    assert reader.get("/fr/organisations/example-workers-league").status_code == 200
