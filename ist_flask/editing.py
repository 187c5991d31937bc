"""The editor's writes: saving a statement with its translations, safely.

A save names the version it was based on. If someone else saved in the
meantime the save is refused, so nothing is ever silently overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .content import make_slug, plain_text, render_markdown
from .extensions import db
from .models import SlugRedirect, Statement, Translation


@dataclass(frozen=True)
class TranslationDraft:
    """What the editor says about one language; an empty slug means "from the title"."""

    title: str
    slug: str
    summary: str
    markdown: str


@dataclass(frozen=True)
class StatementDraft:
    published_at: datetime
    status: str
    original_language: str
    translations: Mapping[str, TranslationDraft]


class EditConflict(RuntimeError):
    """The statement changed since the editor loaded it."""


class SlugTaken(ValueError):
    """A slug another statement uses in that language."""

    def __init__(self, language: str, slug: str) -> None:
        super().__init__(f"{language}/{slug}")
        self.language = language
        self.slug = slug


def slug_for(draft: TranslationDraft) -> str:
    return draft.slug.strip() or make_slug(draft.title)


def taken_slugs(drafts: Mapping[str, TranslationDraft], statement_id: int | None) -> set[str]:
    """The languages whose wanted slug belongs to another statement."""
    taken = set()
    for language, draft in drafts.items():
        query = select(Translation.statement_id).where(
            Translation.language == language, Translation.slug == slug_for(draft)
        )
        owner = db.session.execute(query).scalar_one_or_none()
        if owner is not None and owner != statement_id:
            taken.add(language)
    return taken


def save_statement(
    statement: Statement | None, draft: StatementDraft, based_on_version: int | None
) -> Statement:
    """Create or update a statement from the editor's draft, all or nothing.

    Raises EditConflict when ``statement`` is no longer at ``based_on_version``
    and SlugTaken when a slug is in use elsewhere; the database is then unchanged.
    """
    now = datetime.now(UTC)
    if statement is None:
        statement = Statement(version=1)
        db.session.add(statement)
    else:
        # One UPDATE that checks and raises the version: two saves racing on
        # the same version cannot both pass it.
        claimed = db.session.execute(
            update(Statement)
            .where(Statement.id == statement.id, Statement.version == based_on_version)
            .values(version=Statement.version + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            raise EditConflict(str(statement.id))
        db.session.refresh(statement, ["version"])

    try:
        statement.published_at = draft.published_at
        statement.status = draft.status
        statement.original_language = draft.original_language
        existing = {t.language: t for t in statement.translations}
        for language, translation in existing.items():
            if language not in draft.translations:
                statement.translations.remove(translation)
        for language, wanted in draft.translations.items():
            _apply(statement, existing.get(language), language, wanted, now)
        db.session.commit()
    except IntegrityError:
        # Another statement took a slug between the form's check and this save.
        db.session.rollback()
        statement_id = statement.id if statement in db.session else None
        taken = taken_slugs(draft.translations, statement_id) or set(draft.translations)
        language = sorted(taken)[0]
        raise SlugTaken(language, slug_for(draft.translations[language])) from None
    return statement


def _apply(
    statement: Statement,
    translation: Translation | None,
    language: str,
    wanted: TranslationDraft,
    now: datetime,
) -> None:
    slug = slug_for(wanted)
    body = render_markdown(wanted.markdown)
    summary = wanted.summary.strip() or None
    # A slug given back by a renamed translation is free again: drop its redirect.
    db.session.execute(
        delete(SlugRedirect).where(SlugRedirect.language == language, SlugRedirect.slug == slug)
    )
    if translation is None:
        statement.translations.append(
            Translation(
                language=language,
                title=wanted.title.strip(),
                slug=slug,
                summary=summary,
                body=body,
                body_source=wanted.markdown,
                search_text=plain_text(body),
                updated_at=now,
            )
        )
        return
    changed = (
        translation.title != wanted.title.strip()
        or translation.slug != slug
        or translation.summary != summary
        or translation.body != body
    )
    if translation.slug != slug:
        translation.old_slugs.append(SlugRedirect(language=language, slug=translation.slug))
    translation.title = wanted.title.strip()
    translation.slug = slug
    translation.summary = summary
    translation.body = body
    translation.body_source = wanted.markdown
    translation.search_text = plain_text(body)
    if changed:
        # Feeds and the out-of-date check read this time.
        translation.updated_at = now


def delete_statement(statement: Statement) -> None:
    db.session.delete(statement)
    db.session.commit()
