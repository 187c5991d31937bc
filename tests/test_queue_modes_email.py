"""Email through huey itself, in both of the queue's storages (embedded
SQLite and Redis), on the test database, with the queue's real consumer and
a real SMTP server (aiosmtpd): readers subscribe and confirm, a statement
published in the editor reaches them, one unsubscribes with one click, and
the next statement reaches only the other. The pace of outgoing mail is
counted in Redis, shared by every worker."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
import redis
from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in
from flask import Flask
from flask.testing import FlaskClient
from mail_helpers import Inbox, Received, confirm, link_in, mail_settings, subscribe
from reach_helpers import consuming, wait_until

from ist_flask import jobs

pytestmark = pytest.mark.slow

# The counts of the mail pace: these tests' own Redis database.
RATE_STORAGE = "redis://127.0.0.1:6379/6"


def sent_to(inbox: Inbox, address: str) -> list[Received]:
    return [received for received in inbox.received if received.recipients == [address]]


def subscribe_and_confirm(app: Flask, inbox: Inbox, address: str) -> None:
    """The reader's steps, each email brought by the consumer."""
    reader = app.test_client()
    assert subscribe(reader, address, ("en",)).status_code == 200
    wait_until(lambda: sent_to(inbox, address))
    (confirmation,) = sent_to(inbox, address)
    assert confirm(reader, link_in(confirmation, "subscribe/confirm")).status_code == 200


def one_click(client: FlaskClient, received: Received) -> None:
    """What a mail client does with List-Unsubscribe-Post (RFC 8058)."""
    answer = client.post(
        link_in(received, "unsubscribe"),
        data=b"List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200


def test_subscribe_confirm_publish_and_unsubscribe_through_the_consumer(
    configured_app: Callable[..., Flask], inbox: Inbox, queue_url: str
) -> None:
    prefix = f"ist-modes-{uuid.uuid4().hex}"
    app = configured_app(
        **mail_settings(inbox),
        QUEUE_URL=queue_url,
        RATELIMIT_STORAGE_URI=RATE_STORAGE,
        RATELIMIT_KEY_PREFIX=prefix,
        MAIL_RATE="1000 per hour",
    )
    stays, leaves = "stays@example.org", "leaves@example.org"
    make_maintainer(app)
    editor = app.test_client()
    assert sign_in(editor).status_code == 302
    with consuming(app):
        subscribe_and_confirm(app, inbox, stays)
        subscribe_and_confirm(app, inbox, leaves)
        assert post(editor, NEW, new_statement()).status_code == 302
        wait_until(lambda: len(sent_to(inbox, stays)) == 2 and len(sent_to(inbox, leaves)) == 2)
        first = sent_to(inbox, leaves)[1]
        assert "Solidarity with the strikers" in first.message["Subject"]
        one_click(app.test_client(), first)
        second = new_statement(
            **{"translation_en-title": "The strike goes on", "translation_fr-title": ""},
            **{"translation_fr-body": ""},
        )
        assert post(editor, NEW, second).status_code == 302
        wait_until(lambda: len(sent_to(inbox, stays)) == 3)
    # Everything queued has run: the consumer's workers finished their tasks,
    # and nothing waits in the storage.
    huey = jobs.queue_of(app).huey
    assert huey.pending_count() == 0 and huey.scheduled_count() == 0
    assert "The strike goes on" in sent_to(inbox, stays)[2].message["Subject"]
    assert len(sent_to(inbox, leaves)) == 2, "mail after unsubscribing"
    assert len(inbox.received) == 5
    # Each message took its place in the pace's window, in Redis.
    counts = redis.Redis.from_url(RATE_STORAGE)
    try:
        (key,) = counts.keys(f"*{prefix}*mail-sent*")
        assert counts.llen(key) == 5
        counts.delete(key)
    finally:
        counts.close()
