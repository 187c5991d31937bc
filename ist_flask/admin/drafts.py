"""Between the statement form and the editor's saves: filling the form from a
stored statement, and reading a draft (editing.StatementDraft) from it."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext

from ..content import TextLimits
from ..editing import SlugClash, StatementDraft, TranslationDraft, free_slug
from ..extensions import db
from ..group_queries import all_organisations, all_topics
from ..i18n import in_zone
from ..images import ImageRefused, clean_upload
from ..lead_images import stored_image
from ..models import Statement
from .forms import StatementFormBase, image_refusal


def offer_groups(form: StatementFormBase, language: str) -> None:
    """The topics and organisations the form offers, named in ``language``."""
    form.topics.choices = [(t.id, t.name_in(language)) for t in all_topics()]
    form.signatories.choices = [(o.id, o.name_in(language)) for o in all_organisations()]


def fill_form(form: StatementFormBase, statement: Statement) -> None:
    """Put a stored statement into the form, times in the site's zone."""
    form.published_at.data = in_zone(
        statement.published_at, current_app.config["TIMEZONE"]
    ).replace(tzinfo=None)
    form.status.data = statement.status
    form.original_language.data = statement.original_language
    form.version.data = str(statement.version)
    form.topics.data = [topic.id for topic in statement.topics]
    form.signatories.data = [organisation.id for organisation in statement.organisations]
    form.image_sha256.data = statement.lead_image.sha256 if statement.lead_image else ""
    for language, section in form.translation_forms().items():
        translation = statement.translation(language)
        if translation is not None:
            section.title.data = translation.title
            section.slug.data = translation.slug
            section.summary.data = translation.summary or ""
            section.body.data = translation.body_source or translation.body
            section.image_alt.data = translation.image_alt or ""
            section.image_caption.data = translation.image_caption or ""
            section.image_credit.data = translation.image_credit or ""
            section.version.data = str(translation.version)
    for section in form.translation_forms().values():
        section.loaded.data = section.fingerprint()


def read_draft(
    form: StatementFormBase, limits: TextLimits, statement: Statement | None
) -> StatementDraft:
    """The statement a valid form asks for; a slug left empty is made from the
    title, within the slug limit, numbered past those other statements have."""
    published = form.published_utc()
    assert published is not None  # the form validated it
    return StatementDraft(
        published_at=published,
        status=form.status.data,
        original_language=form.original_language.data,
        translations={
            language: TranslationDraft(
                title=section.title.data or "",
                slug=(section.slug.data or "").strip()
                or free_slug(
                    language,
                    section.title.data or "",
                    statement.id if statement else None,
                    limits.slug,
                ),
                summary=section.summary.data or "",
                markdown=section.body.data or "",
                image_alt=section.image_alt.data or "",
                image_caption=section.image_caption.data or "",
                image_credit=section.image_credit.data or "",
            )
            for language, section in form.translation_forms().items()
            if section.wanted()
        },
        topic_ids=tuple(form.topics.data or ()),
        organisation_ids=tuple(form.signatories.data or ()),
        image_sha256=form.wanted_image(),
        untouched=frozenset(
            language
            for language, section in form.translation_forms().items()
            if section.loaded.data == section.fingerprint()
        ),
        known_versions={
            language: int(section.version.data)
            for language, section in form.translation_forms().items()
            if (section.version.data or "").isdecimal()
        },
    )


def receive_image(form: StatementFormBase, max_bytes: int) -> str | None:
    """Clean and store the image the form brings, if any, and point the form
    at it; or say why it was refused. Stored at once, so that the upload
    survives a preview or a mistake elsewhere in the form (an upload no
    statement takes is removed a day later)."""
    upload = form.image.data
    if upload is None or not getattr(upload, "filename", None):
        return None
    raw = upload.stream.read(max_bytes + 1)
    try:
        original = clean_upload(raw, max_bytes)
    except ImageRefused as refused:
        return image_refusal(refused.reason, max_bytes)
    form.image_sha256.data = stored_image(original).sha256
    form.remove_image.data = False
    db.session.commit()
    return None


def clash_message(clash: SlugClash | None) -> str:
    """Why a slug cannot be had: another statement has it, or had it."""
    if clash is not None and clash.old:
        return str(
            gettext(
                "This address used to belong to “%(title)s” and still leads there: "
                "choose another slug.",
                title=clash.title,
            )
        )
    return str(gettext("Another statement uses this address: choose another slug."))
