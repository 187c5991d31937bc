"""The email channel of reach (channel_types.py): a message per confirmed
subscriber for each statement published in a language they want, daily
digests, and the confirmation that asks an address's owner first.

Everything here runs in the job queue's worker. Each delivery re-reads its
subscriber, so one who left or never confirmed gets nothing, even from a
delivery queued before.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import gettext

from . import mail, subscriber_queries
from .channel_types import Delivery, Event, Undeliverable
from .email_messages import compose, in_language
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
        settings = _settings()
        if settings is None:
            raise Undeliverable("email is not configured")
        payload = delivery.payload
        subscriber = (
            subscriber_queries.subscriber_by_id(payload["subscriber"])
            if payload["kind"] == "confirm"
            else subscriber_queries.confirmed_subscriber(payload["subscriber"])
        )
        if subscriber is None:
            raise Undeliverable("no such subscriber, or not confirmed")
        writers = {"confirm": _confirmation, "statement": _statement, "digest": _digest}
        writer = writers.get(payload["kind"])
        if writer is None:
            raise Undeliverable(f"unknown kind {payload['kind']!r}")
        message = writer(settings, subscriber, payload)
        mail_pace().wait_for_room()
        try:
            mail.send(message, settings)
        except MailRefused as error:
            raise Undeliverable(str(error)) from error

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


def _statement(
    settings: MailSettings, subscriber: Subscriber, payload: dict[str, Any]
) -> EmailMessage:
    language = payload["language"]
    translation = subscriber_queries.visible_translation(payload["statement"], language)
    if translation is None:
        raise Undeliverable("the statement is no longer visible in that language")
    with in_language(language):
        return compose(
            settings,
            subscriber.email,
            language,
            translation.title,
            "statement",
            unsubscribe=_unsubscribe(subscriber, language),
            translation=translation,
        )


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
