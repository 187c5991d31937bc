"""Inputs that used to give a 500 or a raw traceback now get a clear answer:
ids past the integer range, dates at the calendar's ends, a full disk, and
a forged access-log line; and statement ids are never given twice."""

from __future__ import annotations

import io
import json
import logging
import multiprocessing
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in
from builders import add, statement
from conftest import SERVER_DATABASE
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert, select, text
from werkzeug.test import Client

from ist_flask.access_log import AccessLog
from ist_flask.config_checks import ensure_secret_key
from ist_flask.editing import delete_statement
from ist_flask.extensions import db
from ist_flask.models import Statement, Translation

LEAKS = ("Traceback", "sqlalchemy", "OverflowError", "INSERT INTO", 'File "')


@pytest.mark.parametrize(
    "path",
    [
        "/admin/statements/99999999999999999999/edit",
        "/admin/statements/2147483648/edit",
        "/admin/statements/9223372036854775808/delete",
    ],
)
def test_editor_ids_past_the_integer_range_are_404(editor: FlaskClient, path: str) -> None:
    assert editor.get(path).status_code == 404
    assert post(editor, "/admin/statements/1/delete", {}).status_code in (200, 302)


def add_ancient(app: Flask, published: datetime) -> None:
    """A statement stored before dates were checked on their way in."""
    with app.app_context():
        statement_id = db.session.scalar(
            insert(Statement).returning(Statement.id),
            {"published_at": published, "original_language": "en"},
        )
        db.session.execute(
            insert(Translation.__table__),
            {
                "statement_id": statement_id,
                "language": "en",
                "title": "Ancient words",
                "slug": "ancient-words",
                "body": "<p>Ancient words.</p>",
                "search_text": "Ancient words.",
                "updated_at": published,
            },
        )
        db.session.commit()


@pytest.mark.parametrize("zone", ["Europe/London", "Asia/Tokyo", "America/New_York"])
def test_dates_at_the_calendars_ends_never_give_a_500(
    configured_app: Callable[..., Flask], zone: str
) -> None:
    app = configured_app(TIMEZONE=zone)
    add_ancient(app, datetime(1, 1, 1, tzinfo=UTC))
    client = app.test_client()
    for path in (
        "/archive",
        "/en/archive",
        "/archive/0001/01",
        "/archive/9998/12",
        "/en/statements/ancient-words",
        "/search?q=ancient",
        "/",
        "/feed.atom",
        "/sitemap.xml",
    ):
        response = client.get(path)
        # 9998/12 is past the last statement: no page, and no error either.
        assert response.status_code == (404 if "9998" in path else 200), (
            path,
            response.status_code,
        )
        assert not any(leak in response.get_data(as_text=True) for leak in LEAKS), path
    make_maintainer(app)
    sign_in(client)
    assert client.get("/admin/").status_code == 200
    ancient = db_id(app, "ancient-words")
    assert client.get(f"/admin/statements/{ancient}/edit").status_code == 200


def db_id(app: Flask, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Translation.statement_id).where(Translation.slug == slug))


@pytest.mark.parametrize(
    "published", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00Z"]
)
def test_import_dates_past_the_calendars_ends_are_a_problem_report(
    app: Flask, tmp_path: Path, published: str
) -> None:
    path = tmp_path / "dates.json"
    path.write_text(json.dumps({"statements": [statement(published, {"en": {"title": "Far"}})]}))
    result = app.test_cli_runner().invoke(args=["statements", "import", str(path)])
    assert result.exit_code == 1
    assert "published:" in result.output and "between the years 1 and 9998" in result.output
    assert not any(leak in result.output for leak in LEAKS)


def test_the_editor_refuses_a_date_that_leaves_the_calendar(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(TIMEZONE="Europe/London")
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    response = post(client, NEW, new_statement(published_at="0001-01-01T00:00"))
    assert response.status_code == 422
    assert "Give a date between the years 1 and 9998." in response.get_data(as_text=True)
    assert post(client, NEW, new_statement(published_at="0001-01-03T00:00")).status_code == 302


# A full disk -----------------------------------------------------------------------


def fill_the_disk(app: Flask) -> None:
    """Let the SQLite file grow no further: every write that needs a page fails
    with SQLITE_FULL ("database or disk is full"), as on a full disk."""
    with app.app_context():
        engine = db.engine
        pages = db.session.execute(text("PRAGMA page_count")).scalar_one()
        db.session.remove()
        engine.dispose()

    @event.listens_for(engine, "connect")
    def no_more_pages(connection, _record) -> None:  # type: ignore[no-untyped-def]
        connection.execute(f"PRAGMA max_page_count = {pages}")


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="SQLite's page limit stands for a full disk")
def test_an_import_on_a_full_disk_says_so_in_one_line(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    body = "<p>" + "solidarity " * 2000 + "</p>"
    path.write_text(
        json.dumps(
            {
                "statements": [
                    statement("2024-01-01T00:00:00Z", {"en": {"title": f"T {n}", "body": body}})
                    for n in range(300)
                ]
            }
        )
    )
    fill_the_disk(app)
    result = app.test_cli_runner().invoke(args=["statements", "import", str(path)])
    assert result.exit_code == 1
    # The progress bar's label, then the one line that says what went wrong.
    lines = [line for line in result.output.strip().splitlines() if line != "Importing"]
    assert len(lines) == 1, result.output[:2000]
    assert "the disk is full" in lines[0]
    assert not any(leak in result.output for leak in LEAKS)


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="SQLite's page limit stands for a full disk")
def test_an_editor_save_on_a_full_disk_says_the_disk_is_full(app: Flask) -> None:
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    form = new_statement(**{"translation_en-body": "Long text. " * 20_000})
    fill_the_disk(app)
    response = post(client, NEW, form)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "The server's disk is full and nothing was saved." in page
    assert "Long text. Long text." in page  # still in the form
    assert "The database is busy" not in page


# The access log ---------------------------------------------------------------------


def test_the_access_log_cannot_be_given_a_forged_line(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(AccessLog(app))
    with caplog.at_level(logging.INFO, logger="ist_flask.access"):
        client.get(
            "/fr/%0a127.0.0.1%20%22GET%20/admin/%20HTTP/1.1%22%20200",
            # A terminal escape and a quote: a header can carry those, not a line break.
            environ_overrides={"HTTP_USER_AGENT": 'evil\x1b[2J"agent"'},
        ).close()
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1
    assert "\n" not in lines[0] and "\r" not in lines[0]
    assert "/fr/\\x0a127.0.0.1 \\x22GET /admin/" in lines[0]
    assert lines[0].endswith('"evil\\x1b[2J\\x22agent\\x22"')


# Ids ---------------------------------------------------------------------------------


def test_a_deleted_statements_id_is_never_given_again(app: Flask) -> None:
    add(app, statement("2024-02-01T00:00:00Z", {"en": {"title": "Newest", "slug": "newest"}}))
    newest = db_id(app, "newest")
    with app.app_context():
        delete_statement(db.get_or_404(Statement, newest))
    add(app, statement("2024-02-02T00:00:00Z", {"en": {"title": "Next", "slug": "next-one"}}))
    assert db_id(app, "next-one") > newest


# The secret key ------------------------------------------------------------------------


def _read_key(folder: str, start: multiprocessing.synchronize.Barrier, keys) -> None:  # type: ignore[no-untyped-def,name-defined]
    config: dict[str, object] = {"SECRET_KEY": None, "PRODUCTION": False}
    start.wait()
    ensure_secret_key(config, folder)
    keys.put(config["SECRET_KEY"])


@pytest.mark.slow
def test_processes_starting_together_all_read_one_whole_key(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for trial in range(40):
        folder = tmp_path / f"instance-{trial}"
        folder.mkdir()
        start = context.Barrier(4)
        keys = context.Queue()
        processes = [
            context.Process(target=_read_key, args=(str(folder), start, keys)) for _ in range(4)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=30)
        found = {keys.get(timeout=5) for _ in processes}
        assert len(found) == 1, (trial, found)
        assert len(found.pop()) == 64, trial
        assert oct((folder / "secret_key").stat().st_mode & 0o777) == "0o600"
        assert [p.name for p in folder.iterdir()] == ["secret_key"]


def test_json_import_from_a_stream_is_unaffected(app: Flask) -> None:
    """The statement file still imports from any stream (the demo content's way)."""
    from ist_flask import statement_import
    from ist_flask.i18n import supported_languages

    data = json.dumps({"statements": [statement("2024-03-01T00:00:00Z", {"en": {"title": "S"}})]})
    with app.app_context():
        assert (
            statement_import.import_statement_file(
                lambda: io.BytesIO(data.encode()), supported_languages()
            )
            == 1
        )
