"""A statement's subscribers are mailed in batches through the site's job
queue: one SMTP connection per batch, the statement written once per
language, and only the recipients that failed tried again, each alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from builders import add, statement
from flask import Flask, template_rendered
from jinja2 import Template
from mail_helpers import REFUSED, Inbox, confirm, link_in, subscribe
from reach_helpers import run_queued
from sqlalchemy import select

from ist_flask import delivery, jobs
from ist_flask.channel_types import Delivery, Event
from ist_flask.extensions import db
from ist_flask.models import Translation
from ist_flask.reach_models import DeliveredKey

READERS = ("ana@example.org", "ben@example.org", "chloe@example.org", "dara@example.org")


def confirmed_readers(app: Flask, inbox: Inbox, addresses: tuple[str, ...]) -> None:
    """Each address subscribed to French and confirmed, as its owner would."""
    for address in addresses:
        reader = app.test_client()
        assert subscribe(reader, address, ("fr",), lang="fr").status_code == 200
        run_queued(app)
        assert confirm(reader, link_in(inbox.received[-1], "subscribe/confirm")).status_code == 200
    inbox.received.clear()


def published_in_french(app: Flask, title: str) -> None:
    """A statement published in French, and its event given to the queue."""
    add(app, statement("2026-11-27T10:00:00Z", {"fr": {"title": title}}))
    with app.app_context():
        found = db.session.execute(select(Translation).where(Translation.title == title))
        statement_id = found.scalar_one().statement_id
        jobs.fan_out_later([Event("publish", statement_id, "fr", datetime.now(UTC))])


@contextmanager
def templates_rendered(app: Flask) -> Iterator[list[str]]:
    names: list[str] = []

    def heard(_sender: Flask, template: Template, **_extra: object) -> None:
        names.append(str(template.name))

    template_rendered.connect(heard, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(heard, app)


def test_a_batch_goes_on_one_connection_written_once_and_addressed_to_each(
    mail_app: Flask, inbox: Inbox
) -> None:
    confirmed_readers(mail_app, inbox, READERS)
    with templates_rendered(mail_app) as rendered:
        published_in_french(mail_app, "La grève continue")
        run_queued(mail_app)
    assert sorted(r.recipients[0] for r in inbox.received) == sorted(READERS)
    assert len({r.peer for r in inbox.received}) == 1, "one connection per message"
    assert rendered.count("email/statement.txt") == 1
    assert rendered.count("email/statement.html") == 1
    links = set()
    for received in inbox.received:
        # Each message carries its own reader's link, the same in the
        # header, the text and the HTML.
        link = link_in(received, "unsubscribe")
        assert received.message["To"] == received.recipients[0]
        assert link in received.message["List-Unsubscribe"]
        assert f'href="{mail_app.config["SITE_URL"]}{link}"' in received.part("html")
        assert "La grève continue" in received.part("plain")
        assert received.message["Subject"] == "La grève continue"
        links.add(link)
    assert len(links) == len(READERS)


def test_only_the_recipients_that_failed_are_tried_again_each_alone(
    mail_app: Flask, inbox: Inbox
) -> None:
    confirmed_readers(mail_app, inbox, (*READERS, REFUSED))
    inbox.away.add("ben@example.org")
    huey = jobs.queue_of(mail_app).huey
    published_in_french(mail_app, "Grève générale")
    before = datetime.now(UTC).replace(tzinfo=None)
    run_queued(mail_app)
    after = datetime.now(UTC).replace(tzinfo=None)
    delivered = sorted(r.recipients[0] for r in inbox.received)
    assert delivered == sorted(set(READERS) - {"ben@example.org"})

    # The mailbox that was away waits alone, on a failed delivery's
    # schedule; the one refused for good is dropped, not retried.
    [retry] = huey.scheduled()
    assert retry.args[1].startswith("email:")
    assert retry.retries == jobs.DELIVERY_RETRIES - 1
    first_delay = timedelta(seconds=jobs.FIRST_RETRY_DELAY)
    assert before + first_delay <= retry.eta <= after + first_delay

    inbox.away.clear()
    inbox.received.clear()
    [due] = huey.read_schedule(retry.eta)
    huey.execute(due, retry.eta)
    assert [r.recipients for r in inbox.received] == [["ben@example.org"]]
    assert huey.scheduled() == []


def test_batches_hold_each_key_once_and_none_delivered_before(mail_app: Flask) -> None:
    deliveries = [Delivery(f"email:{n}:1:fr:publish") for n in (1, 2, 2, 3, 4, 5, 6, 7)]
    with mail_app.app_context():
        db.session.add(
            DeliveredKey(
                digest=delivery.key_digest("email:3:1:fr:publish"),
                channel="email",
                delivered_at=datetime.now(UTC),
            )
        )
        db.session.commit()
        batches = list(delivery.in_batches(deliveries, size=3))
    # Made 3 at a time, then the one delivered before is left out.
    assert [[d.key.split(":")[1] for d in batch] for batch in batches] == [
        ["1", "2"],
        ["4", "5", "6"],
        ["7"],
    ]


def test_the_unsubscribe_header_goes_out_as_links_a_mail_client_can_follow(
    mail_app: Flask, inbox: Inbox
) -> None:
    confirmed_readers(mail_app, inbox, READERS[:1])
    published_in_french(mail_app, "Grève")
    run_queued(mail_app)
    [received] = inbox.received
    head = received.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    # The header as sent, up to the next one (List-Unsubscribe-Post).
    header = head.split("\r\nList-Unsubscribe: ", 1)[1].split("\r\nList-")[0]
    # Links as RFC 2369 has them, not RFC 2047 encoded words.
    link = link_in(received, "unsubscribe")
    assert header.startswith(f"<{mail_app.config['SITE_URL']}{link}>,\r\n <mailto:")
    assert "=?" not in header
