"""Published URLs never break: a topic's or an organisation's page that
moves to a new slug leaves its old address answering with a 301."""

from __future__ import annotations

import json
from pathlib import Path

from admin_helpers import post
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from test_group_cli import export
from test_group_editor import editor_of

from ist_flask.i18n import DEFAULT_LANGUAGES


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


def test_old_group_addresses_travel_with_export_and_import(
    empty_app: Flask, tmp_path: Path
) -> None:
    """A site moved by export and import keeps its groups' redirects, and the
    file of a site with them round-trips byte for byte."""
    editor = editor_of(empty_app)
    topic = post(
        editor, "/admin/topics/new", {"name_en-name": "Housing", "name_fr-name": "Logement"}
    )
    post(editor, topic.headers["Location"],
         {"name_en-name": "Housing", "name_en-slug": "homes", "name_fr-name": "Logement"})  # fmt: skip
    fields = {"name": "Example League", "slug": "example-league", "country": "", "web_address": ""}
    league = post(editor, "/admin/organisations/new", fields)
    post(editor, league.headers["Location"], {**fields, "slug": "example-workers-league"})
    first = export(empty_app.test_cli_runner(), tmp_path / "first.json")
    document = json.loads(first)
    assert document["topics"]["homes"]["old_slugs"] == {
        "en": ["housing"],
        **{code: ["housing"] for code in DEFAULT_LANGUAGES if code not in ("en", "fr")},
    }
    assert document["organisations"]["example-workers-league"]["old_slugs"] == ["example-league"]

    with empty_app.app_context():
        downgrade(revision="base")
        upgrade()
    runner = empty_app.test_cli_runner()
    imported = runner.invoke(args=["statements", "import", str(tmp_path / "first.json")])
    assert imported.exit_code == 0, imported.output
    reader = empty_app.test_client()
    assert moved_to(reader, "/de/topics/housing").endswith("/de/topics/homes")
    assert moved_to(reader, "/en/organisations/example-league").endswith(
        "/en/organisations/example-workers-league"
    )
    assert export(runner, tmp_path / "second.json") == first


def test_a_files_bad_old_slugs_are_refused_with_their_place(
    empty_app: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "topics": {"homes": {"en": {"name": "Homes", "slug": "homes"},
                                     "old_slugs": {"en": ["Not A Slug"], "xx": ["a"]}}},
                "organisations": {"league": {"name": "League", "old_slugs": "league-old"}},
                "statements": [],
            }
        )
    )  # fmt: skip
    result = empty_app.test_cli_runner().invoke(args=["statements", "import", str(path)])
    assert result.exit_code != 0
    assert "topics.homes.old_slugs" in result.output
    assert "organisations.league.old_slugs: must be a list of slugs" in result.output
