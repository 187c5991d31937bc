"""Importing the statement file into the database, all or nothing.

The file is read whole first, and every problem reported at once: those in
the file and its slugs that the database already gives to another statement,
as its address or as an old address that still leads to it. Only then is it
written, in batches inside one transaction, so a file of 100,000 statements
goes in quickly and a bad one leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast

from sqlalchemy import Table, insert, select, text

from .announcements import mark_announced
from .content import DEFAULT_LIMITS, TextLimits, make_slug
from .extensions import db, without_statement_timeout
from .group_import import group_problems, link_statements, write_groups
from .import_pipeline import PreparedStatement, PreparedTranslation, prepared_batches
from .import_rows import (
    SearchIndex,
    bulk_write_settings,
    inserted_ids,
    journal_for_bulk_writes,
)
from .lead_images import stored_image
from .models import (
    SlugRedirect,
    Statement,
    StatementImage,
    Translation,
)
from .queries import lookup_chunks
from .statement_file import StatementFileError, inspect_statement_file

Progress = Callable[[int], None]
SlugKey = tuple[str, str]  # (language, slug)


@dataclass(frozen=True)
class SlugOwner:
    """The statement that has a slug: as its address now, or as an old one (``old``)."""

    title: str
    old: bool

    def describe(self, slug: str) -> str:
        if self.old:
            return (
                f'"{slug}" is an old address of another statement ("{self.title}"), '
                "which it still leads to"
            )
        return f'"{slug}" is already used by another statement ("{self.title}")'


def import_statement_file(
    open_file: Callable[[], BinaryIO],
    languages: Sequence[str],
    progress: Progress | None = None,
    on_checked: Callable[[int], None] | None = None,
    limits: TextLimits = DEFAULT_LIMITS,
) -> int:
    """Import the file that ``open_file`` opens (it is read twice), all or nothing.

    Every problem is reported at once in StatementFileError before anything
    is written: those of the file, and each slug or old slug that the
    database gives to another statement. A slug made from a title that is
    taken gets a number ("-2") instead.
    """
    without_statement_timeout()
    with open_file() as stream:
        checked = inspect_statement_file(stream, languages, limits)
    owners = slug_owners(checked.slugs)
    problems = checked.problems + [
        f"{checked.where_given(key)}: {owner.describe(key[1])}"
        for key, owner in sorted(owners.items())
    ]
    if not checked.problems:
        problems += group_problems(checked)
    if problems:
        raise StatementFileError(problems)
    if on_checked is not None:
        on_checked(checked.count)
    slugs = SlugAllocator(set(checked.slugs), limits.slug)
    index = SearchIndex.of_database()
    prepared = prepared_batches(open_file, languages, limits, index is not None, checked.count)
    # closing: a child process preparing the batches stops with the import.
    with closing(prepared) as batches, journal_for_bulk_writes(checked.count):
        try:
            with bulk_write_settings():
                groups = write_groups(checked)
                now = datetime.now(UTC)
                written: list[int] = []
                for batch in batches:
                    written += _write_batch(batch, slugs, index, groups)
                    if progress is not None:
                        progress(len(batch))
                _mark_announced(written, now)
            if index is not None:
                index.resume()
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
    _refresh_planner_statistics()
    return checked.count


def _refresh_planner_statistics() -> None:
    """After a bulk import PostgreSQL's planner still believes the tables
    are as they were, until autovacuum gets to them: a language's page, whose
    plan depends on how many translations each language has, then took
    seconds instead of milliseconds. ANALYZE (a sample, about a second at
    100,000 statements) makes its estimates true at once. SQLite's planner
    reads no statistics the import would change."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("ANALYZE statements, translations")
            )


def _mark_announced(statement_ids: Sequence[int], now: datetime) -> None:
    """What an import adds is not news: no channel hears of it. Marked once
    every batch is written, not batch by batch: between the batches' writes
    SQLite took 2.5 ms a batch for it at 10,000 statements and 9 ms at
    100,000 (a ninth of the import); after them, 0.05 s for all 10,000."""
    for chunk in lookup_chunks(statement_ids):
        mark_announced(chunk, now)


def _link_images(ids: Sequence[int], batch: Sequence[PreparedStatement]) -> None:
    """Store the batch's lead images (renditions made here, once per image)
    and give each its statement."""
    pictured = [(i, p.record.image) for i, p in zip(ids, batch, strict=True) if p.record.image]
    if not pictured:
        return
    images = [stored_image(original) for _id, original in pictured]
    db.session.flush()
    db.session.execute(
        insert(cast(Table, StatementImage.__table__)),
        [
            {"statement_id": statement_id, "image_id": image.id}
            for (statement_id, _original), image in zip(pictured, images, strict=True)
        ],
    )


def _write_batch(
    batch: Sequence[PreparedStatement],
    slugs: SlugAllocator,
    index: SearchIndex | None,
    groups: tuple[dict[str, int], dict[str, int]],
) -> Sequence[int]:
    """Insert one batch with multi-row INSERTs: statements, their topics and
    signatories, translations, old slugs, stems; the statements' ids."""
    ids = inserted_ids(
        cast(Table, Statement.__table__),
        [
            {
                "published_at": p.record.published,
                "original_language": p.record.original,
                "status": p.record.status,
                "version": 1,
            }
            for p in batch
        ],
    )
    link_statements(ids, [p.record for p in batch], *groups)
    _link_images(ids, batch)
    if index is not None:
        index.suspend()
    slugs.learn_taken(
        [
            (t.language, slugs.made(t.title))
            for p in batch
            for t in p.record.translations
            if not t.slug
        ]
    )
    rows: list[dict[str, Any]] = []
    prepared: list[PreparedTranslation] = []
    for statement_id, statement in zip(ids, batch, strict=True):
        for p in statement.translations:
            t = p.record
            rows.append(
                {
                    "statement_id": statement_id,
                    "language": t.language,
                    "title": t.title,
                    "slug": slugs.claim(t.language, t.slug, t.title),
                    "summary": t.summary,
                    "body": t.body,
                    "body_source": t.markdown,
                    "text_sha256": p.text_sha256,
                    "search_text": p.search_text,
                    "excerpt": p.excerpt,
                    "updated_at": t.updated or statement.record.published,
                    "image_alt": t.image_alt,
                    "image_caption": t.image_caption,
                    "image_credit": t.image_credit,
                }
            )
            prepared.append(p)
    # The table's INSERT, not the ORM's: the ORM starts a new executemany
    # whenever the set of None columns changes from one row to the next.
    table = cast(Table, Translation.__table__)
    if index is None and not any(p.record.old_slugs for p in prepared):
        db.session.execute(insert(table), rows)
        return ids
    translation_ids = inserted_ids(table, rows)
    if index is not None:
        index.add(
            [
                {"rowid": translation_id, "title": p.stems[0], "body": p.stems[1]}
                for translation_id, p in zip(translation_ids, prepared, strict=True)
                if p.stems is not None
            ]
        )
    redirects = [
        {"language": p.record.language, "slug": old, "translation_id": translation_id}
        for translation_id, p in zip(translation_ids, prepared, strict=True)
        for old in p.record.old_slugs
    ]
    if redirects:
        db.session.execute(insert(cast(Table, SlugRedirect.__table__)), redirects)
    return ids


def slug_owners(keys: Iterable[SlugKey]) -> dict[SlugKey, SlugOwner]:
    """Which of ``keys`` the database gives to a statement, and how."""
    by_language: dict[str, list[str]] = {}
    for language, slug in keys:
        by_language.setdefault(language, []).append(slug)
    owners: dict[SlugKey, SlugOwner] = {}
    for language, slugs in by_language.items():
        # One language per query: PostgreSQL reads a (language, slug) IN list
        # of pairs by scanning the whole table, but a slug IN list of one
        # language from the unique index.
        for chunk in lookup_chunks(slugs):
            current = select(Translation.slug, Translation.title).where(
                Translation.language == language, Translation.slug.in_(chunk)
            )
            for slug, title in db.session.execute(current):
                owners[(language, slug)] = SlugOwner(title, old=False)
            former = (
                select(SlugRedirect.slug, Translation.title)
                .join(Translation, SlugRedirect.translation_id == Translation.id)
                .where(SlugRedirect.language == language, SlugRedirect.slug.in_(chunk))
            )
            for slug, title in db.session.execute(former):
                owners.setdefault((language, slug), SlugOwner(title, old=True))
    return owners


class SlugAllocator:
    """Hands out slugs no other translation in the language has, or had: the
    database's, this import's, and those made earlier in it. Clashing titles
    get "-2", "-3"… without starting the count again each time."""

    def __init__(self, used: set[SlugKey], max_length: int) -> None:
        self.used = used
        self.max_length = max_length
        self.taken_in_database: set[SlugKey] = set()
        self._next_number: dict[SlugKey, int] = {}

    def made(self, title: str) -> str:
        """The slug made from ``title``, within IST_SLUG_MAX_LENGTH."""
        return make_slug(title, self.max_length)

    def learn_taken(self, keys: list[SlugKey]) -> None:
        """Look up a batch's wanted slugs in the database with one query a chunk."""
        self.taken_in_database |= set(slug_owners(keys))

    def _free(self, language: str, slug: str) -> bool:
        key = (language, slug)
        return key not in self.used and key not in self.taken_in_database

    def claim(self, language: str, slug: str | None, title: str) -> str:
        if slug:
            self.used.add((language, slug))
            return slug
        base = self.made(title)
        candidate = base
        if not self._free(language, base):
            number = self._next_number.get((language, base), 2)
            while True:
                suffix = f"-{number}"
                # Cut the title's slug, not the number, to stay within the limit.
                candidate = base[: self.max_length - len(suffix)].rstrip("-") + suffix
                number += 1
                if self._free(language, candidate) and not slug_owners([(language, candidate)]):
                    break
            self._next_number[(language, base)] = number
        self.used.add((language, candidate))
        return candidate
