"""The reading side of revisions and the audit log: what the editor's
history pages and `flask audit` list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select

from .extensions import db
from .models import Statement
from .revision_models import AuditEvent, Revision


def revisions_of(statement_id: int) -> Sequence[Revision]:
    """The statement's revisions, newest first."""
    return db.session.scalars(
        select(Revision).where(Revision.statement_id == statement_id).order_by(Revision.id.desc())
    ).all()


def revision_of(statement_id: int, revision_id: int) -> Revision | None:
    """That revision, if it is one of this statement's."""
    revision = db.session.get(Revision, revision_id)
    return revision if revision is not None and revision.statement_id == statement_id else None


def _last_revisions_of_deleted() -> Select[Any]:
    return (
        select(func.max(Revision.id).label("id"))
        .where(Revision.statement_id.not_in(select(Statement.id)))
        .group_by(Revision.statement_id)
    )


def deleted_statements(page: int, per_page: int) -> tuple[Sequence[Revision], int]:
    """The last revision of each deleted statement, the latest deleted first,
    and how many there are."""
    last = _last_revisions_of_deleted().subquery()
    total = db.session.execute(select(func.count()).select_from(last)).scalar_one()
    rows = db.session.scalars(
        select(Revision)
        .where(Revision.id.in_(select(last.c.id)))
        .order_by(Revision.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return rows, total


def is_deleted(statement_id: int) -> bool:
    return db.session.get(Statement, statement_id) is None


def audit_events(limit: int, offset: int) -> Sequence[AuditEvent]:
    """The audit log, newest first."""
    return db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    ).all()


def audit_count() -> int:
    return db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
