"""Email through the site's own job queue (huey), not a list: a reader
subscribes, the queue sends the confirmation, a statement published in the
editor reaches them, and the hourly clock sends yesterday's digest once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from admin_helpers import make_maintainer, new_statement, post, sign_in
from builders import add, statement
from flask import Flask
from mail_helpers import Inbox, confirm, link_in, subscribe
from reach_helpers import run_queued

from ist_flask import channels, jobs


def test_the_queue_sends_confirmation_statement_and_digest(mail_app: Flask, inbox: Inbox) -> None:
    with mail_app.app_context():
        assert channels.channel_named("email") is not None
    reader = mail_app.test_client()
    assert subscribe(reader, "reader@example.org", ("en",)).status_code == 200
    assert inbox.received == []  # queued, not sent from the request
    run_queued(mail_app)
    (confirmation,) = inbox.received
    assert confirm(reader, link_in(confirmation, "subscribe/confirm")).status_code == 200
    inbox.received.clear()

    make_maintainer(mail_app)
    editor = mail_app.test_client()
    sign_in(editor)
    assert post(editor, "/admin/statements/new", new_statement()).status_code in (200, 302)
    run_queued(mail_app)
    (news,) = inbox.received
    assert news.recipients == ["reader@example.org"]
    assert "Solidarity with the strikers" in news.message["Subject"]
    run_queued(mail_app)
    assert len(inbox.received) == 1, "sent twice"


def test_the_hourly_clock_sends_yesterdays_digest_once(mail_app: Flask, inbox: Inbox) -> None:
    reader = mail_app.test_client()
    subscribe(reader, "daily@example.org", ("en",), frequency="daily")
    run_queued(mail_app)
    confirm(reader, link_in(inbox.received[-1], "subscribe/confirm"))
    inbox.received.clear()
    zone = ZoneInfo(mail_app.config["TIMEZONE"])
    local_today = datetime.now(zone).date()
    yesterday = datetime.combine(local_today - timedelta(days=1), time(12), zone)
    add(mail_app, statement(yesterday.isoformat(), {"en": {"title": "Yesterday's news"}}))
    now = datetime.now(UTC)
    for hour in range(3):  # three hourly runs: one digest
        with mail_app.test_request_context("/"):
            jobs.periodic_now(now + timedelta(minutes=10 * hour))
        run_queued(mail_app)
    (digest,) = inbox.received
    assert digest.recipients == ["daily@example.org"]
    assert "Yesterday's news" in digest.part("plain")
