"""The real server under 64 concurrent clients, and concurrent writes on SQLite."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from admin_helpers import csrf_token, make_maintainer, sign_in
from conftest import SERVER_DATABASE
from flask import Flask
from load import run_load
from servers import ROOT, resident_memory, running_site, site_environment
from sqlalchemy import func, select

from ist_flask.extensions import db
from ist_flask.models import Statement, Translation

# Slow: the real server under load, and concurrent writes. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

PATHS = ["/", "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades", "/fr/feed.atom"]


def server_pid(port: int) -> int:
    """The pid of the process listening on ``port`` (the wsgi.py we started)."""
    output = subprocess.run(
        ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True
    ).stdout
    return int(output.split("pid=")[1].split(",")[0])


def test_64_clients_for_20_seconds_get_only_good_answers(tmp_path: Path, database_uri: str) -> None:
    with running_site(tmp_path, database_uri, "--threads", "8", "--no-access-log") as site:
        pid = site.pid
        warm = run_load(site, PATHS, clients=64, seconds=3, workdir=tmp_path)
        assert warm.socket_errors == 0 and warm.bad_answers == 0
        after_warm_up = resident_memory(pid)

        result = run_load(site, PATHS, clients=64, seconds=20, workdir=tmp_path)

        assert result.requests > 1000
        assert result.socket_errors == 0, result
        assert result.bad_answers == 0, result
        after_run = resident_memory(pid)
        assert after_run <= after_warm_up * 1.2, (after_warm_up, after_run)
        for path in PATHS:
            with urllib.request.urlopen(site + path, timeout=5) as response:
                assert response.status == 200


def big_import(path: Path, count: int) -> None:
    body = "<p>" + " ".join(["solidarity"] * 400) + "</p>"
    path.write_text(
        json.dumps(
            {
                "statements": [
                    {"published": "2018-03-01T00:00:00Z", "translations": {
                        "en": {"title": f"Imported {n}", "slug": f"imported-{n}", "body": body},
                        "fr": {"title": f"Importée {n}", "slug": f"importee-{n}", "body": body}}}
                    for n in range(count)
                ]
            }
        ),
        encoding="utf-8",
    )  # fmt: skip


def editor_form(client, title: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "csrf_token": csrf_token(client, "/admin/statements/new"),
        "published_at": "2024-01-01T10:00",
        "status": "published",
        "original_language": "en",
        "translation_en-title": title,
        "translation_en-body": "Written while an import runs.",
        "action": "save",
    }


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="SQLite's single writer is what this tests")
def test_an_import_and_editor_saves_at_once_lose_neither_write(
    app: Flask, database_uri: str, tmp_path: Path
) -> None:
    source = tmp_path / "big.json"
    big_import(source, 3000)
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    importing = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "ist_flask", "statements", "import", str(source)],
        cwd=ROOT, env=site_environment(database_uri), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    answers = []
    started = time.monotonic()
    while importing.poll() is None and time.monotonic() - started < 60:
        answers.append(
            client.post(
                "/admin/statements/new", data=editor_form(client, f"Saved {len(answers)}")
            ).status_code
        )
        time.sleep(0.2)
    output = importing.communicate(timeout=120)[0]
    assert importing.returncode == 0, output
    assert answers and set(answers) == {302}, answers
    with app.app_context():
        assert db.session.execute(select(func.count(Statement.id))).scalar_one() == 2 + 3000 + len(
            answers
        )
        titles = set(db.session.execute(select(Translation.title)).scalars())
    assert {f"Saved {n}" for n in range(len(answers))} <= titles
    assert {"Imported 0", "Importée 2999"} <= titles


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="SQLite's single writer is what this tests")
def test_a_save_that_cannot_get_the_lock_says_so_and_keeps_the_text(
    app: Flask, database_uri: str
) -> None:
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    form = editor_form(client, "Waiting for the lock")
    holder = sqlite3.connect(database_uri.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding on longer than the busy timeout
    try:
        response = client.post("/admin/statements/new", data=form)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "The database is busy and nothing was saved." in text
    assert 'value="Waiting for the lock"' in text
    assert "database is locked" not in text and "Traceback" not in text
    # Once the lock is gone, the same form saves.
    assert (
        client.post(
            "/admin/statements/new",
            data={**form, "csrf_token": csrf_token(client, "/admin/statements/new")},
        ).status_code
        == 302
    )
