"""A database that accepts connections but never answers does not hang the site.

PostgreSQL sits behind a loopback forwarder that the test makes silent: it
cuts the open connections, then accepts new ones and never answers them.
Pages answer 503 with Retry-After within the database timeout, then at once;
static files and /healthz keep answering; wsgi.py refuses to start with one
line instead of waiting.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from servers import ROOT, free_port, running_site, site_environment
from tcp_proxy import TcpProxy
from test_outage import SERVER, proxied_app, recovers  # noqa: F401  (a fixture)

from ist_flask.outage import OUTAGE_PAUSE

# Slow: a database outage. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

TIMEOUT = 5  # the default IST_DATABASE_TIMEOUT


def timed(call):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_pages_answer_503_quickly_while_the_database_hangs(
    proxied_app: tuple[Flask, TcpProxy],  # noqa: F811
) -> None:
    app, proxy = proxied_app
    client = app.test_client()
    assert client.get("/").status_code == 200
    proxy.hang()

    response, waited = timed(lambda: client.get("/fr/"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert waited < TIMEOUT + 2, waited
    for path in ("/", "/fr/feed.atom", "/admin/login"):
        response, waited = timed(lambda path=path: client.get(path))
        assert response.status_code == 503, path
        assert waited < 1, (path, waited)
    response, waited = timed(lambda: client.get("/healthz"))
    assert response.status_code == 503 and waited < 1
    response, waited = timed(lambda: client.get("/static/site.css"))
    assert response.status_code == 200 and waited < 1
    response.close()

    proxy.resume()
    assert recovers(client, "/", seconds=OUTAGE_PAUSE + TIMEOUT + 5)
    assert client.get("/healthz").status_code == 200


def fetch(url: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.monotonic() - started


@pytest.mark.slow
def test_the_real_server_keeps_serving_static_files_while_the_database_hangs(
    tmp_path: Path,
) -> None:
    import psycopg

    name = f"ist_hang_{int(time.time() * 1000)}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    proxy = TcpProxy(5432)
    proxy.start()
    try:
        uri = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/{name}"
        with running_site(tmp_path, uri, "--threads", "4", "--no-access-log") as site:
            assert fetch(site + "/fr/")[0] == 200
            proxy.hang()
            results: list[tuple[int, float]] = []
            pages = [
                threading.Thread(target=lambda: results.append(fetch(site + "/fr/feed.atom")))
                for _ in range(8)
            ]
            for thread in pages:
                thread.start()
            time.sleep(0.3)
            static = fetch(site + "/static/site.css")
            for thread in pages:
                thread.join()
            # Every page answered 503, none waited much past the timeout...
            assert {status for status, _ in results} == {503}, results
            assert max(waited for _, waited in results) < TIMEOUT + 2, results
            # ...and the static file never waited longer than the slowest of them.
            assert static[0] == 200 and static[1] < TIMEOUT + 2, static
            # Now the outage is known: pages, static files and /healthz at once.
            for path, expected in (("/", 503), ("/static/site.css", 200), ("/healthz", 503)):
                status, waited = fetch(site + path)
                assert status == expected and waited < 1, (path, status, waited)
            proxy.resume()
    finally:
        proxy.stop()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_wsgi_refuses_to_start_with_one_line_when_the_database_hangs(tmp_path: Path) -> None:
    proxy = TcpProxy(5432)
    proxy.start()
    proxy.hang()
    try:
        environment = site_environment(
            f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/postgres"
        )
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "wsgi.py", "--port", str(free_port())],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        elapsed = time.monotonic() - started
    finally:
        proxy.stop()
    assert result.returncode != 0
    assert elapsed < 15, elapsed
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "ist_flask cannot start: the database does not answer" in lines[0]
    assert "Traceback" not in result.stderr
