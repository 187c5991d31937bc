"""The editor's writes: saving a statement with its translations, safely.

A save names the version it was based on. If someone else saved in the
meantime the save is refused, so nothing is ever silently overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .content import make_slug, render_markdown
from .edit_versions import EditConflict, claim_versions, same_imported_html
from .extensions import db
from .group_editing import set_groups
from .lead_images import forget_unclaimed_images, image_by_hash
from .models import SlugRedirect, Statement, Translation, source_text

__all__ = ["EditConflict"]


@dataclass(frozen=True)
class TranslationDraft:
    """What the editor says about one language; the slug is already made
    from the title when the maintainer left it empty."""

    title: str
    slug: str
    summary: str
    markdown: str
    # What the lead image says in this language (empty: nothing).
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""


@dataclass(frozen=True)
class StatementDraft:
    published_at: datetime
    status: str
    original_language: str
    translations: Mapping[str, TranslationDraft]
    # The topics it is about and the organisations that signed it, by id.
    topic_ids: tuple[int, ...] = ()
    organisation_ids: tuple[int, ...] = ()
    # The SHA-256 of the lead image (stored at upload: lead_images.py); None: no image.
    image_sha256: str | None = None
    # The version of each language's translation the form was loaded with;
    # a language missing here had no translation then.
    known_versions: Mapping[str, int] = field(default_factory=dict)
    # Languages the maintainer left as the form showed them: kept as stored,
    # even if someone else changed (or added) them meanwhile.
    untouched: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SlugClash:
    """Another statement's claim on a slug: its address now, or an old
    address of it that still leads there (``old``)."""

    title: str
    old: bool


class SlugTaken(ValueError):
    """A slug another statement uses, or used, in that language."""

    def __init__(self, language: str, slug: str, clash: SlugClash | None = None) -> None:
        super().__init__(f"{language}/{slug}")
        self.language = language
        self.slug = slug
        self.clash = clash


def slug_clash(language: str, slug: str, statement_id: int | None) -> SlugClash | None:
    """Another statement's claim on ``slug`` in ``language``, if there is one."""
    current = db.session.execute(
        select(Translation.statement_id, Translation.title).where(
            Translation.language == language, Translation.slug == slug
        )
    ).first()
    if current is not None:
        return SlugClash(current.title, old=False) if current.statement_id != statement_id else None
    former = db.session.execute(
        select(Translation.statement_id, Translation.title)
        .join(SlugRedirect, SlugRedirect.translation_id == Translation.id)
        .where(SlugRedirect.language == language, SlugRedirect.slug == slug)
    ).first()
    if former is not None and former.statement_id != statement_id:
        return SlugClash(former.title, old=True)
    return None


def slug_clashes(
    drafts: Mapping[str, TranslationDraft], statement_id: int | None
) -> dict[str, SlugClash]:
    """By language, the wanted slugs that belong to another statement, as its
    address or as an old address that still leads to it."""
    clashes = {}
    for language, draft in drafts.items():
        clash = slug_clash(language, draft.slug, statement_id)
        if clash is not None:
            clashes[language] = clash
    return clashes


def free_slug(language: str, title: str, statement_id: int | None, max_length: int) -> str:
    """The slug made from ``title``, numbered ("-2", "-3"…) past the slugs other
    statements have or had, as the import numbers them."""
    base = make_slug(title, max_length)
    candidate, number = base, 2
    while slug_clash(language, candidate, statement_id) is not None:
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate


def save_statement(
    statement: Statement | None, draft: StatementDraft, based_on_version: int | None
) -> Statement:
    """Create or update a statement from the editor's draft, all or nothing.

    Raises EditConflict when what the draft changes was saved by someone else
    since the form was loaded: the statement's own fields (``based_on_version``)
    or a translation (``draft.known_versions``); two languages never conflict.
    Raises SlugTaken when a slug is in use elsewhere. The database is then unchanged.
    """
    now = datetime.now(UTC)
    if statement is None:
        statement = Statement(version=1)
        db.session.add(statement)
    else:
        claim_versions(statement, draft, based_on_version)

    try:
        statement.published_at = draft.published_at
        statement.status = draft.status
        statement.original_language = draft.original_language
        existing = {t.language: t for t in statement.translations}
        for language, translation in existing.items():
            if language not in draft.translations and language not in draft.untouched:
                statement.translations.remove(translation)
        changed = [
            language
            for language in draft.translations
            if language not in draft.untouched or language not in existing
        ]
        # The original first: the others record the text they follow.
        for language in sorted(changed, key=lambda code: code != draft.original_language):
            original = statement.translation(draft.original_language)
            made_from = (
                source_text(original)
                if original is not None and language != draft.original_language
                else None
            )
            wanted = draft.translations[language]
            apply_translation(statement, existing.get(language), language, wanted, now, made_from)
        set_groups(statement, draft.topic_ids, draft.organisation_ids)
        statement.lead_image = image_by_hash(draft.image_sha256) if draft.image_sha256 else None
        forget_unclaimed_images(now)
        db.session.commit()
    except IntegrityError:
        # Another statement took a slug between the form's check and this save.
        db.session.rollback()
        statement_id = statement.id if statement in db.session else None
        clashes = slug_clashes(draft.translations, statement_id)
        language = sorted(clashes or draft.translations)[0]
        raise SlugTaken(
            language, draft.translations[language].slug, clashes.get(language)
        ) from None
    return statement


def apply_translation(
    statement: Statement,
    translation: Translation | None,
    language: str,
    wanted: TranslationDraft,
    now: datetime,
    made_from: str | None,
) -> None:
    """Write ``wanted`` into the statement's translation in ``language`` (made
    if ``translation`` is None); ``made_from``: the original's text it follows."""
    slug = wanted.slug
    markdown: str | None = wanted.markdown
    body = render_markdown(wanted.markdown)
    if same_imported_html(translation, wanted.markdown):
        # HTML that came by import, given back as it was shown: kept as it
        # is, not rendered again as Markdown (which would change its words).
        assert translation is not None
        body, markdown = translation.body, None
    summary = wanted.summary.strip() or None
    image_texts = {
        "image_alt": wanted.image_alt.strip() or None,
        "image_caption": wanted.image_caption.strip() or None,
        "image_credit": wanted.image_credit.strip() or None,
    }
    if translation is not None:
        # A translation taking back one of its own old slugs: that redirect
        # goes. Another statement's old slug is refused before (slug_clashes).
        db.session.execute(
            delete(SlugRedirect).where(
                SlugRedirect.translation_id == translation.id, SlugRedirect.slug == slug
            )
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
                updated_at=now,
                source_markdown=made_from,
                **image_texts,
            )
        )
        return
    # Only a change of the words moves the updated time, which feeds and the
    # out-of-date check read: a new slug changes no one's translation.
    changed = (
        translation.title != wanted.title.strip()
        or translation.summary != summary
        or translation.body != body
    )
    if translation.slug != slug:
        translation.old_slugs.append(SlugRedirect(language=language, slug=translation.slug))
    translation.title = wanted.title.strip()
    translation.slug = slug
    translation.summary = summary
    translation.body = body
    translation.body_source = markdown
    for name, value in image_texts.items():
        setattr(translation, name, value)
    if changed:
        # Feeds and the out-of-date check read this time.
        translation.updated_at = now
        # Written now, from the original as it is now.
        translation.source_markdown = made_from


def delete_statement(statement: Statement) -> None:
    db.session.delete(statement)
    db.session.commit()
