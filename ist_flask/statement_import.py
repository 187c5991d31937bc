"""Importing the statement file into the database, all or nothing.

The file is read once, and checked as it is read: its statements are written
in batches inside one transaction while the rest is read, so a file of
100,000 statements goes in quickly. Every problem is reported at once at the
end: those in the file and its slugs that the database already gives to
another statement, as its address or as an old address that still leads to
it. A bad file is rolled back, leaving the database as it was; once a
problem is known nothing more is written, and the rest of the file is only
read for its problems.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast

from sqlalchemy import Table, insert, text

from .announcements import mark_announced
from .content import DEFAULT_LIMITS, TextLimits
from .extensions import db, without_statement_timeout
from .group_import import (
    GroupIds,
    link_statements,
    missing_group_problems,
    topic_address_problems,
    write_groups,
)
from .group_records import GroupRecords
from .image_models import StatementImage
from .import_pipeline import Chunk, FileReading, PreparedStatement, PreparedTranslation
from .import_rows import (
    SearchIndex,
    bulk_write_settings,
    inserted_ids,
    journal_for_bulk_writes,
)
from .import_slugs import SlugAllocator, SlugKey
from .lead_images import stored_image
from .models import (
    SlugRedirect,
    Statement,
    Translation,
)
from .queries import lookup_chunks
from .statement_file import CheckedFile, StatementFileError, read_groups, slug_field

Progress = Callable[[int], None]


def import_statement_file(
    open_file: Callable[[], BinaryIO],
    languages: Sequence[str],
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
    limits: TextLimits = DEFAULT_LIMITS,
) -> int:
    """Import the file that ``open_file`` opens, all or nothing; how many
    statements it held.

    ``open_file`` is called twice: for the groups the file defines before
    its statements (and its size in bytes, given to ``on_start``), then to
    read it. ``progress`` is given the bytes read as each batch is written.
    Every problem is reported at once in StatementFileError, and nothing is
    written: those of the file, and each slug or old slug that the database
    gives to another statement. A slug made from a title that is taken gets
    a number ("-2") instead, and is made again if a later statement of the
    file gives it.
    """
    without_statement_timeout()
    with open_file() as stream:
        header_problems: list[str] = []
        groups = read_groups(stream, languages, header_problems)
        size = stream.seek(0, io.SEEK_END)
    if on_start is not None:
        on_start(size)
    # Checked before the import's topics are made, which would have their slugs.
    topic_problems = [] if header_problems else topic_address_problems(groups)
    index = SearchIndex.of_database()
    reading = FileReading(open_file, languages, limits, index is not None, size)
    # closing: a child process reading the file stops with the import.
    with closing(reading), journal_for_bulk_writes(size):
        try:
            with bulk_write_settings():
                writing = _Writing(groups, bool(header_problems or topic_problems), index, limits)
                done = 0
                for chunk in reading:
                    writing.take(chunk, reading)
                    if progress is not None:
                        progress(chunk.position - done)
                    done = chunk.position
                checked = reading.checked
                assert checked is not None  # every chunk was taken
                problems = writing.problems(checked, topic_problems)
                if problems:
                    raise StatementFileError(problems)
                _mark_announced(writing.written, writing.started)
            if index is not None:
                index.resume()
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
    _refresh_planner_statistics()
    return checked.count


class _Writing:
    """An import's writes, a batch at a time, until a problem is known; then
    only the lookups that find the database's part of the problems."""

    def __init__(
        self, groups: GroupRecords, refused: bool, index: SearchIndex | None, limits: TextLimits
    ) -> None:
        self.refused = refused
        self.index = index
        self.groups = GroupIds({}, {}) if refused else write_groups(groups)
        self.slugs = SlugAllocator(limits.slug)
        # Each slug the file gives that the database gives another
        # statement: the problem, naming where the file gives it.
        self.clashes: dict[SlugKey, str] = {}
        self.started = datetime.now(UTC)
        self.written: list[int] = []

    def take(self, chunk: Chunk, reading: FileReading) -> None:
        given = _given_slugs(chunk)
        for key, owner in self.slugs.others_of(list(given)).items():
            number, title, old = given[key]
            field = slug_field(number, title, key[0], old)
            self.clashes[key] = f"{field}: {owner.describe(key[1])}"
        self.refused = (
            self.refused
            or bool(self.clashes)
            or chunk.faulty
            or not self.groups.resolve(chunk.records)
        )
        if self.refused:
            reading.refuse()
            return
        self.slugs.give(list(given))
        batch = reading.prepared(chunk)
        self.written += _write_batch(batch, self.slugs, self.index, self.groups)

    def problems(self, checked: CheckedFile, topic_problems: list[str]) -> list[str]:
        """Every problem of the import, the file's first."""
        problems = checked.problems + [problem for _key, problem in sorted(self.clashes.items())]
        if not checked.problems:
            problems += topic_problems + missing_group_problems(checked.elsewhere)
        if self.refused and not problems:
            problems.append("the file changed while it was read")
        return problems


def _given_slugs(chunk: Chunk) -> dict[SlugKey, tuple[int, str, bool]]:
    """The slugs and old slugs that the chunk's statements give, as
    (language, slug), in the file's order: where each is given, as the
    statement's number, its first title, and whether it is an old slug."""
    given: dict[SlugKey, tuple[int, str, bool]] = {}
    for number, record in zip(chunk.numbers, chunk.records, strict=True):
        title = record.translations[0].title
        for t in record.translations:
            for old, slug in t.given_slugs():
                given[(t.language, slug)] = (number, title, old)
    return given


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
    groups: GroupIds,
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
    link_statements(ids, [p.record for p in batch], groups)
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
