"""The translation desk's writes: drafts, publishing a draft, marking a
translation current, and machine pre-fill.

Each names the versions it was based on (edit_versions.py): the same
translation saved twice is refused with EditConflict; other languages are
never touched. A draft that a machine filled is never published until a
person said they reviewed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .account_models import User
from .desk_models import DraftTranslation
from .edit_versions import EditConflict, claim, claim_translation
from .editing import SlugTaken, TranslationDraft, apply_translation, slug_clash
from .extensions import db
from .machine_translation import Translator
from .models import Statement, Translation, source_text
from .models import text_fingerprint as fingerprint


class NotReviewed(ValueError):
    """A machine's draft nobody has said they reviewed."""


@dataclass(frozen=True)
class DeskBase:
    """What the desk's form was loaded with: the draft's and the published
    translation's versions (None: there was none) and the original it showed."""

    draft_version: int | None
    translation_version: int | None
    source_sha256: str


def current_source(statement: Statement) -> str | None:
    """The original's text now (models.source_text), if it has one."""
    original = statement.translation(statement.original_language)
    return source_text(original) if original is not None else None


def draft_of(statement: Statement, language: str) -> DraftTranslation | None:
    return db.session.execute(
        select(DraftTranslation).where(
            DraftTranslation.statement_id == statement.id, DraftTranslation.language == language
        )
    ).scalar_one_or_none()


def _made_from(statement: Statement, base: DeskBase, before: str | None) -> str | None:
    # The original the translator saw, if it is still the original; if an
    # editor changed it meanwhile, the older base stays (and the desk shows
    # what changed).
    current = current_source(statement)
    if current is not None and fingerprint(current) == base.source_sha256:
        return current
    return before


def _claim_draft(draft: DraftTranslation, based_on: int | None) -> None:
    claim(
        update(DraftTranslation).where(DraftTranslation.id == draft.id),
        DraftTranslation.version,
        based_on,
    )
    db.session.refresh(draft, ["version"])


def _fill(draft: DraftTranslation, text: TranslationDraft, author: User | None) -> None:
    draft.title = text.title.strip()
    draft.slug = text.slug.strip()
    draft.summary = text.summary.strip()
    draft.markdown = text.markdown
    draft.image_alt = text.image_alt.strip()
    draft.image_caption = text.image_caption.strip()
    draft.image_credit = text.image_credit.strip()
    draft.author = author
    draft.updated_at = datetime.now(UTC)


def save_draft(
    statement: Statement,
    language: str,
    text: TranslationDraft,
    base: DeskBase,
    author: User | None,
    needs_review: bool,
) -> DraftTranslation:
    """Keep ``text`` as the draft in ``language``, beside any published translation."""
    draft = draft_of(statement, language)
    published = statement.translation(language)
    if draft is None:
        if base.draft_version is not None:
            # Published or dropped by someone else since the form was loaded.
            raise EditConflict(language)
        draft = DraftTranslation(statement_id=statement.id, language=language, version=1)
        # A draft of a published translation starts from the original that
        # one was made from, so what changed since stays shown until the
        # translation is published or marked current; a new translation
        # follows the original the translator saw.
        draft.source_markdown = (
            published.source_markdown
            if published is not None
            else _made_from(statement, base, None)
        )
        db.session.add(draft)
    else:
        _claim_draft(draft, base.draft_version)
    _fill(draft, text, author)
    draft.needs_review = needs_review
    try:
        db.session.commit()
    except IntegrityError:
        # Another first draft of this language was saved at the same moment.
        db.session.rollback()
        raise EditConflict(language) from None
    return draft


def publish(
    statement: Statement, language: str, text: TranslationDraft, base: DeskBase, reviewed: bool
) -> Translation:
    """Put ``text`` on the site as the translation in ``language`` (its slug
    already chosen) and drop the draft. Raises NotReviewed for a machine's
    draft not confirmed as reviewed, EditConflict, SlugTaken."""
    draft = draft_of(statement, language)
    published = statement.translation(language)
    if draft is not None and draft.needs_review and not reviewed:
        raise NotReviewed(language)
    if (draft is None) != (base.draft_version is None):
        raise EditConflict(language)
    if (published is None) != (base.translation_version is None):
        raise EditConflict(language)
    if draft is not None:
        _claim_draft(draft, base.draft_version)
    if published is not None:
        claim_translation(published, base.translation_version)
    if slug_clash(language, text.slug, statement.id) is not None:
        db.session.rollback()
        raise SlugTaken(language, text.slug, slug_clash(language, text.slug, statement.id))
    before = draft.source_markdown if draft is not None else None
    if before is None and published is not None:
        before = published.source_markdown
    made_from = _made_from(statement, base, before)
    apply_translation(statement, published, language, text, datetime.now(UTC), made_from)
    translation = statement.translation(language)
    assert translation is not None  # just written
    translation.source_markdown = made_from
    if draft is not None:
        db.session.delete(draft)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SlugTaken(
            language, text.slug, slug_clash(language, text.slug, statement.id)
        ) from None
    return translation


def mark_current(statement: Statement, language: str, base: DeskBase) -> None:
    """Say the translation (its draft, if it has one) follows the original as
    it is now: it is no longer out of date."""
    source = current_source(statement)
    draft = draft_of(statement, language)
    if draft is not None:
        _claim_draft(draft, base.draft_version)
        draft.source_markdown = source
    else:
        published = statement.translation(language)
        if published is None:
            raise EditConflict(language)
        claim_translation(published, base.translation_version)
        published.source_markdown = source
    db.session.commit()


def prefill(
    statement: Statement, language: str, translator: Translator, author: User | None
) -> DraftTranslation:
    """A draft in ``language`` filled by ``translator`` from the original,
    marked as needing review. Only for a language with no text yet (raises
    EditConflict otherwise); may raise machine_translation.TranslationUnavailable."""
    original = statement.translation(statement.original_language)
    if original is None or statement.translation(language) or draft_of(statement, language):
        raise EditConflict(language)
    fields = {
        "title": original.title,
        "summary": original.summary or "",
        "markdown": original.body_source or original.body,
        "image_alt": original.image_alt or "",
        "image_caption": original.image_caption or "",
        "image_credit": original.image_credit or "",
    }
    asked = {name: value for name, value in fields.items() if value.strip()}
    answers = translator.translate(list(asked.values()), statement.original_language, language)
    filled = {**dict.fromkeys(fields, ""), **dict(zip(asked, answers, strict=True))}
    text = TranslationDraft(slug="", **filled)
    base = DeskBase(None, None, fingerprint(source_text(original)))
    return save_draft(statement, language, text, base, author, needs_review=True)
