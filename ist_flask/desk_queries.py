"""The translation desk's queue: which statements miss, or may have outgrown,
a translation in the languages asked, or have a draft waiting in them,
newest first, counted in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, selectinload

from .desk_models import DraftTranslation
from .extensions import db
from .models import Statement, Translation


@dataclass(frozen=True)
class QueueEntry:
    statement: Statement
    language: str
    # True: there is no translation yet; False: it may be out of date, or
    # only has a draft waiting.
    missing: bool
    outdated: bool
    draft: DraftTranslation | None


def _pairs(languages: Sequence[str]) -> Any:
    wanted_rows = [select(literal(code, String).label("language")) for code in languages]
    wanted = (union_all(*wanted_rows) if len(wanted_rows) > 1 else wanted_rows[0]).subquery(
        "wanted"
    )
    translation, original = aliased(Translation), aliased(Translation)
    # Translation.may_be_outdated, in SQL.
    outdated = or_(
        and_(
            translation.source_sha256.is_not(None),
            translation.source_sha256 != original.text_sha256,
        ),
        and_(
            translation.source_sha256.is_(None),
            original.updated_at > translation.updated_at,
        ),
    )
    return (
        select(
            Statement.id.label("statement_id"),
            wanted.c.language,
            Statement.published_at,
            translation.id.is_(None).label("missing"),
            and_(translation.id.is_not(None), original.id.is_not(None), outdated).label("outdated"),
        )
        .select_from(Statement)
        .join(wanted, wanted.c.language != Statement.original_language)
        .outerjoin(
            translation,
            and_(
                translation.statement_id == Statement.id,
                translation.language == wanted.c.language,
            ),
        )
        .outerjoin(
            original,
            and_(
                original.statement_id == Statement.id,
                original.language == Statement.original_language,
            ),
        )
        .where(
            or_(
                translation.id.is_(None),
                and_(original.id.is_not(None), outdated),
                # A draft waiting to be finished or published.
                exists().where(
                    DraftTranslation.statement_id == Statement.id,
                    DraftTranslation.language == wanted.c.language,
                ),
            )
        )
    )


def translation_queue(
    languages: Sequence[str], page: int, per_page: int
) -> tuple[list[QueueEntry], int]:
    """One page of (statement, language) still to translate in ``languages``,
    newest statement first, and how many there are in all. Three queries."""
    if not languages:
        return [], 0
    pairs = _pairs(languages)
    total = db.session.execute(select(func.count()).select_from(pairs.subquery())).scalar_one()
    rows = db.session.execute(
        pairs.order_by(
            Statement.published_at.desc(), Statement.id.desc(), pairs.selected_columns.language
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = {row.statement_id for row in rows}
    statements = {
        s.id: s
        for s in db.session.execute(
            select(Statement)
            .where(Statement.id.in_(ids))
            .options(selectinload(Statement.translations))
        ).scalars()
    }
    drafts = {
        (d.statement_id, d.language): d
        for d in db.session.execute(
            select(DraftTranslation).where(DraftTranslation.statement_id.in_(ids))
        ).scalars()
    }
    entries = [
        QueueEntry(
            statements[row.statement_id],
            row.language,
            bool(row.missing),
            bool(row.outdated),
            drafts.get((row.statement_id, row.language)),
        )
        for row in rows
    ]
    return entries, total
