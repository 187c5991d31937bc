"""Events the job queue did not take (Redis away) are not lost: a publish is
untold, an update or a delete owed, and each is told as it stands when the
minute task runs (announcements.unsent)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in, statement_form
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_channel_events import form_time, statement_id

from ist_flask import announcement_queries, announcements
from ist_flask.extensions import db
from ist_flask.reach_models import OWED, UNTOLD, Announcement

# Nothing listens on port 1: Redis is away for every save of these tests.
AWAY = "redis://127.0.0.1:1/3"


def site_away(configured_app: Callable[..., Flask]) -> tuple[Flask, FlaskClient]:
    """A site whose queue is away, and its signed-in editor."""
    app = configured_app(QUEUE_URL=AWAY)
    make_maintainer(app)
    editor = app.test_client()
    sign_in(editor)
    return app, editor


@pytest.fixture
def away(configured_app: Callable[..., Flask]) -> tuple[Flask, FlaskClient]:
    """A site whose queue is away, with a statement in English and French
    that the channels were told about (the minute task, once the queue is back)."""
    app, editor = site_away(configured_app)
    assert post(editor, NEW, new_statement()).status_code == 302
    assert told(app) == [("publish", "en"), ("publish", "fr")]
    return app, editor


def told(app: Flask) -> list[tuple[str, str]]:
    """What the minute task announces now."""
    with app.app_context():
        return [(e.kind, e.language) for e in announcements.announce_due(datetime.now(UTC))]


def kinds(app: Flask) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(select(Announcement.language, Announcement.kind))
        return {language: kind for language, kind in rows}


def edit(app: Flask, editor: FlaskClient, **fields: str) -> None:
    path = f"/admin/statements/{statement_id(app)}/edit"
    form = statement_form(editor, path)
    form.update(fields)
    assert post(editor, path, {**form, "action": "save"}).status_code == 302


def test_an_update_the_queue_did_not_take_is_told_by_the_minute_task_once(
    away: tuple[Flask, FlaskClient],
) -> None:
    app, editor = away
    edit(app, editor, **{"translation_fr-body": "Nous sommes aux côtés des grévistes."})
    assert kinds(app) == {"en": "publish", "fr": OWED}
    assert told(app) == [("update", "fr")]
    assert kinds(app) == {"en": "publish", "fr": "update"}
    # Told once: whichever process looks next finds nothing owed.
    assert told(app) == []


def test_a_delete_the_queue_did_not_take_is_told_by_the_minute_task_once(
    away: tuple[Flask, FlaskClient],
) -> None:
    app, editor = away
    sid = statement_id(app)
    assert post(editor, f"/admin/statements/{sid}/delete", {}).status_code == 302
    # The statement is gone; what the channels were told of it is still owed.
    assert kinds(app) == {"en": OWED, "fr": OWED}
    assert told(app) == [("delete", "en"), ("delete", "fr")]
    assert kinds(app) == {}
    assert told(app) == []


def test_what_is_owed_is_told_as_it_stands_when_the_minute_task_runs(
    away: tuple[Flask, FlaskClient],
) -> None:
    """A translation made a draft and public again before the minute task ran
    was never gone for the channels' readers: it is an update, not a delete."""
    app, editor = away
    edit(app, editor, status="draft")
    assert kinds(app) == {"en": OWED, "fr": OWED}
    edit(app, editor, status="published")
    assert told(app) == [("update", "en"), ("update", "fr")]
    assert told(app) == []
    # And one removed for good while owed is a delete.
    edit(app, editor, **{"translation_fr-body": "Changé."})
    edit(app, editor, **{"translation_fr-remove": "y"})
    assert told(app) == [("delete", "fr")]
    assert kinds(app) == {"en": "update"}


def test_an_untold_publish_is_told_however_old_its_date(
    configured_app: Callable[..., Flask],
) -> None:
    """A statement made public with a date years back: the minute task's
    window for scheduled statements (30 days) does not reach it, the untold
    row does."""
    app, editor = site_away(configured_app)
    old = form_time(datetime(2021, 7, 13, 9, 0, tzinfo=UTC))
    assert post(editor, NEW, new_statement(published_at=old)).status_code == 302
    assert kinds(app) == {"en": UNTOLD, "fr": UNTOLD}
    assert told(app) == [("publish", "en"), ("publish", "fr")]
    assert kinds(app) == {"en": "publish", "fr": "publish"}
    assert told(app) == []


def test_an_untold_publish_gone_before_the_minute_task_is_told_nothing(
    configured_app: Callable[..., Flask],
) -> None:
    app, editor = site_away(configured_app)
    assert post(editor, NEW, new_statement()).status_code == 302
    # Made a draft again: the channels never heard of it, so no delete either.
    edit(app, editor, status="draft")
    assert kinds(app) == {"en": UNTOLD, "fr": UNTOLD}
    assert told(app) == []
    assert kinds(app) == {}


def test_the_minute_task_finds_what_is_owed_by_its_own_index(
    away: tuple[Flask, FlaskClient],
) -> None:
    """The minute task looks every minute: on SQLite its query walks the
    partial index of owed rows, not every announcement."""
    app, _editor = away
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's plan; PostgreSQL chooses by its statistics")
        query = announcement_queries.owed_query(500).compile(db.engine)
        values = tuple(query.params[name] for name in query.positiontup or ())
        plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", values).all()
    assert any("ix_announcements_owed" in row[-1] for row in plan), plan
