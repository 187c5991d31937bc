"""Fixtures: an app on a real database made by the migrations, with the demo content.

The database is SQLite unless IST_TEST_DATABASE_URI names another server
(postgresql+psycopg://postgres@127.0.0.1:5432/ist_test): the one switch.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_helpers import make_maintainer, sign_in
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from playwright.sync_api import Browser, sync_playwright
from quality_tools import CHROMIUM, CHROMIUM_FLAGS, require
from sqlalchemy import text

from ist_flask import create_app, store
from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES

SERVER_DATABASE = os.environ.get("IST_TEST_DATABASE_URI")


def make_app(database_uri: str, **config: Any) -> Flask:
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        # Tests change the database and look at once: read the version every time.
        "CONTENT_VERSION_MAX_AGE": 0,
    }
    return create_app({**settings, **config})


def _reset_server_database(app: Flask) -> None:
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file upgraded by the migrations once, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def database_uri(tmp_path: Path, migrated_template: Path) -> str:
    if SERVER_DATABASE:
        app = make_app(SERVER_DATABASE)
        _reset_server_database(app)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        return SERVER_DATABASE
    path = tmp_path / "site.sqlite3"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_app(database_uri: str) -> Iterator[Flask]:
    """The site on a migrated database with no statements."""
    app = make_app(database_uri)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def configured_app(database_uri: str) -> Iterator[Callable[..., Flask]]:
    """Make apps on the test database with extra settings; their connections close after."""
    made: list[Flask] = []

    def configured(**config: Any) -> Flask:
        app = make_app(database_uri, **config)
        made.append(app)
        return app

    yield configured
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(empty_app: Flask) -> Flask:
    """The site with the seed's demo statements."""
    with empty_app.app_context():
        store.load_demo(DEFAULT_LANGUAGES)
    return empty_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright; never a downloaded browser."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(require(CHROMIUM)), headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def editor(app: Flask) -> FlaskClient:
    """A client signed in as a maintainer, on the site with the demo statements."""
    make_maintainer(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client
