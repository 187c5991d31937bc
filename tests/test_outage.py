"""When the database goes away the site says so with a 503, and comes back by itself.

The database is PostgreSQL on 127.0.0.1:5432 behind a loopback forwarder that
the test cuts and restores, whichever database the rest of the suite uses.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from conftest import make_app
from flask import Flask
from flask_migrate import upgrade
from pages import parse
from tcp_proxy import TcpProxy

from ist_flask import store
from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES

# Slow: a database outage. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

SERVER = os.environ.get("IST_TEST_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")


@pytest.fixture
def proxied_app() -> Iterator[tuple[Flask, TcpProxy]]:
    name = f"ist_outage_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    proxy = TcpProxy(5432)
    proxy.start()
    app = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/{name}")
    try:
        with app.app_context():
            upgrade()
            store.load_demo(DEFAULT_LANGUAGES)
        yield app, proxy
    finally:
        proxy.stop()
        with app.app_context():
            db.engine.dispose()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PATHS = [
    "/",
    "/fr/",
    "/fr/feed.atom",
    "/feed.rss",
    "/en/statements/release-frank-garcia-hernandez-and-his-comrades",
]


def test_pages_and_feeds_answer_503_while_the_database_is_away_then_recover(
    proxied_app: tuple[Flask, TcpProxy],
) -> None:
    app, proxy = proxied_app
    client = app.test_client()
    for path in PATHS:
        assert client.get(path).status_code == 200, path
    assert client.get("/healthz").status_code == 200

    proxy.stop()
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
        if path.endswith(("/", "comrades")):
            page = parse(response)
            assert page.cssselect("header nav") and page.cssselect("footer")
            expected = "Momentanément indisponible" if path == "/fr/" else "Temporarily unavailable"
            assert page.cssselect("h1")[0].text_content() == expected
        body = response.get_data(as_text=True)
        assert "Traceback" not in body and "psycopg" not in body and "SELECT" not in body
    health = client.get("/healthz")
    assert health.status_code == 503 and "Retry-After" in health.headers

    proxy.start()
    # Within the outage's pause, requests are refused without trying; after it, all is well.
    assert recovers(client, "/")
    for path in PATHS:
        assert client.get(path).status_code == 200, path
    assert client.get("/healthz").status_code == 200


def recovers(client, path: str, seconds: float = 15) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``path`` answers 200 again within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get(path).status_code == 200:
            return True
        time.sleep(0.2)
    return False
