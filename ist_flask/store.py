"""Reading statements for export, counting them, and loading the demo content.
(Writing a statement file's statements is statement_import.py's.)"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .extensions import db, without_statement_timeout
from .group_models import Organisation, Topic
from .group_queries import all_organisations, all_topics
from .group_records import GroupRecords, OrganisationRecord, TopicRecord
from .image_models import Image
from .images import CleanImage
from .models import Statement, Translation
from .statement_file import StatementRecord, TranslationRecord
from .statement_import import import_statement_file

# Statements read from the database at a time by an export.
EXPORT_BATCH = 1000


def count_statements() -> int:
    return db.session.execute(select(func.count(Statement.id))).scalar_one()


def count_translations() -> int:
    return db.session.execute(select(func.count(Translation.id))).scalar_one()


def export_records(languages: Sequence[str]) -> Iterator[StatementRecord]:
    """Every statement, oldest first, translations in the configured language order,
    read from the database a thousand at a time."""
    without_statement_timeout()
    query = (
        select(Statement)
        .options(
            selectinload(Statement.translations).selectinload(Translation.old_slugs),
            selectinload(Statement.topics).selectinload(Topic.names),
            selectinload(Statement.organisations),
            selectinload(Statement.lead_image).undefer(Image.data),
        )
        .order_by(Statement.published_at, Statement.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    for statement in db.session.scalars(query):
        translations = statement.translations_in(languages)
        yield StatementRecord(
            published=statement.published_at,
            original=statement.original_language,
            status=statement.status,
            image=_original(statement.lead_image),
            translations=tuple(
                TranslationRecord(
                    language=t.language,
                    title=t.title,
                    slug=t.slug,
                    summary=t.summary,
                    body=t.body,
                    updated=t.updated_at,
                    markdown=t.body_source,
                    old_slugs=tuple(old.slug for old in sorted(t.old_slugs, key=lambda o: o.id)),
                    image_alt=t.image_alt,
                    image_caption=t.image_caption,
                    image_credit=t.image_credit,
                )
                for t in translations
            ),
            topics=tuple(topic.default_name().slug for topic in statement.topics),
            signatories=tuple(organisation.slug for organisation in statement.organisations),
        )


def export_groups(languages: Sequence[str]) -> GroupRecords:
    """Every topic and organisation, used or not, for the file's definitions."""
    return GroupRecords(
        topics={
            t.default_name().slug: TopicRecord(
                t.default_name().slug,
                tuple((n.language, n.name, n.slug) for n in t.names_in(languages)),
                tuple((old.language, old.slug) for old in t.old_slugs),
            )
            for t in all_topics(old_slugs=True)
        },
        organisations={o.slug: _organisation_record(o) for o in all_organisations(old_slugs=True)},
    )


def _organisation_record(organisation: Organisation) -> OrganisationRecord:
    return OrganisationRecord(
        organisation.slug,
        organisation.name,
        organisation.country,
        organisation.web_address,
        tuple((n.language, n.name) for n in organisation.names),
        tuple(old.slug for old in organisation.old_slugs),
    )


def _original(image: Image | None) -> CleanImage | None:
    if image is None:
        return None
    return CleanImage(image.data, image.media_type, image.width, image.height)


def has_statements() -> bool:
    return db.session.execute(select(Statement.id).limit(1)).first() is not None


def load_demo(languages: Sequence[str]) -> int:
    """Import the seed's statements that ship with the package."""
    data = resources.files("ist_flask").joinpath("demo/statements.json").read_bytes()
    return import_statement_file(lambda: io.BytesIO(data), languages)
