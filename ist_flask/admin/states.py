"""How a statement, and each of its languages, stands in the editor's list."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from ..models import DRAFT, Statement


class TranslationState(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    DRAFT = "draft"
    OUTDATED = "outdated"


class StatementState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


# What the list says for each state, in the maintainer's language.
STATE_WORDS = {
    TranslationState.PRESENT: _l("present"),
    TranslationState.MISSING: _l("missing"),
    TranslationState.DRAFT: _l("draft"),
    TranslationState.OUTDATED: _l("may be out of date"),
    StatementState.SCHEDULED: _l("scheduled"),
    StatementState.PUBLISHED: _l("published"),
}


def translation_state(statement: Statement, language: str) -> TranslationState:
    """How one language of a statement stands: missing, draft, outdated or present."""
    translation = statement.translation(language)
    if translation is None:
        return TranslationState.MISSING
    if statement.status == DRAFT:
        return TranslationState.DRAFT
    if translation.may_be_outdated():
        return TranslationState.OUTDATED
    return TranslationState.PRESENT


def statement_state(statement: Statement) -> StatementState:
    """Whether a statement is a draft, waits for its time, or is on the site."""
    if statement.status == DRAFT:
        return StatementState.DRAFT
    if statement.published_at > datetime.now(UTC):
        return StatementState.SCHEDULED
    return StatementState.PUBLISHED
