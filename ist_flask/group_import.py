"""The topics and signatories of a statement file, into the database: those
it defines are made unless the site has them (by key), and each statement
is linked to those it names. statement_import.py calls these inside its
one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .group_editing import forget_organisation_old_slugs, forget_topic_old_slugs
from .group_models import (
    Organisation,
    OrganisationName,
    OrganisationOldSlug,
    Topic,
    TopicName,
    TopicOldSlug,
    statement_signatories,
    statement_topics,
)
from .group_records import GroupRecords
from .statement_file import StatementRecord


def _stored_topics(keys: Iterable[str]) -> dict[str, Topic]:
    """The stored topics known by ``keys`` (their default name's slug)."""
    wanted = set(keys)
    if not wanted:
        return {}
    query = (
        select(Topic)
        .join(TopicName)
        .where(TopicName.slug.in_(wanted))
        .options(selectinload(Topic.names))
    )
    found = {}
    for topic in db.session.scalars(query).unique():
        key = topic.default_name().slug
        if key in wanted:
            found[key] = topic
    return found


def _stored_organisations(slugs: Iterable[str]) -> dict[str, int]:
    wanted = set(slugs)
    if not wanted:
        return {}
    query = select(Organisation.slug, Organisation.id).where(Organisation.slug.in_(wanted))
    return {slug: organisation_id for slug, organisation_id in db.session.execute(query)}


def missing_group_problems(elsewhere: dict[tuple[str, str], str]) -> list[str]:
    """Each group that statements name (``elsewhere``: CheckedFile's) but
    neither the file nor the site has."""
    topic_keys = {key for kind, key in elsewhere if kind == "topic"}
    organisation_slugs = {key for kind, key in elsewhere if kind == "organisation"}
    stored_topics = _stored_topics(topic_keys)
    stored_organisations = _stored_organisations(organisation_slugs)
    problems = []
    for (kind, key), where in sorted(elsewhere.items()):
        if kind == "topic" and key not in stored_topics:
            problems.append(f'{where}: topics: "{key}" is no topic of the file or of the site')
        if kind == "organisation" and key not in stored_organisations:
            problems.append(
                f'{where}: signatories: "{key}" is no organisation of the file or of the site'
            )
    return problems


def topic_address_problems(groups: GroupRecords) -> list[str]:
    """Each new topic of the file whose slug in a language another topic has."""
    stored_topics = _stored_topics(groups.topics)
    problems = []
    for key, record in groups.topics.items():
        if key in stored_topics:
            continue
        for language, _name, slug in record.names:
            taken = db.session.execute(
                select(TopicName.id).where(TopicName.language == language, TopicName.slug == slug)
            ).first()
            if taken is not None:
                problems.append(
                    f'topics.{key}.{language}.slug: "{slug}" is another topic\'s address'
                )
    return problems


class GroupIds:
    """The ids of the topics (by key) and organisations (by slug) that an
    import's statements name: those the file defines, from the start, and
    those it leaves to the site, looked up as statements name them."""

    def __init__(self, topics: dict[str, int], organisations: dict[str, int]) -> None:
        self.topics = topics
        self.organisations = organisations

    def resolve(self, records: Sequence[StatementRecord]) -> bool:
        """Look up the groups that ``records`` name and that are not known
        yet; whether the site has every one (if not, missing_group_problems
        says which, with the statement that names it first)."""
        topics = {k for r in records for k in r.topics if k not in self.topics}
        organisations = {k for r in records for k in r.signatories if k not in self.organisations}
        self.topics.update((key, topic.id) for key, topic in _stored_topics(topics).items())
        self.organisations.update(_stored_organisations(organisations))
        return topics <= self.topics.keys() and organisations <= self.organisations.keys()


def write_groups(groups: GroupRecords) -> GroupIds:
    """Make the file's new topics and organisations; the ids of every one
    it defines, new or already the site's."""
    topic_ids = {key: topic.id for key, topic in _stored_topics(groups.topics).items()}
    organisation_ids = _stored_organisations(groups.organisations)
    for key, record in groups.topics.items():
        if key not in topic_ids:
            forget_topic_old_slugs(record.old_slugs)
            topic = Topic(
                names=[
                    TopicName(language=language, name=name, slug=slug)
                    for language, name, slug in record.names
                ],
                old_slugs=[
                    TopicOldSlug(language=language, slug=slug)
                    for language, slug in record.old_slugs
                ],
            )
            db.session.add(topic)
            db.session.flush()
            topic_ids[key] = topic.id
    for slug, o in groups.organisations.items():
        if slug not in organisation_ids:
            forget_organisation_old_slugs(o.old_slugs)
            organisation = Organisation(
                slug=slug,
                name=o.name,
                country=o.country,
                web_address=o.web_address,
                names=[
                    OrganisationName(language=language, name=name) for language, name in o.names
                ],
                old_slugs=[OrganisationOldSlug(slug=old) for old in o.old_slugs],
            )
            db.session.add(organisation)
            db.session.flush()
            organisation_ids[slug] = organisation.id
    return GroupIds(topic_ids, organisation_ids)


def link_statements(
    ids: Sequence[int],
    records: Sequence[StatementRecord],
    groups: GroupIds,
) -> None:
    """Link a batch's new statements to their topics and signatories, one
    multi-row INSERT each (none for a batch without any)."""
    topics: list[dict[str, Any]] = []
    signatories: list[dict[str, Any]] = []
    for statement_id, record in zip(ids, records, strict=True):
        topics += [
            {"statement_id": statement_id, "topic_id": groups.topics[k]} for k in record.topics
        ]
        signatories += [
            {"statement_id": statement_id, "organisation_id": groups.organisations[k]}
            for k in record.signatories
        ]
    if topics:
        db.session.execute(insert(statement_topics), topics)
    if signatories:
        db.session.execute(insert(statement_signatories), signatories)
