"""Migrations create the schema, match the models and go back down cleanly."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from ist_flask.extensions import db


def tables(app: Flask) -> set[str]:
    """The site's tables; SQLite's FTS5 index tables aside."""
    with app.app_context():
        names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {
        name for name in names if not name.startswith(("translations_fts", "translations_search"))
    }


def test_downgrade_to_base_and_upgrade_again(empty_app: Flask) -> None:
    with empty_app.app_context():
        downgrade(revision="base")
    assert tables(empty_app) == set()
    with empty_app.app_context():
        upgrade()
    assert tables(empty_app) == {
        "statements",
        "translations",
        "slug_redirects",
        "users",
        "site_state",
        "images",
        "renditions",
        "statement_images",
    }


def test_the_models_and_the_migrations_agree(empty_app: Flask) -> None:
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
