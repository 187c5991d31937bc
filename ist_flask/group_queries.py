"""Reading topics and signatories: finding one by its address, listing them
for the editor, the sitemap and the import. Each function is one or two queries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .group_models import Organisation, OrganisationOldSlug, Topic, TopicName, TopicOldSlug


def topic_at(language: str, slug: str) -> tuple[Topic, str] | None:
    """The topic whose page in ``language`` has ``slug``, with the slug it
    has there: the same, or another when ``slug`` is its address in another
    language (the page then redirects there)."""
    own = db.session.scalars(
        select(Topic)
        .join(TopicName)
        .where(TopicName.language == language, TopicName.slug == slug)
        .options(selectinload(Topic.names))
    ).first()
    if own is not None:
        return own, slug
    # A topic unnamed in this language is at its default name's slug.
    candidates = db.session.scalars(
        select(Topic)
        .join(TopicName)
        .where(TopicName.slug == slug)
        .order_by(Topic.id)
        .options(selectinload(Topic.names))
    ).all()
    for topic in candidates:
        if topic.slug_in(language) == slug:
            return topic, slug
    if candidates:
        return candidates[0], candidates[0].slug_in(language)
    # An address it had: on to the one it has now.
    moved = db.session.scalars(
        select(Topic)
        .join(TopicOldSlug)
        .where(TopicOldSlug.language == language, TopicOldSlug.slug == slug)
        .options(selectinload(Topic.names))
    ).first()
    return (moved, moved.slug_in(language)) if moved is not None else None


def organisation_at(language: str, slug: str) -> tuple[Organisation, str] | None:
    """The organisation at ``slug`` (one slug in every language)."""
    organisation = db.session.scalars(
        select(Organisation)
        .where(Organisation.slug == slug)
        .options(selectinload(Organisation.names))
    ).first()
    if organisation is not None:
        return organisation, slug
    moved = db.session.scalars(
        select(Organisation)
        .join(OrganisationOldSlug)
        .where(OrganisationOldSlug.slug == slug)
        .options(selectinload(Organisation.names))
    ).first()
    return (moved, moved.slug) if moved is not None else None


def all_topics(old_slugs: bool = False) -> list[Topic]:
    """Every topic with its names (and its old slugs: for the export),
    oldest first."""
    query = select(Topic).options(selectinload(Topic.names)).order_by(Topic.id)
    if old_slugs:
        query = query.options(selectinload(Topic.old_slugs))
    return list(db.session.scalars(query))


def all_organisations(old_slugs: bool = False) -> list[Organisation]:
    """Every organisation with its names (and its old slugs: for the
    export), by name."""
    query = (
        select(Organisation)
        .options(selectinload(Organisation.names))
        .order_by(Organisation.name, Organisation.id)
    )
    if old_slugs:
        query = query.options(selectinload(Organisation.old_slugs))
    return list(db.session.scalars(query))


def count_groups() -> int:
    """How many topics and organisations there are: each has a page per language."""
    topics = select(func.count(Topic.id)).scalar_subquery()
    organisations = select(func.count(Organisation.id)).scalar_subquery()
    return int(db.session.execute(select(topics + organisations)).scalar_one())
