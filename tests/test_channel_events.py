"""What the channels hear: publish when a translation becomes visible, update
when a visible one changes, delete when it goes away; never drafts, never
the future before its time, never an import."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in, statement_form, stored
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from reach_helpers import recording, run_queued
from sqlalchemy import func, select, update

from ist_flask import announcements, jobs
from ist_flask.extensions import db
from ist_flask.models import Statement, Translation
from ist_flask.reach_models import Announcement

SLUG = "solidarity-with-the-strikers"


def statement_id(app: Flask) -> int:
    return stored(app, "en", SLUG).statement_id


def form_time(moment: datetime) -> str:
    """The editor's time field (the test site's zone is UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_publishing_now_tells_every_channel_once_per_language(
    app: Flask, editor: FlaskClient
) -> None:
    channel = recording(app)
    assert post(editor, NEW, new_statement()).status_code == 302
    # Nothing is sent from the request: it waits in the queue.
    assert channel.heard() == []
    run_queued(app)
    sid = statement_id(app)
    assert channel.heard() == [("publish", sid, "en"), ("publish", sid, "fr")]
    # Nothing is left over for the minute task to announce again.
    with app.app_context():
        assert announcements.announce_due(datetime.now(UTC)) == []


def test_a_draft_tells_no_one(app: Flask, editor: FlaskClient) -> None:
    channel = recording(app)
    assert post(editor, NEW, new_statement(status="draft")).status_code == 302
    assert run_queued(app) == 0
    assert channel.heard() == []


def test_a_draft_made_public_is_published(app: Flask, editor: FlaskClient) -> None:
    channel = recording(app)
    post(editor, NEW, new_statement(status="draft"))
    path = f"/admin/statements/{statement_id(app)}/edit"
    form = statement_form(editor, path)
    form["status"] = "published"
    assert post(editor, path, {**form, "action": "save"}).status_code == 302
    run_queued(app)
    assert [kind for kind, _, _ in channel.heard()] == ["publish", "publish"]


def test_a_scheduled_statement_is_announced_by_the_minute_task_once_its_time_comes(
    app: Flask, editor: FlaskClient
) -> None:
    channel = recording(app)
    due = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0)
    post(editor, NEW, new_statement(published_at=form_time(due)))
    assert run_queued(app) == 0
    assert channel.heard() == []
    sid = statement_id(app)
    with app.app_context():
        assert announcements.announce_due(due - timedelta(seconds=1)) == []
        events = announcements.announce_due(due + timedelta(seconds=30))
        assert [(e.kind, e.statement_id, e.language) for e in events] == [
            ("publish", sid, "en"),
            ("publish", sid, "fr"),
        ]
        # Whichever process looks next, it is announced only once.
        assert announcements.announce_due(due + timedelta(seconds=90)) == []


def test_the_minute_task_runs_every_minute(app: Flask) -> None:
    task = jobs.queue_of(app).announce_due
    start = datetime(2026, 11, 28, 15, 0)
    minutes = [start + timedelta(minutes=n) for n in range(60)]
    assert all(task.s().validate_datetime(moment) for moment in minutes)


def test_a_real_consumer_announces_a_statement_whose_time_has_come(
    configured_app, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Through the SQLite queue and huey's own consumer: the minute task, then
    the fan-out, then the delivery."""
    app = configured_app(QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    channel = recording(app)
    due = datetime.now(UTC) + timedelta(hours=2)
    add(app, statement(due.isoformat(), {"en": {"title": "Later"}}))
    with app.app_context():
        # Time passes: the statement's time is now behind us.
        db.session.execute(update(Statement).values(published_at=datetime.now(UTC)))
        db.session.commit()
        jobs.queue().announce_due()
    consumer = jobs.start_consumer(app)
    try:
        wait_until(lambda: channel.heard())
    finally:
        consumer.stop(graceful=True)
    assert [kind for kind, _, language in channel.heard()] == ["publish"]


def wait_until(condition, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Poll ``condition`` (a consumer works in its own threads)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the consumer did not do it"
        time.sleep(0.05)


def test_an_edit_of_a_visible_translation_is_an_update_of_that_language_only(
    app: Flask, editor: FlaskClient
) -> None:
    post(editor, NEW, new_statement())
    run_queued(app)
    channel = recording(app)
    path = f"/admin/statements/{statement_id(app)}/edit"
    form = statement_form(editor, path)
    form["translation_fr-body"] = "Nous sommes aux côtés des grévistes, partout."
    post(editor, path, {**form, "action": "save"})
    run_queued(app)
    assert channel.heard() == [("update", statement_id(app), "fr")]
    # Saving again with nothing changed tells no one.
    post(editor, path, {**statement_form(editor, path), "action": "save"})
    run_queued(app)
    assert len(channel.heard()) == 1


def test_two_edits_are_two_updates(app: Flask, editor: FlaskClient) -> None:
    post(editor, NEW, new_statement())
    run_queued(app)
    channel = recording(app)
    path = f"/admin/statements/{statement_id(app)}/edit"
    for words in ("First change.", "Second change."):
        form = statement_form(editor, path)
        form["translation_en-body"] = words
        post(editor, path, {**form, "action": "save"})
    run_queued(app)
    assert [kind for kind, _, _ in channel.heard()] == ["update", "update"]


def test_deleting_a_statement_is_a_delete_in_each_language(app: Flask, editor: FlaskClient) -> None:
    post(editor, NEW, new_statement())
    run_queued(app)
    sid = statement_id(app)
    channel = recording(app)
    assert post(editor, f"/admin/statements/{sid}/delete", {}).status_code == 302
    run_queued(app)
    assert channel.heard() == [("delete", sid, "en"), ("delete", sid, "fr")]


def test_unpublishing_or_removing_a_translation_is_a_delete(
    app: Flask, editor: FlaskClient
) -> None:
    post(editor, NEW, new_statement())
    run_queued(app)
    sid = statement_id(app)
    channel = recording(app)
    path = f"/admin/statements/{sid}/edit"
    form = statement_form(editor, path)
    form["translation_fr-remove"] = "y"
    post(editor, path, {**form, "action": "save"})
    run_queued(app)
    assert channel.heard() == [("delete", sid, "fr")]
    form = statement_form(editor, path)
    form["status"] = "draft"
    post(editor, path, {**form, "action": "save"})
    run_queued(app)
    assert channel.heard()[1:] == [("delete", sid, "en")]
    # Made public again, it is news again.
    form = statement_form(editor, path)
    form["status"] = "published"
    post(editor, path, {**form, "action": "save"})
    run_queued(app)
    assert channel.heard()[2:] == [("publish", sid, "en")]


def test_an_import_tells_no_one(app: Flask) -> None:
    channel = recording(app)
    add(app, statement("2024-05-01T00:00:00Z", {"en": {"title": "Imported news"}}))
    assert run_queued(app) == 0
    with app.app_context():
        assert announcements.announce_due(datetime.now(UTC)) == []
    assert channel.heard() == []


def test_the_upgrade_counts_what_is_already_visible_as_announced(app: Flask) -> None:
    with app.app_context():
        downgrade(revision="0013")
        upgrade()
        translations = db.session.scalar(select(func.count(Translation.id)))
        announced = db.session.scalar(select(func.count()).select_from(Announcement))
        assert translations and announced == translations
        assert announcements.announce_due(datetime.now(UTC)) == []


def test_a_queue_that_is_away_does_not_fail_the_save_and_the_publish_comes_later(
    configured_app: Callable[..., Flask],
) -> None:
    # Nothing listens on port 1: Redis is away.
    app = configured_app(QUEUE_URL="redis://127.0.0.1:1/3")
    make_maintainer(app)
    editor = app.test_client()
    sign_in(editor)
    assert post(editor, NEW, new_statement()).status_code == 302
    assert editor.get(f"/en/statements/{SLUG}").status_code == 200
    with app.app_context():
        # Not lost: the minute task will announce it when the queue is back.
        events = announcements.announce_due(datetime.now(UTC))
    assert sorted(e.language for e in events) == ["en", "fr"]
