"""Published addresses never change hands: an old slug keeps leading to its
statement, in the editor, in imports, and across export and import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in, statement_form
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient

from ist_flask.extensions import db
from ist_flask.models import Translation


def renamed(app: Flask, editor: FlaskClient) -> str:
    """A statement whose English slug went from "first-name" to "second-name"; its edit page."""
    add(app, statement("2024-01-01T00:00:00Z", {"en": {"title": "Renamed", "slug": "first-name"}}))
    with app.app_context():
        statement_id = db.session.scalar(
            db.select(Translation.statement_id).where(Translation.slug == "first-name")
        )
    path = f"/admin/statements/{statement_id}/edit"
    form = statement_form(editor, path)
    form["translation_en-slug"] = "second-name"
    assert post(editor, path, form).status_code == 302
    assert editor.get("/en/statements/first-name").headers["Location"].endswith("/second-name")
    return path


def test_the_editor_refuses_another_statements_old_slug(app: Flask, editor: FlaskClient) -> None:
    renamed(app, editor)
    response = post(editor, NEW, new_statement(**{"translation_en-slug": "first-name"}))
    assert response.status_code == 422
    assert (
        "This address used to belong to “Renamed” and still leads there: choose another slug."
        in response.get_data(as_text=True)
    )
    # The old address still leads where it did.
    assert editor.get("/en/statements/first-name").headers["Location"].endswith("/second-name")


def test_a_statement_may_take_back_its_own_old_slug(app: Flask, editor: FlaskClient) -> None:
    path = renamed(app, editor)
    form = statement_form(editor, path)
    form["translation_en-slug"] = "first-name"
    assert post(editor, path, form).status_code == 302
    assert editor.get("/en/statements/first-name").status_code == 200
    assert editor.get("/en/statements/second-name").headers["Location"].endswith("/first-name")


def test_an_import_refuses_another_statements_old_slug(
    app: Flask, editor: FlaskClient, tmp_path: Path
) -> None:
    renamed(app, editor)
    source = tmp_path / "takeover.json"
    source.write_text(
        json.dumps(
            {
                "statements": [
                    statement(
                        "2024-02-01T00:00:00Z", {"en": {"title": "New", "slug": "first-name"}}
                    )
                ]
            }
        )
    )
    result = app.test_cli_runner().invoke(args=["statements", "import", str(source)])
    assert result.exit_code == 1
    assert (
        'statement 1 ("New"): translations.en.slug: "first-name" is an old address of another '
        'statement ("Renamed"), which it still leads to'
    ) in result.output


def test_a_broken_file_lists_every_problem_at_once(app: Flask, tmp_path: Path) -> None:
    source = tmp_path / "broken.json"
    source.write_text(
        json.dumps(
            {
                "statements": [
                    statement("not a date", {"en": {"title": "Bad date"}}),
                    statement(
                        "2024-01-01T00:00:00Z",
                        {
                            "fr": {
                                "title": "Pris",
                                "slug": "liberez-frank-garcia-hernandez-et-ses-camarades",
                            }
                        },
                    ),
                ]
            }
        )
    )
    result = app.test_cli_runner().invoke(args=["statements", "import", str(source)])
    assert result.exit_code == 1
    assert "statement 1 (\"Bad date\"): published: 'not a date'" in result.output
    assert (
        'statement 2 ("Pris"): translations.fr.slug: "liberez-frank-garcia-hernandez-et-ses-camarades" '
        'is already used by another statement ("Libérez Frank García Hernández et ses camarades")'
    ) in result.output


def test_export_carries_old_slugs_so_a_moved_site_keeps_its_redirects(
    app: Flask, editor: FlaskClient, configured_app: Callable[..., Flask], tmp_path: Path
) -> None:
    renamed(app, editor)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert app.test_cli_runner().invoke(args=["statements", "export", str(first)]).exit_code == 0
    exported = json.loads(first.read_text())["statements"]
    moved = next(s for s in exported if s["translations"]["en"]["slug"] == "second-name")
    assert moved["translations"]["en"]["old_slugs"] == ["first-name"]

    # Another site, empty: the same database server, emptied.
    with app.app_context():
        for table in ("slug_redirects", "translations", "statements"):
            db.session.execute(db.text(f"DELETE FROM {table}"))
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["statements", "import", str(first)]).exit_code == 0
    assert runner.invoke(args=["statements", "export", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    response = app.test_client().get("/en/statements/first-name")
    assert response.status_code == 301 and response.headers["Location"].endswith("/second-name")


def test_generated_slugs_keep_to_the_configured_length_and_words(
    configured_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = configured_app(SLUG_MAX_LENGTH=40)
    long_title = "A very long title about the international solidarity of workers everywhere"
    add(
        app,
        statement("2024-03-08T00:00:00Z", {"en": {"title": "International Women's Day 2024"}}),
        statement("2024-03-09T00:00:00Z", {"en": {"title": long_title}}),
        statement("2024-03-10T00:00:00Z", {"en": {"title": long_title}}),
    )
    with app.app_context():
        slugs = set(db.session.scalars(db.select(Translation.slug)))
    assert "international-womens-day-2024" in slugs
    made = sorted(slug for slug in slugs if slug.startswith("a-very-long"))
    assert len(made) == 2 and all(len(slug) <= 40 for slug in made), made
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    form = new_statement(
        **{"translation_en-title": long_title + " again", "translation_fr-title": "Court"}
    )
    assert post(client, NEW, form).status_code == 302
    with app.app_context():
        saved = db.session.scalars(
            db.select(Translation.slug).where(Translation.title == long_title + " again")
        ).one()
    assert len(saved) <= 40 and saved.startswith("a-very-long-title")


def test_changing_only_a_slug_does_not_make_translations_out_of_date(
    app: Flask, editor: FlaskClient
) -> None:
    path = "/admin/statements/2/edit"
    with app.app_context():
        statement_id = db.session.scalar(
            db.select(Translation.statement_id).where(
                Translation.slug == "release-frank-garcia-hernandez-and-his-comrades"
            )
        )
    path = f"/admin/statements/{statement_id}/edit"
    form = statement_form(editor, path)
    form["translation_en-slug"] = "free-frank-garcia-hernandez"
    assert post(editor, path, form).status_code == 302
    page = editor.get("/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades")
    assert "may be out of date" not in page.get_data(as_text=True)
    assert "outdated" not in editor.get("/admin/").get_data(as_text=True).lower().split("legend")[0]
