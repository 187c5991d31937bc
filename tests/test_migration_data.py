"""Upgrading a database with data through every migration and back loses no row."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import bindparam, inspect, text

from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES
from ist_flask.models import UTCDateTime
from ist_flask.statement_file import parse_statement_file

FIRST = "0001"
# Typed parameters store times the way each database's driver expects.
INSERT_STATEMENT = text(
    "INSERT INTO statements (published_at, original_language) VALUES (:published, :original) "
    "RETURNING id"
).bindparams(bindparam("published", type_=UTCDateTime()))
INSERT_TRANSLATION = text(
    "INSERT INTO translations (statement_id, language, title, slug, summary, body, updated_at) "
    "VALUES (:statement_id, :language, :title, :slug, :summary, :body, :updated)"
).bindparams(bindparam("updated", type_=UTCDateTime()))


def later_revisions(app: Flask) -> list[str]:
    """Every revision after the first, oldest first."""
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [r.revision for r in reversed(list(script.walk_revisions())) if r.revision != FIRST]


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("statements", "translations")
        }


def add_at_first_revision(published: datetime, original: str, translations: list[dict]) -> None:
    statement_id = db.session.execute(
        INSERT_STATEMENT, {"published": published, "original": original}
    ).scalar_one()
    db.session.execute(
        INSERT_TRANSLATION, [{"statement_id": statement_id, **t} for t in translations]
    )


def fill_with_the_first_schemas_columns(app: Flask) -> None:
    """The demo content and 1,000 generated statements, with only the columns
    that revision 0001 has (no status, no version, no Markdown)."""
    demo = resources.files("ist_flask").joinpath("demo/statements.json").read_text("utf-8")
    with app.app_context():
        for number, record in enumerate(parse_statement_file(demo, DEFAULT_LANGUAGES)):
            add_at_first_revision(
                record.published,
                record.original,
                [
                    {
                        "language": t.language,
                        "title": t.title,
                        "slug": f"demo-{number}",
                        "summary": t.summary,
                        "body": t.body,
                        "updated": record.published,
                    }
                    for t in record.translations
                ],
            )
        for n in range(1000):
            add_at_first_revision(
                datetime(2019, 1, 1 + n % 28, n % 24, n % 60, tzinfo=UTC),
                "en",
                [
                    {
                        "language": language,
                        "title": f"Generated {n}",
                        "slug": f"generated-{n}",
                        "summary": None,
                        "body": "<p>Body.</p>",
                        "updated": datetime(2019, 2, 1, tzinfo=UTC),
                    }
                    for language in ("en", "fr")
                ],
            )
        db.session.commit()


def move_to(app: Flask, revision: str, up: bool) -> None:
    with app.app_context():
        (upgrade if up else downgrade)(revision=revision)
        db.session.remove()


@pytest.mark.slow  # 1,000 statements through every migration
def test_every_migration_up_and_down_keeps_every_row(empty_app: Flask) -> None:
    move_to(empty_app, FIRST, up=False)
    fill_with_the_first_schemas_columns(empty_app)
    expected = counts(empty_app)
    assert expected == {"statements": 1002, "translations": 2004}

    revisions = later_revisions(empty_app)
    assert revisions, "there are migrations after the first"
    for revision in revisions:
        move_to(empty_app, revision, up=True)
        assert counts(empty_app) == expected, f"after upgrading to {revision}"
    for revision in reversed([FIRST, *revisions[:-1]]):
        move_to(empty_app, revision, up=False)
        assert counts(empty_app) == expected, f"after downgrading to {revision}"
    with empty_app.app_context():
        assert "site_state" not in inspect(db.engine).get_table_names()
    move_to(empty_app, "head", up=True)
    assert counts(empty_app) == expected
    # The upgraded rows read as published statements on the site.
    assert "Generated 0" in empty_app.test_client().get("/fr/archive/2019/01").get_data(
        as_text=True
    )
