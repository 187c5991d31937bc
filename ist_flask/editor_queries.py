"""Reading statements for the editor and the maintainers' commands: every
statement, drafts and scheduled ones too, with their translations' titles
and states, never their texts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Statement, Translation
from .stemming import fold


def _title_contains(words: str) -> ColumnElement[bool]:
    """Whether a translation's title holds ``words``, whatever their case and
    accents ("garcia" finds "García"), as the public search does."""
    escaped = fold(words).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if db.engine.dialect.name == "postgresql":
        folded = func.lower(func.unaccent(Translation.title))
    else:
        folded = func.ist_fold(Translation.title)  # registered on every connection
    return folded.like(pattern, escape="\\")


def _with_listed_translations() -> Any:
    """Load a statement's translations for a list of titles and states: not
    their texts, which are most of what a statement weighs."""
    return selectinload(Statement.translations).load_only(
        Translation.statement_id,
        Translation.language,
        Translation.title,
        Translation.slug,
        Translation.updated_at,
        # What Translation.may_be_outdated compares.
        Translation.text_sha256,
        Translation.source_sha256,
    )


def editor_listing(search: str, page: int, per_page: int) -> tuple[list[Statement], int]:
    """The editor's list: every statement (drafts and scheduled ones too),
    newest first, with a title holding ``search`` when given, and the total."""
    query = select(Statement).options(_with_listed_translations())
    if search:
        query = query.where(Statement.translations.any(_title_contains(search)))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    statements = db.session.execute(
        query.order_by(Statement.published_at.desc(), Statement.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars()
    return list(statements), total


def outdated_translations(language: str | None) -> Iterator[Translation]:
    """Translations (in ``language``, or any) older than their edited original,
    newest statement first."""
    query = (
        select(Statement)
        .options(_with_listed_translations())
        .order_by(Statement.published_at.desc(), Statement.id.desc())
        .execution_options(yield_per=1000)
    )
    for statement in db.session.execute(query).scalars():
        for translation in statement.translations:
            if language in (None, translation.language) and translation.may_be_outdated():
                yield translation


def statements_missing(language: str) -> Iterator[Statement]:
    """Statements with no translation in ``language``, newest first."""
    query = (
        select(Statement)
        .where(~Statement.translations.any(Translation.language == language))
        .options(_with_listed_translations())
        .order_by(Statement.published_at.desc(), Statement.id.desc())
        .execution_options(yield_per=1000)
    )
    yield from db.session.execute(query).scalars()
