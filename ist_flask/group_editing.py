"""Writing topics and organisations, for the editor and the CLI: one rule
each for what a valid one is, and for a slug another one has."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import delete, select, tuple_
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .group_models import (
    Organisation,
    OrganisationName,
    OrganisationOldSlug,
    Topic,
    TopicName,
    TopicOldSlug,
)
from .group_records import default_language_of
from .i18n import supported_languages
from .models import Statement


class GroupSlugTaken(ValueError):
    """Another topic (in ``language``) or organisation has ``slug``."""

    def __init__(self, slug: str, language: str | None = None) -> None:
        super().__init__(f"{language}/{slug}" if language else slug)
        self.slug = slug
        self.language = language


def topic_slug_owner(language: str, slug: str) -> int | None:
    """The id of the topic whose name in ``language`` has ``slug``."""
    return db.session.execute(
        select(TopicName.topic_id).where(TopicName.language == language, TopicName.slug == slug)
    ).scalar()


def save_topic(topic: Topic | None, names: Mapping[str, tuple[str, str]]) -> Topic:
    """Create or update a topic with ``names`` ({language: (name, slug)}, at
    least one); a language left out loses its name. Raises GroupSlugTaken,
    leaving the database as it was."""
    assert names, "a topic has a name in at least one language"
    for language, (_name, slug) in names.items():
        owner = topic_slug_owner(language, slug)
        if owner is not None and (topic is None or owner != topic.id):
            raise GroupSlugTaken(slug, language)
    if topic is None:
        topic = Topic()
        db.session.add(topic)
    else:
        _keep_old_topic_slugs(topic, names)
    existing = {n.language: n for n in topic.names}
    for language, own in existing.items():
        if language not in names:
            topic.names.remove(own)
    for language, (name, slug) in names.items():
        stored = existing.get(language)
        if stored is None:
            topic.names.append(TopicName(language=language, name=name, slug=slug))
        else:
            stored.name, stored.slug = name, slug
    return _commit(topic, GroupSlugTaken(next(iter(names.values()))[1]))


def save_organisation(
    organisation: Organisation | None,
    slug: str,
    name: str,
    country: str | None,
    web_address: str | None,
    names: Mapping[str, str],
) -> Organisation:
    """Create or update an organisation; ``names``: its name where it differs,
    by language. Raises GroupSlugTaken when another organisation has ``slug``."""
    owner = db.session.execute(select(Organisation.id).where(Organisation.slug == slug)).scalar()
    if owner is not None and (organisation is None or owner != organisation.id):
        raise GroupSlugTaken(slug)
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    elif organisation.slug != slug:
        forget_organisation_old_slugs([slug, organisation.slug])
        db.session.add(OrganisationOldSlug(organisation_id=organisation.id, slug=organisation.slug))
    organisation.slug, organisation.name = slug, name
    organisation.country, organisation.web_address = country or None, web_address or None
    existing = {n.language: n for n in organisation.names}
    for language, own in existing.items():
        if language not in names or names[language] in ("", name):
            organisation.names.remove(own)
    for language, other in names.items():
        if other and other != name:
            if language in existing:
                existing[language].name = other
            else:
                organisation.names.append(OrganisationName(language=language, name=other))
    return _commit(organisation, GroupSlugTaken(slug))


def _keep_old_topic_slugs(topic: Topic, names: Mapping[str, tuple[str, str]]) -> None:
    """Each language where the topic's page moves keeps its old address, as
    a redirect: published URLs never break."""
    for language in {n.language for n in topic.names} | set(names) | set(supported_languages()):
        before = topic.slug_in(language)
        own = names.get(language)
        after = own[1] if own is not None else _slug_after(names)
        if after != before:
            forget_topic_old_slugs([(language, before), (language, after)])
            db.session.add(TopicOldSlug(topic_id=topic.id, language=language, slug=before))


def _slug_after(names: Mapping[str, tuple[str, str]]) -> str:
    """Where a language without a name of its own finds the topic after the
    save: the default name's slug (Topic.slug_in's rule, on the new names)."""
    return names[default_language_of(names)][1]


def forget_topic_old_slugs(addresses: Collection[tuple[str, str]]) -> None:
    """No topic redirects from these (language, slug) addresses any more: one
    is live again, or is about to redirect to another topic (a rename, an
    import), which takes it over."""
    if addresses:
        where = tuple_(TopicOldSlug.language, TopicOldSlug.slug).in_(list(addresses))
        db.session.execute(delete(TopicOldSlug).where(where))


def forget_organisation_old_slugs(slugs: Collection[str]) -> None:
    """forget_topic_old_slugs, for organisations' addresses."""
    if slugs:
        db.session.execute(delete(OrganisationOldSlug).where(OrganisationOldSlug.slug.in_(slugs)))


G = TypeVar("G", Topic, Organisation)


def _commit(group: G, taken: GroupSlugTaken) -> G:
    try:
        db.session.commit()
    except IntegrityError:
        # Another maintainer took the slug between the check and the save.
        db.session.rollback()
        raise taken from None
    return group


def set_groups(
    statement: Statement, topic_ids: Sequence[int], organisation_ids: Sequence[int]
) -> None:
    """Give ``statement`` these topics and signatories (saved with it)."""
    statement.topics = list(
        db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids)).order_by(Topic.id))
    )
    statement.organisations = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(organisation_ids))
            .order_by(Organisation.name)
        )
    )
