"""Claiming a version before a write: how two people's saves are kept apart.

A save names the version of what it changes (the statement's own fields, or
one translation) it was based on; one UPDATE checks and raises it, so two
saves racing on the same version cannot both pass. Different translations
have different versions, so two languages of one statement never conflict.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, update

from .extensions import db
from .models import Statement, Translation


class EditConflict(RuntimeError):
    """What the save changes was saved by someone else since it was loaded."""


def claim_statement(statement: Statement, based_on: int | None) -> None:
    """Raise the statement's version (its own fields) from ``based_on``, or roll
    back and raise EditConflict."""
    claim(update(Statement).where(Statement.id == statement.id), Statement.version, based_on)
    db.session.refresh(statement, ["version"])


def claim_translation(translation: Translation, based_on: int | None) -> None:
    """Raise one translation's version from ``based_on``, or roll back and
    raise EditConflict."""
    claim(
        update(Translation).where(Translation.id == translation.id), Translation.version, based_on
    )
    db.session.refresh(translation, ["version"])


def claim(query: Any, column: Any, based_on: int | None) -> None:
    claimed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        query.where(column == based_on)
        .values({column: column + 1})
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise EditConflict()
