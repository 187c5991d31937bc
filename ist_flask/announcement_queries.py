"""What the channels of reach were told, and what readers see now: the
queries behind announcements.py, each one or two statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, select

from .extensions import db
from .models import PUBLISHED, Statement, Translation
from .queries import lookup_chunks
from .reach_models import OWED_OR_UNTOLD, UNTOLD, Announcement


def _shown_by(now: datetime, by_index: bool = True) -> ColumnElement[bool]:
    # visible() at a chosen moment, even a later one: the minute task is
    # driven with its own clock. Not by_index: the status is read from each
    # row of statements found otherwise (SQLite takes no index for a term
    # through ||), for a query that names its statements.
    status = Statement.status if by_index else Statement.status.concat("")
    return and_(status == PUBLISHED, Statement.published_at <= now)


def visible_languages(statement_id: int, now: datetime) -> list[str]:
    """The languages in which readers see the statement at ``now``."""
    query = (
        select(Translation.language)
        .join(Translation.statement)
        .where(Translation.statement_id == statement_id, _shown_by(now))
    )
    return list(db.session.scalars(query))


def visible_translations_of(statement_ids: Sequence[int], now: datetime) -> Select[int, str]:
    """(statement id, language) of these statements' translations visible at
    ``now``: a query, which an import's INSERT … SELECT reads in the database."""
    # By the statements' ids: SQLite would otherwise walk the index of every
    # visible statement for each batch an import writes, a sixth of the time
    # of an import of 100,000 statements.
    return (
        select(Translation.statement_id, Translation.language)
        .join(Translation.statement)
        .where(Statement.id.in_(statement_ids), _shown_by(now, by_index=False))
    )


def announced_languages(statement_id: int) -> list[str]:
    """The languages of the statement the channels were told are visible
    (or were meant to be: an owed update or delete, not an untold publish)."""
    query = select(Announcement.language).where(
        Announcement.statement_id == statement_id, Announcement.kind != UNTOLD
    )
    return list(db.session.scalars(query))


def due_for_announcement(since: datetime, now: datetime, limit: int) -> list[tuple[int, str]]:
    """(statement id, language) of translations visible at ``now``, timed
    after ``since``, and never announced, oldest first: statements whose
    scheduled time has come. ``since`` keeps it a range of the status and
    time index, not a walk of the archive every minute."""
    announced = select(Announcement.statement_id).where(
        Announcement.statement_id == Translation.statement_id,
        Announcement.language == Translation.language,
    )
    query = (
        select(Translation.statement_id, Translation.language)
        .join(Translation.statement)
        .where(_shown_by(now), Statement.published_at > since, ~announced.exists())
        .order_by(Statement.published_at, Translation.statement_id, Translation.language)
        .limit(limit)
    )
    return [(row.statement_id, row.language) for row in db.session.execute(query)]


def owed_query(limit: int) -> Select[int, str, str]:
    """(statement id, language, kind) of the announcements whose event the
    queue did not take (OWED or UNTOLD), oldest first."""
    # By the partial index ix_announcements_owed: the few such rows, not a
    # walk of every announcement each minute.
    return (
        select(Announcement.statement_id, Announcement.language, Announcement.kind)
        .where(OWED_OR_UNTOLD)
        .order_by(Announcement.at, Announcement.statement_id, Announcement.language)
        .limit(limit)
    )


def owed(limit: int) -> list[tuple[int, str, str]]:
    rows = db.session.execute(owed_query(limit))
    return [(row.statement_id, row.language, row.kind) for row in rows]


def visible_among(statement_ids: Sequence[int], now: datetime) -> set[tuple[int, str]]:
    """Which translations of these statements readers see at ``now``."""
    return {
        (row.statement_id, row.language)
        for chunk in lookup_chunks(statement_ids)
        for row in db.session.execute(visible_translations_of(chunk, now))
    }
