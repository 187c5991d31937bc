"""The database connections: SQLite settings, and login throttling shared through Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
import redis
from admin_helpers import make_maintainer, sign_in
from builders import add, numbered
from conftest import SERVER_DATABASE
from flask import Flask
from sqlalchemy import text

from ist_flask.extensions import db


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="SQLite settings; this run uses PostgreSQL")
def test_every_sqlite_connection_has_wal_a_busy_timeout_and_foreign_keys(app: Flask) -> None:
    with app.app_context():
        connections = [db.engine.connect() for _ in range(3)]
        try:
            for connection in connections:
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        finally:
            for connection in connections:
                connection.close()


@pytest.mark.skipif(not SERVER_DATABASE, reason="PostgreSQL run only")
def test_the_postgresql_run_really_uses_postgresql(app: Flask) -> None:
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        assert "PostgreSQL" in db.session.execute(text("SELECT version()")).scalar()


REDIS = "redis://127.0.0.1:6379"


def test_two_processes_share_login_failures_through_redis(
    configured_app: Callable[..., Flask],
) -> None:
    """Two apps stand for two waitress processes: failures at one count at the other."""
    prefix = f"ist-test-{uuid.uuid4().hex}"
    settings = {"RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": prefix}
    # Two apps, each with its own connection to Redis, stand for two processes.
    first = configured_app(**settings)
    make_maintainer(first)
    for attempt in range(3):
        assert sign_in(first.test_client(), password=f"wrong {attempt}!").status_code == 401
    second = configured_app(**settings)
    for attempt in range(2):
        assert sign_in(second.test_client(), password=f"wrong again {attempt}!").status_code == 401
    assert sign_in(second.test_client()).status_code == 429
    assert sign_in(first.test_client()).status_code == 429
    client = redis.Redis.from_url(REDIS)
    keys = client.keys(f"*{prefix}*")
    assert keys, "the counts live in Redis"
    client.delete(*keys)
    client.close()


@pytest.mark.skipif(not SERVER_DATABASE, reason="PostgreSQL's planner statistics")
def test_an_import_leaves_postgresql_planner_statistics_true(empty_app: Flask) -> None:
    """Without ANALYZE after a bulk import, /fr/ took 4.8 s at 10,000
    statements until autovacuum ran (its plan hinges on the counts)."""
    add(empty_app, *numbered(30))
    with empty_app.app_context():
        analysed = db.session.execute(
            text(
                "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname IN ('statements', 'translations') ORDER BY relname"
            )
        ).all()
    assert [tuple(row) for row in analysed] == [("statements", True), ("translations", True)]
