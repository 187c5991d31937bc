"""Email subscribers: who wants which languages (and topics), how often.

An address is kept from the moment someone asks to subscribe it, unconfirmed,
so that its confirmation can be throttled and found again; nothing but that
confirmation is ever sent to it until its owner follows the link. Leaving
deletes the row (data minimisation): no list of former subscribers is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import Model, UTCDateTime

if TYPE_CHECKING:
    # By name at run time: models.py maps this module while group_models may
    # still be half imported (wsgi.py reaches models through it).
    from .group_models import Topic

IMMEDIATE = "immediate"
DAILY = "daily"
FREQUENCIES = (IMMEDIATE, DAILY)
# RFC 5321's longest path, less the angle brackets.
EMAIL_MAX_LENGTH = 254

subscriber_topics = Table(
    "subscriber_topics",
    db.metadata,
    Column("subscriber_id", ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Subscriber(Model):
    """One address and what it asked for. No topics: every statement."""

    __tablename__ = "subscribers"
    __table_args__ = (
        CheckConstraint(f"frequency IN ('{IMMEDIATE}', '{DAILY}')", name="frequency_known"),
        # Tokens name the id: an address that leaves and comes back gets a new
        # one, so that links mailed before it left stay dead.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased (subscriptions.normalise_address): one address, one row.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    # The interface language the address subscribed in: confirmations and
    # digests are written in it.
    language: Mapped[str] = mapped_column(String(16))
    frequency: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    languages: Mapped[list[SubscriberLanguage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SubscriberLanguage.language"
    )
    topics: Mapped[list[Topic]] = relationship(secondary=subscriber_topics, order_by="Topic.id")

    @property
    def language_codes(self) -> list[str]:
        return [entry.language for entry in self.languages]


class SubscriberLanguage(Model):
    """A language whose statements a subscriber receives."""

    __tablename__ = "subscriber_languages"

    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)
