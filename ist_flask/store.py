"""Writing statements: import from the file format, export to it, and the demo content.

Imports are checked whole first, then written in batches inside one
transaction, so a file of 100,000 statements goes in quickly and a bad one
leaves the database as it was.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from itertools import islice
from typing import Any, BinaryIO

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from .content import DEFAULT_LIMITS, TextLimits, make_slug, plain_text
from .extensions import db, without_statement_timeout
from .models import Statement, Translation
from .queries import LOOKUP_CHUNK
from .statement_file import (
    StatementFileError,
    StatementRecord,
    TranslationRecord,
    check_statement_file,
    read_statement_file,
)

BATCH_SIZE = 1000

Progress = Callable[[int], None]


def import_statement_file(
    open_file: Callable[[], BinaryIO],
    languages: Sequence[str],
    progress: Progress | None = None,
    on_checked: Callable[[int], None] | None = None,
    limits: TextLimits = DEFAULT_LIMITS,
) -> int:
    """Import the file that ``open_file`` opens (it is read twice), all or nothing.

    A slug given in the file that the database already uses is refused with
    StatementFileError before anything is written; a slug made from a title
    that is taken gets a number ("-2") instead.
    """
    without_statement_timeout()
    with open_file() as stream:
        checked = check_statement_file(stream, languages, limits)
    if on_checked is not None:
        on_checked(checked.count)
    taken = _taken_slugs(checked.slugs.keys())
    if taken:
        raise StatementFileError(
            [
                f"{checked.slugs[key]}: translations.{key[0]}.slug: "
                f'"{key[1]}" is already used by another statement'
                for key in sorted(taken)
            ]
        )
    slugs = SlugAllocator(set(checked.slugs))
    with open_file() as stream:
        records = read_statement_file(stream, languages, limits)
        try:
            while batch := list(islice(records, BATCH_SIZE)):
                _write_batch(batch, slugs)
                if progress is not None:
                    progress(len(batch))
        except BaseException:
            db.session.rollback()
            raise
    db.session.commit()
    return checked.count


def _write_batch(batch: Sequence[StatementRecord], slugs: SlugAllocator) -> None:
    """Insert one batch with two multi-row INSERTs: statements, then translations."""
    ids = db.session.scalars(
        insert(Statement).returning(Statement.id, sort_by_parameter_order=True),
        [
            {
                "published_at": record.published,
                "original_language": record.original,
                "status": record.status,
                "version": 1,
            }
            for record in batch
        ],
    ).all()
    slugs.learn_taken(
        [(t.language, make_slug(t.title)) for r in batch for t in r.translations if not t.slug]
    )
    rows: list[dict[str, Any]] = []
    for statement_id, record in zip(ids, batch, strict=True):
        for t in record.translations:
            rows.append(
                {
                    "statement_id": statement_id,
                    "language": t.language,
                    "title": t.title,
                    "slug": slugs.claim(t.language, t.slug, t.title),
                    "summary": t.summary,
                    "body": t.body,
                    "body_source": t.markdown,
                    "search_text": plain_text(t.body),
                    "updated_at": t.updated or record.published,
                }
            )
    # The table's INSERT, not the ORM's: the ORM starts a new executemany
    # whenever the set of None columns changes from one row to the next.
    db.session.execute(insert(Translation.__table__), rows)


def _taken_slugs(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``pairs`` (language, slug) the database already uses."""
    by_language: dict[str, list[str]] = {}
    for language, slug in pairs:
        by_language.setdefault(language, []).append(slug)
    taken: set[tuple[str, str]] = set()
    for language, slugs in by_language.items():
        pending = iter(slugs)
        # One language per query: PostgreSQL reads a (language, slug) IN list
        # of pairs by scanning the whole table, but a slug IN list of one
        # language from the unique index.
        while chunk := list(islice(pending, LOOKUP_CHUNK)):
            query = select(Translation.slug).where(
                Translation.language == language, Translation.slug.in_(chunk)
            )
            taken.update((language, slug) for slug in db.session.scalars(query))
    return taken


class SlugAllocator:
    """Hands out slugs no other translation in the language has: the database's,
    this import's, and those made earlier in it. Clashing titles get "-2", "-3"…
    without starting the count again each time."""

    def __init__(self, used: set[tuple[str, str]]) -> None:
        self.used = used
        self.taken_in_database: set[tuple[str, str]] = set()
        self._next_number: dict[tuple[str, str], int] = {}

    def learn_taken(self, pairs: list[tuple[str, str]]) -> None:
        """Look up a batch's wanted slugs in the database with one query a chunk."""
        self.taken_in_database |= _taken_slugs(pairs)

    def _free(self, language: str, slug: str) -> bool:
        key = (language, slug)
        return key not in self.used and key not in self.taken_in_database

    def claim(self, language: str, slug: str | None, title: str) -> str:
        if slug:
            self.used.add((language, slug))
            return slug
        base = make_slug(title)
        candidate = base
        if not self._free(language, base):
            number = self._next_number.get((language, base), 2)
            while True:
                candidate = f"{base}-{number}"
                number += 1
                if self._free(language, candidate) and not _taken_slugs([(language, candidate)]):
                    break
            self._next_number[(language, base)] = number
        self.used.add((language, candidate))
        return candidate


def count_statements() -> int:
    return db.session.execute(select(func.count(Statement.id))).scalar_one()


def export_records(languages: Sequence[str]) -> Iterator[StatementRecord]:
    """Every statement, oldest first, translations in the configured language order,
    read from the database a thousand at a time."""
    order = {code: position for position, code in enumerate(languages)}
    without_statement_timeout()
    query = (
        select(Statement)
        .options(selectinload(Statement.translations))
        .order_by(Statement.published_at, Statement.id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    for statement in db.session.scalars(query):
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
    data = resources.files("ist_flask").joinpath("demo/statements.json").read_bytes()
    return import_statement_file(lambda: io.BytesIO(data), languages)
