"""Writing statements: import from the file format, export to it, and the demo content."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import resources

from sqlalchemy import select, tuple_
from sqlalchemy.orm import selectinload

from .content import make_slug
from .extensions import db
from .models import Statement, Translation
from .statement_file import (
    StatementFileError,
    StatementRecord,
    TranslationRecord,
    parse_statement_file,
)


def import_statements(records: Sequence[StatementRecord]) -> int:
    """Add ``records`` as new statements, all or nothing; return how many were added.

    A slug given in the file that the database already uses is refused with
    StatementFileError before anything is written. A slug made from a title
    that is taken gets a number ("-2") instead.
    """
    given = {(t.language, t.slug) for r in records for t in r.translations if t.slug}
    taken = _taken_slugs(given)
    problems = [
        f'statement {number} ("{t.title}"): translations.{t.language}.slug: '
        f'"{t.slug}" is already used by another statement'
        for number, record in enumerate(records, start=1)
        for t in record.translations
        if (t.language, t.slug) in taken
    ]
    if problems:
        raise StatementFileError(problems)

    used = set(given)
    for record in records:
        statement = Statement(published_at=record.published, original_language=record.original)
        for t in record.translations:
            slug = t.slug or _free_slug(t.language, make_slug(t.title), used)
            used.add((t.language, slug))
            statement.translations.append(
                Translation(
                    language=t.language,
                    title=t.title,
                    slug=slug,
                    summary=t.summary,
                    body=t.body,
                    body_source=t.markdown,
                    updated_at=t.updated or record.published,
                )
            )
        db.session.add(statement)
    db.session.commit()
    return len(records)


def _taken_slugs(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    if not pairs:
        return set()
    query = select(Translation.language, Translation.slug).where(
        tuple_(Translation.language, Translation.slug).in_(list(pairs))
    )
    return {(language, slug) for language, slug in db.session.execute(query)}


def _free_slug(language: str, base: str, used: set[tuple[str, str]]) -> str:
    candidate, number = base, 1
    while (language, candidate) in used or _taken_slugs({(language, candidate)}):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def export_records(languages: Sequence[str]) -> Iterator[StatementRecord]:
    """Every statement, oldest first, translations in the configured language order."""
    order = {code: position for position, code in enumerate(languages)}
    query = (
        select(Statement)
        .options(selectinload(Statement.translations))
        .order_by(Statement.published_at, Statement.id)
    )
    for statement in db.session.execute(query).scalars():
        translations = sorted(
            statement.translations, key=lambda t: (order.get(t.language, len(order)), t.language)
        )
        yield StatementRecord(
            published=statement.published_at,
            original=statement.original_language,
            status=statement.status,
            translations=tuple(
                TranslationRecord(
                    language=t.language,
                    title=t.title,
                    slug=t.slug,
                    summary=t.summary,
                    body=t.body,
                    updated=t.updated_at,
                    markdown=t.body_source,
                )
                for t in translations
            ),
        )


def has_statements() -> bool:
    return db.session.execute(select(Statement.id).limit(1)).first() is not None


def load_demo(languages: Sequence[str]) -> int:
    """Import the seed's statements that ship with the package."""
    text = resources.files("ist_flask").joinpath("demo/statements.json").read_text("utf-8")
    return import_statements(parse_statement_file(text, languages))
