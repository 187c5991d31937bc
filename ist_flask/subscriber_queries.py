"""The reading side of email subscriptions: who receives what, and counts.

Recipients are streamed (yield_per), never loaded whole: a statement may have
more subscribers than a worker should hold at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from .accounts import normalise_email
from .extensions import db
from .group_models import Topic, statement_topics
from .models import Statement, Translation
from .queries import visible
from .subscriber_models import (
    DAILY,
    IMMEDIATE,
    Subscriber,
    SubscriberLanguage,
    subscriber_topics,
)

# Rows a streamed query fetches at a time.
STREAM_CHUNK = 500


def find_subscriber(address: str) -> Subscriber | None:
    return db.session.execute(
        select(Subscriber).where(Subscriber.email == normalise_email(address))
    ).scalar_one_or_none()


def _wants_topic_of(statement_id: int) -> object:
    """A subscriber who chose no topic, or one of the statement's topics."""
    of_statement = select(statement_topics.c.topic_id).where(
        statement_topics.c.statement_id == statement_id
    )
    chose_none = ~exists().where(subscriber_topics.c.subscriber_id == Subscriber.id)
    chose_one = exists().where(
        subscriber_topics.c.subscriber_id == Subscriber.id,
        subscriber_topics.c.topic_id.in_(of_statement),
    )
    return or_(chose_none, chose_one)


def immediate_recipients(statement_id: int, language: str) -> Iterator[int]:
    """The confirmed, immediate subscribers who want ``language`` and (if they
    chose topics) one of the statement's topics: their ids, streamed."""
    query = (
        select(Subscriber.id)
        .join(SubscriberLanguage)
        .where(
            SubscriberLanguage.language == language,
            Subscriber.confirmed_at.is_not(None),
            Subscriber.frequency == IMMEDIATE,
            _wants_topic_of(statement_id),  # type: ignore[arg-type]
        )
        .order_by(Subscriber.id)
        .execution_options(yield_per=STREAM_CHUNK)
    )
    yield from db.session.execute(query).scalars()


def digest_subscribers() -> Iterator[Subscriber]:
    """The confirmed daily subscribers, with their languages and topics, streamed."""
    query = (
        select(Subscriber)
        .where(Subscriber.confirmed_at.is_not(None), Subscriber.frequency == DAILY)
        .options(selectinload(Subscriber.languages), selectinload(Subscriber.topics))
        .order_by(Subscriber.id)
        .execution_options(yield_per=STREAM_CHUNK)
    )
    yield from db.session.execute(query).scalars()


def confirmed_subscriber(subscriber_id: int) -> Subscriber | None:
    """The subscriber, if it exists and has confirmed: nobody else gets mail."""
    subscriber = db.session.get(Subscriber, subscriber_id)
    return subscriber if subscriber is not None and subscriber.confirmed_at else None


def visible_translation(statement_id: int, language: str) -> Translation | None:
    """The statement's translation in ``language``, if readers can see it now."""
    return db.session.execute(
        select(Translation)
        .join(Translation.statement)
        .where(Translation.statement_id == statement_id, Translation.language == language)
        .where(visible())
    ).scalar_one_or_none()


def translations_between(
    start: datetime, end: datetime, languages: Sequence[str]
) -> list[Translation]:
    """Visible translations in ``languages`` of statements published in
    [start, end), oldest first, with their statements' topics."""
    query = (
        select(Translation)
        .join(Translation.statement)
        .where(
            visible(),
            Statement.published_at >= start,
            Statement.published_at < end,
            Translation.language.in_(languages),
        )
        .options(selectinload(Translation.statement).selectinload(Statement.topics))
        .order_by(Statement.published_at, Statement.id, Translation.language)
    )
    return list(db.session.execute(query).scalars())


def counts_by_language() -> list[tuple[str, int]]:
    """Confirmed subscribers per language, by language code: counts, never addresses."""
    query = (
        select(SubscriberLanguage.language, func.count())
        .join(Subscriber)
        .where(Subscriber.confirmed_at.is_not(None))
        .group_by(SubscriberLanguage.language)
        .order_by(SubscriberLanguage.language)
    )
    return [(language, int(count)) for language, count in db.session.execute(query).all()]


def unconfirmed_count() -> int:
    query = select(func.count()).select_from(Subscriber).where(Subscriber.confirmed_at.is_(None))
    return int(db.session.execute(query).scalar_one())


def topics_by_id(ids: Sequence[int]) -> list[Topic]:
    if not ids:
        return []
    return list(db.session.execute(select(Topic).where(Topic.id.in_(ids))).scalars())


def subscriber_by_id(subscriber_id: int) -> Subscriber | None:
    return db.session.get(Subscriber, subscriber_id)
