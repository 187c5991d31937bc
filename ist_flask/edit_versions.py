"""Claiming a version before a write: how two people's saves are kept apart.

A save names the version of what it changes (the statement's own fields, or
one translation) it was based on; one UPDATE checks and raises it, so two
saves racing on the same version cannot both pass. Different translations
have different versions, so two languages of one statement never conflict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import CursorResult, update

from .extensions import db
from .models import Statement, Translation

if TYPE_CHECKING:
    from .editing import StatementDraft, TranslationDraft


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


def _own_fields_change(statement: Statement, draft: StatementDraft) -> bool:
    image = statement.lead_image.sha256 if statement.lead_image is not None else None
    return (
        statement.published_at != draft.published_at
        or statement.status != draft.status
        or statement.original_language != draft.original_language
        or {t.id for t in statement.topics} != set(draft.topic_ids)
        or {o.id for o in statement.organisations} != set(draft.organisation_ids)
        or image != draft.image_sha256
    )


def claim_versions(
    statement: Statement, draft: StatementDraft, based_on_version: int | None
) -> None:
    """Claim the version of each part the draft changes (edit_versions.py)."""
    if _own_fields_change(statement, draft):
        claim_statement(statement, based_on_version)
    for translation in list(statement.translations):
        if translation.language in draft.untouched:
            continue
        wanted = draft.translations.get(translation.language)
        if wanted is None or _changes(translation, wanted):
            # A removal, too, must be based on the latest text: a translation
            # someone added while this form was open is never removed unseen.
            claim_translation(translation, draft.known_versions.get(translation.language))
    stored = {t.language for t in statement.translations}
    for language in draft.translations.keys() - stored:
        if language in draft.known_versions:
            # Deleted by someone else since the form was loaded.
            db.session.rollback()
            raise EditConflict(language)


def _changes(translation: Translation, wanted: TranslationDraft) -> bool:
    return (
        translation.title != wanted.title.strip()
        or translation.slug != wanted.slug
        or (translation.summary or "") != wanted.summary.strip()
        or (
            (translation.body_source or "").strip() != wanted.markdown.strip()
            and not same_imported_html(translation, wanted.markdown)
        )
        or (translation.image_alt or "") != wanted.image_alt.strip()
        or (translation.image_caption or "") != wanted.image_caption.strip()
        or (translation.image_credit or "") != wanted.image_credit.strip()
    )


def same_imported_html(translation: Translation | None, markdown: str) -> bool:
    """Whether ``markdown`` is a translation's imported HTML given back as it was shown."""
    return (
        translation is not None
        and translation.body_source is None
        and translation.body.strip() == markdown.replace("\r\n", "\n").strip()
    )
