"""Email subscriptions: asking, confirming (double opt-in) and leaving.

Asking stores the address unconfirmed and returns the one confirmation to
queue; the link it carries is signed and expires (SUBSCRIBE_LINK_MAX_AGE),
and holds what was asked for, so that asking again for an address already
subscribed changes nothing until its owner confirms. Leaving deletes the row.
Everything an address can ask for answers the same whatever its state, so
that the form never tells who is subscribed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from .accounts import normalise_email
from .channel_types import Delivery
from .extensions import db
from .i18n import supported_languages
from .mail import MailSettings
from .subscriber_models import EMAIL_MAX_LENGTH, FREQUENCIES, Subscriber, SubscriberLanguage
from .subscriber_queries import find_subscriber, topics_by_id

# What the form takes: an ASCII address of the common shape. No comments,
# quotes, commas or angle brackets, which could name a second recipient.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
LOCAL_PART_MAX_LENGTH = 64


class LinkInvalid(Exception):
    """A link that was never made here, or whose subscriber is gone."""


class LinkExpired(LinkInvalid):
    """A confirmation link older than SUBSCRIBE_LINK_MAX_AGE."""


def is_mail_address(address: str) -> bool:
    """Whether ``address`` (normalised) is one the site will write to."""
    local, _at, _domain = address.partition("@")
    return (
        len(address) <= EMAIL_MAX_LENGTH
        and len(local) <= LOCAL_PART_MAX_LENGTH
        and _ADDRESS.fullmatch(address) is not None
    )


def email_enabled() -> bool:
    return MailSettings.from_config(current_app.config) is not None


def address_digest(address: str) -> str:
    """A keyed digest of the address: what the throttle counts it by."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, normalise_email(address).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Choice:
    """What a subscriber asks for: languages, topics (none: all) and frequency."""

    languages: tuple[str, ...]
    topic_ids: tuple[int, ...]
    frequency: str

    def as_token(self, subscriber_id: int, interface_language: str) -> dict[str, Any]:
        return {
            "s": subscriber_id,
            "i": interface_language,
            "l": list(self.languages),
            "t": list(self.topic_ids),
            "f": self.frequency,
        }


def _confirm_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="subscribe-confirm")


def _unsubscribe_signer() -> URLSafeSerializer:
    # No expiry: an unsubscribe link in a years-old message must still work.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(subscriber: Subscriber) -> str:
    return str(_unsubscribe_signer().dumps(subscriber.id))


def _apply(subscriber: Subscriber, choice: Choice) -> None:
    known = set(supported_languages())
    codes = sorted({code for code in choice.languages if code in known})
    subscriber.languages = [SubscriberLanguage(language=code) for code in codes]
    subscriber.topics = topics_by_id(choice.topic_ids)
    subscriber.frequency = choice.frequency


def _stored(address: str, interface_language: str, choice: Choice) -> Subscriber:
    subscriber = find_subscriber(address)
    if subscriber is None:
        subscriber = Subscriber(
            email=address, language=interface_language, created_at=datetime.now(UTC)
        )
        _apply(subscriber, choice)
        db.session.add(subscriber)
    elif subscriber.confirmed_at is None:
        # Not yet anyone's subscription: the latest request is what it asks,
        # and its link is the one that counts for forget_unconfirmed.
        subscriber.language = interface_language
        subscriber.created_at = datetime.now(UTC)
        _apply(subscriber, choice)
    db.session.flush()
    return subscriber


def forget_unconfirmed() -> None:
    """Delete the addresses whose confirmation link has expired unfollowed:
    nobody asked for them to be kept."""
    max_age = timedelta(seconds=int(current_app.config["SUBSCRIBE_LINK_MAX_AGE"]))
    db.session.execute(
        delete(Subscriber).where(
            Subscriber.confirmed_at.is_(None),
            Subscriber.created_at < datetime.now(UTC) - max_age,
        )
    )


def request_subscription(address: str, interface_language: str, choice: Choice) -> Delivery:
    """Store ``address`` unconfirmed unless it is known, and give the one
    confirmation to queue. The caller has throttled the request. Expired
    unconfirmed addresses are forgotten on the way (one indexed delete)."""
    address = normalise_email(address)
    forget_unconfirmed()
    try:
        subscriber = _stored(address, interface_language, choice)
        db.session.commit()
    except IntegrityError:
        # Another request stored the same address a moment before.
        db.session.rollback()
        subscriber = _stored(address, interface_language, choice)
        db.session.commit()
    token = str(_confirm_signer().dumps(choice.as_token(subscriber.id, interface_language)))
    return Delivery(
        # One key per link, so that a retried job sends it once.
        key=f"email:confirm:{subscriber.id}:{hashlib.sha256(token.encode()).hexdigest()[:16]}",
        payload={"kind": "confirm", "subscriber": subscriber.id, "token": token},
    )


def _read_confirmation(token: str) -> dict[str, Any]:
    try:
        value = _confirm_signer().loads(token, max_age=current_app.config["SUBSCRIBE_LINK_MAX_AGE"])
    except SignatureExpired:
        raise LinkExpired from None
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(value, dict):
        raise LinkInvalid
    return value


def confirmation_language(token: str) -> str:
    """The interface language a confirmation link was asked in (for its email)."""
    return str(_read_confirmation(token)["i"])


def confirm(token: str) -> Subscriber:
    """Confirm the subscription a link names, with what it asked for.

    Raises LinkExpired, or LinkInvalid for a forged link or one whose
    subscriber has left since.
    """
    value = _read_confirmation(token)
    subscriber = db.session.get(Subscriber, int(value["s"]))
    if subscriber is None:
        raise LinkInvalid
    choice = Choice(
        tuple(str(code) for code in value["l"]),
        tuple(int(topic) for topic in value["t"]),
        value["f"] if value["f"] in FREQUENCIES else FREQUENCIES[0],
    )
    _apply(subscriber, choice)
    if not subscriber.languages:
        # Every language it chose has been removed from the site since.
        raise LinkInvalid
    subscriber.language = str(value["i"])
    subscriber.confirmed_at = subscriber.confirmed_at or datetime.now(UTC)
    db.session.commit()
    return subscriber


def check_unsubscribe_token(token: str) -> int:
    """The subscriber id an unsubscribe link names; LinkInvalid if forged."""
    try:
        subscriber_id = _unsubscribe_signer().loads(token)
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(subscriber_id, int):
        raise LinkInvalid
    return subscriber_id


def unsubscribe(token: str) -> None:
    """Delete the subscriber a link names. A link whose subscriber has already
    left succeeds again: leaving twice is still having left."""
    subscriber = db.session.get(Subscriber, check_unsubscribe_token(token))
    if subscriber is not None:
        db.session.delete(subscriber)
        db.session.commit()


def subscriber_record(address: str) -> dict[str, Any] | None:
    """Everything kept about ``address`` (for `flask subscribers export`)."""
    subscriber = find_subscriber(address)
    if subscriber is None:
        return None
    return {
        "email": subscriber.email,
        "interface_language": subscriber.language,
        "languages": subscriber.language_codes,
        "topics": [topic.default_name().name for topic in subscriber.topics],
        "frequency": subscriber.frequency,
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
    }


def delete_subscriber(address: str) -> bool:
    """Forget ``address``; whether it was known."""
    subscriber = find_subscriber(address)
    if subscriber is None:
        return False
    db.session.delete(subscriber)
    db.session.commit()
    return True
