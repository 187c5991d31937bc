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
from .statement_file import CheckedFile, StatementRecord


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


def group_problems(checked: CheckedFile) -> list[str]:
    """What the database says against the file's groups: a statement naming
    a group that neither the file nor the site has, and a new topic whose
    slug in a language another topic has."""
    problems = []
    topic_keys = {key for kind, key in checked.elsewhere if kind == "topic"}
    organisation_slugs = {key for kind, key in checked.elsewhere if kind == "organisation"}
    stored_topics = _stored_topics(topic_keys | set(checked.groups.topics))
    stored_organisations = _stored_organisations(organisation_slugs)
    for (kind, key), where in sorted(checked.elsewhere.items()):
        if kind == "topic" and key not in stored_topics:
            problems.append(f'{where}: topics: "{key}" is no topic of the file or of the site')
        if kind == "organisation" and key not in stored_organisations:
            problems.append(
                f'{where}: signatories: "{key}" is no organisation of the file or of the site'
            )
    for key, record in checked.groups.topics.items():
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


def write_groups(checked: CheckedFile) -> tuple[dict[str, int], dict[str, int]]:
    """Make the file's new topics and organisations; the ids of every topic
    (by key) and organisation (by slug) the file names or defines."""
    groups: GroupRecords = checked.groups
    topic_keys = set(groups.topics) | {k for kind, k in checked.elsewhere if kind == "topic"}
    organisation_slugs = set(groups.organisations) | {
        k for kind, k in checked.elsewhere if kind == "organisation"
    }
    topic_ids = {key: topic.id for key, topic in _stored_topics(topic_keys).items()}
    organisation_ids = _stored_organisations(organisation_slugs)
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
    return topic_ids, organisation_ids


def link_statements(
    ids: Sequence[int],
    records: Sequence[StatementRecord],
    topic_ids: dict[str, int],
    organisation_ids: dict[str, int],
) -> None:
    """Link a batch's new statements to their topics and signatories, one
    multi-row INSERT each (none for a batch without any)."""
    topics: list[dict[str, Any]] = []
    signatories: list[dict[str, Any]] = []
    for statement_id, record in zip(ids, records, strict=True):
        topics += [{"statement_id": statement_id, "topic_id": topic_ids[k]} for k in record.topics]
        signatories += [
            {"statement_id": statement_id, "organisation_id": organisation_ids[k]}
            for k in record.signatories
        ]
    if topics:
        db.session.execute(insert(statement_topics), topics)
    if signatories:
        db.session.execute(insert(statement_signatories), signatories)
