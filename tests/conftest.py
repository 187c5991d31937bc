"""Fixtures: an app on a real database made by the migrations, with the demo content.

The database is SQLite unless IST_TEST_DATABASE_URI names another server
(postgresql+psycopg://postgres@127.0.0.1:5432/ist_test): the one switch.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_helpers import make_maintainer, sign_in
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from mail_helpers import Inbox, mail_settings, smtp_server
from playwright.sync_api import Browser, sync_playwright
from quality_tools import CHROMIUM, CHROMIUM_FLAGS, require
from servers import running_site
from sqlalchemy import text

from ist_flask import channel_types, create_app, jobs, store
from ist_flask.channel_types import Delivery
from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES

SERVER_DATABASE = os.environ.get("IST_TEST_DATABASE_URI")
# One load generator for the benchmark and the tests: bench/load.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


class SharedTemplateCache(BytecodeCache):
    """Compiled templates shared by every app the tests make: Jinja compiles a
    template once per app otherwise, a tenth of a second a test. Keyed by each
    template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedTemplateCache()


def make_app(database_uri: str, **config: Any) -> Flask:
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        # Tests change the database and look at once: read the version every time.
        "CONTENT_VERSION_MAX_AGE": 0,
        # scrypt, but a hundred times cheaper: the tests sign in hundreds of times.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Jobs stay in this process's memory unless a test names a real queue
        # (test_jobs.py): never the instance folder's, which tests would share.
        "QUEUE_URL": "memory://",
    }
    app = create_app({**settings, **config})
    app.jinja_env.bytecode_cache = TEMPLATES
    return app


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


@pytest.fixture(scope="session")
def demo_template(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated SQLite file with the demo statements, loaded once."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(migrated_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        store.load_demo(DEFAULT_LANGUAGES)
        db.engine.dispose()
    return path


@pytest.fixture
def app(empty_app: Flask, database_uri: str, demo_template: Path) -> Flask:
    """The site with the seed's demo statements."""
    if SERVER_DATABASE:
        with empty_app.app_context():
            store.load_demo(DEFAULT_LANGUAGES)
    else:
        # The app has not connected yet: its file can still be swapped.
        shutil.copy(demo_template, database_uri.removeprefix("sqlite:///"))
    return empty_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def site(tmp_path: Path, database_uri: str) -> Iterator[str]:
    """The real server (`python wsgi.py`, waitress) with the demo content; its base URL."""
    with running_site(tmp_path, database_uri) as url:
        yield url


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


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Delivery]]:
    """The job queue, as jobs.py would plug it in, keeping what it is given."""
    kept: list[tuple[str, Delivery]] = []
    monkeypatch.setattr(channel_types, "_sender", None)  # unplugged again after the test
    channel_types.plug_queue(lambda channel, delivery: kept.append((channel, delivery)))
    return kept


# The job queue's two storages (issue 17): huey's SQLite file, embedded in
# the server, and Redis, when several processes serve the site (db 5: these tests' own).
QUEUE_STORAGES = {"embedded": "sqlite", "redis": "redis://127.0.0.1:6379/5"}


@pytest.fixture(params=sorted(QUEUE_STORAGES))
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage in turn, empty before and after the test."""
    url = QUEUE_STORAGES[request.param]
    if url == "sqlite":
        url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    jobs.make_huey(url).flush()
    yield url
    jobs.make_huey(url).flush()


@pytest.fixture
def mail_app(configured_app: Callable[..., Flask], inbox: Inbox) -> Flask:
    return configured_app(**mail_settings(inbox))
