"""The email channel of reach (channel_types.py): a message per confirmed
subscriber for each statement published in a language they want, daily
digests, and the confirmation that asks an address's owner first.

Everything here runs in the job queue's worker. Each delivery re-reads its
subscriber, so one who left or never confirmed gets nothing, even from a
delivery queued before. A batch of deliveries (delivery.py) shares one SMTP
connection, and a statement's message is written once per language and
only addressed to each subscriber (their own To and unsubscribe link).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import gettext

from . import mail, subscriber_queries
from .channel_types import Delivery, Event, Undeliverable
from .email_messages import Written, addressed, at_site, compose, in_language, write
from .i18n import as_utc, date_words
from .mail import MailRefused, MailSettings
from .models import Translation
from .subscriber_models import Subscriber
from .subscriptions import LinkInvalid, confirmation_language, unsubscribe_token
from .throttle import mail_pace
from .urls import absolute


class EmailChannel:
    name = "email"

    def deliveries(self, event: Event) -> Iterator[Delivery]:
        """One message per immediate subscriber of a statement just published
        in their language (and topics); nothing for updates or deletions."""
        if event.kind != "publish" or _settings() is None:
            return
        if subscriber_queries.visible_translation(event.statement_id, event.language) is None:
            return
        for subscriber_id in subscriber_queries.immediate_recipients(
            event.statement_id, event.language
        ):
            yield Delivery(
                key=f"email:{subscriber_id}:{event.statement_id}:{event.language}:publish",
                payload={
                    "kind": "statement",
                    "subscriber": subscriber_id,
                    "statement": event.statement_id,
                    "language": event.language,
                },
            )

    def deliver(self, delivery: Delivery) -> None:
        """Write and send one message; Undeliverable when it no longer should go."""
        with self.batch() as deliver:
            deliver(delivery)

    @contextmanager
    def batch(self) -> Iterator[Callable[[Delivery], None]]:
        """Deliver a batch on one SMTP connection, each statement written
        once per language and addressed to each subscriber."""
        settings = _settings()
        if settings is None:
            yield _not_configured
            return
        with mail.Connection(settings) as connection, at_site():
            yield _Batch(settings, connection).deliver

    def periodic(self, now: datetime) -> Iterator[Delivery]:
        """Yesterday's digests, in the site's time zone. Asked every hour, so
        a worker that was down at midnight sends them when it is back; the
        queue's keys keep each digest to one."""
        today = now.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()
        yield from digest_deliveries(today - timedelta(days=1))


email_channel = EmailChannel()


def digest_deliveries(day: date) -> Iterator[Delivery]:
    """One digest per daily subscriber with a statement published on ``day``
    (in the site's time zone) in their languages and topics."""
    if _settings() is None:
        return
    start, end = _day_bounds(day)
    published = subscriber_queries.translations_between(start, end, current_app.config["LANGUAGES"])
    if not published:
        return
    for subscriber in subscriber_queries.digest_subscribers():
        if _chosen(published, subscriber):
            yield Delivery(
                key=f"email:digest:{subscriber.id}:{day.isoformat()}",
                payload={"kind": "digest", "subscriber": subscriber.id, "day": day.isoformat()},
            )


def _not_configured(_delivery: Delivery) -> None:
    raise Undeliverable("email is not configured")


def _settings() -> MailSettings | None:
    return MailSettings.from_config(current_app.config)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return as_utc(start), as_utc(start + timedelta(days=1))


def _chosen(translations: list[Translation], subscriber: Subscriber) -> list[Translation]:
    """The translations ``subscriber`` asked for: their languages, and their topics if any."""
    languages = set(subscriber.language_codes)
    topics = {topic.id for topic in subscriber.topics}
    return [
        t
        for t in translations
        if t.language in languages
        and (not topics or topics & {topic.id for topic in t.statement.topics})
    ]


def _unsubscribe(subscriber: Subscriber, language: str) -> tuple[str, str]:
    token = unsubscribe_token(subscriber)
    return absolute(url_for("subscriptions.unsubscribe", lang=language, token=token)), token


def _confirmation(
    settings: MailSettings, subscriber: Subscriber, payload: dict[str, Any]
) -> EmailMessage:
    try:
        language = confirmation_language(payload["token"])
    except LinkInvalid as error:
        # Expired while it waited in the queue: its owner must ask again.
        raise Undeliverable("the confirmation link has expired") from error
    with in_language(language):
        link = absolute(url_for("subscriptions.confirm", lang=language, token=payload["token"]))
        return compose(
            settings,
            subscriber.email,
            language,
            gettext("Confirm your subscription"),
            "confirm",
            confirm_url=link,
            expires_on=date_words(_link_expiry(), language),
        )


def _link_expiry() -> date:
    """The day, in the site's time zone, a link made now stops working."""
    seconds = int(current_app.config["SUBSCRIBE_LINK_MAX_AGE"])
    moment = datetime.now(ZoneInfo(current_app.config["TIMEZONE"])) + timedelta(seconds=seconds)
    return moment.date()


class _Batch:
    """The messages of one batch of deliveries, sent on one connection."""

    def __init__(self, settings: MailSettings, connection: mail.Connection) -> None:
        self.settings = settings
        self.connection = connection
        # Each statement's message in each language, written at its first
        # recipient: the batch's later ones get the same words (a statement
        # withdrawn meanwhile still reaches the rest of this batch, seconds).
        self.statements: dict[tuple[int, str], Written | None] = {}

    def deliver(self, delivery: Delivery) -> None:
        payload = delivery.payload
        subscriber = (
            subscriber_queries.subscriber_by_id(payload["subscriber"])
            if payload["kind"] == "confirm"
            else subscriber_queries.confirmed_subscriber(payload["subscriber"])
        )
        if subscriber is None:
            raise Undeliverable("no such subscriber, or not confirmed")
        if payload["kind"] == "statement":
            message = self._statement(subscriber, payload)
        elif payload["kind"] == "confirm":
            message = _confirmation(self.settings, subscriber, payload)
        elif payload["kind"] == "digest":
            message = _digest(self.settings, subscriber, payload)
        else:
            raise Undeliverable(f"unknown kind {payload['kind']!r}")
        mail_pace().wait_for_room()
        try:
            self.connection.send(message)
        except MailRefused as error:
            raise Undeliverable(str(error)) from error

    def _statement(self, subscriber: Subscriber, payload: dict[str, Any]) -> EmailMessage:
        language = payload["language"]
        found = (int(payload["statement"]), language)
        if found not in self.statements:
            translation = subscriber_queries.visible_translation(*found)
            self.statements[found] = None if translation is None else _written(translation)
        written = self.statements[found]
        if written is None:
            raise Undeliverable("the statement is no longer visible in that language")
        return addressed(
            self.settings, written, subscriber.email, _unsubscribe(subscriber, language)
        )


def _written(translation: Translation) -> Written:
    with in_language(translation.language):
        return write(translation.language, translation.title, "statement", translation=translation)


def _digest(
    settings: MailSettings, subscriber: Subscriber, payload: dict[str, Any]
) -> EmailMessage:
    day = date.fromisoformat(payload["day"])
    start, end = _day_bounds(day)
    published = subscriber_queries.translations_between(start, end, subscriber.language_codes)
    chosen = _chosen(published, subscriber)
    if not chosen:
        raise Undeliverable("nothing left to send for that day")
    language = subscriber.language
    with in_language(language):
        return compose(
            settings,
            subscriber.email,
            language,
            gettext("Statements of %(day)s", day=date_words(day, language)),
            "digest",
            unsubscribe=_unsubscribe(subscriber, language),
            translations=chosen,
        )
