"""The database itself holds the rules, whatever code writes to it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from ist_flask.extensions import db
from ist_flask.models import Statement, Translation

NOW = "2021-07-13 00:00:00"


def insert_translation(app: Flask, **overrides: object) -> None:
    """Insert a translation row with raw SQL, past the Python code, to test the schema."""
    with app.app_context():
        newest, oldest = db.session.execute(
            select(Statement.id).order_by(Statement.published_at.desc())
        ).scalars()
    row: dict[str, object] = {
        "statement_id": oldest,
        "language": "de",
        "title": "T",
        "slug": "fresh-slug",
        "body": "<p>b</p>",
        "updated_at": NOW,
    }
    row.update({key: newest if value == "NEWEST" else value for key, value in overrides.items()})
    with app.app_context():
        try:
            db.session.execute(
                text(
                    "INSERT INTO translations (statement_id, language, title, slug, body, updated_at)"
                    " VALUES (:statement_id, :language, :title, :slug, :body, :updated_at)"
                ),
                row,
            )
            db.session.commit()
        finally:
            db.session.rollback()


def test_a_well_formed_row_is_accepted(app: Flask) -> None:
    insert_translation(app)


@pytest.mark.parametrize(
    "overrides",
    [
        {"language": "en"},  # a second English translation of one statement
        {"statement_id": "NEWEST", "language": "en", "slug": "release-frank-garcia-hernandez-and-his-comrades"},
        {"title": None},
        {"slug": None},
        {"body": None},
        {"language": None},
        {"updated_at": None},
        {"title": ""},
        {"slug": ""},
        {"statement_id": 999999},
    ],
    ids=str,
)  # fmt: skip
def test_the_schema_refuses_what_the_model_forbids(app: Flask, overrides: dict) -> None:
    with pytest.raises(IntegrityError):
        insert_translation(app, **overrides)


def test_the_same_slug_may_be_used_in_two_languages(app: Flask) -> None:
    with app.app_context():
        statement = db.session.execute(select(Statement).order_by(Statement.id)).scalars().first()
        slug = statement.translations[0].slug
        statement.translations.append(
            Translation(language="de", title="T", slug=slug, body="b", updated_at=datetime.now(UTC))
        )
        db.session.commit()


def test_times_come_back_aware_and_in_utc(app: Flask) -> None:
    with app.app_context():
        moment = (
            db.session.execute(select(Statement.published_at).order_by(Statement.id))
            .scalars()
            .first()
        )
        assert moment.tzinfo is not None and moment.utcoffset().total_seconds() == 0


def test_the_schema_comes_from_the_migrations(app: Flask) -> None:
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"statements", "translations", "alembic_version"} <= tables
