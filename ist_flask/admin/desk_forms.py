"""The translation desk's forms: one language's texts, and "mark as current"."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from ..content import TextLimits
from ..editing import TranslationDraft
from .forms import translation_form_class

TEXT_FIELDS = ("title", "slug", "summary", "body", "image_alt", "image_caption", "image_credit")


class DeskBaseFields(FlaskForm):
    """What the desk's page was made from (desk_saving.DeskBase)."""

    draft_version = HiddenField()
    version = HiddenField()
    source_sha256 = HiddenField()


class DeskFormBase(DeskBaseFields):
    title: StringField
    slug: StringField
    summary: TextAreaField
    body: TextAreaField
    image_alt: StringField
    image_caption: StringField
    image_credit: StringField
    reviewed = BooleanField(_l("I have read this machine translation against the original"))

    def text(self, slug: str) -> TranslationDraft:
        return TranslationDraft(
            title=self.title.data or "",
            slug=slug,
            summary=self.summary.data or "",
            markdown=self.body.data or "",
            image_alt=self.image_alt.data or "",
            image_caption=self.image_caption.data or "",
            image_credit=self.image_credit.data or "",
        )

    def missing_for_publishing(self) -> bool:
        """Mark what a published translation needs; True if something is missing."""
        missing = False
        for field, message in (
            (self.title, _l("A title is needed.")),
            (self.body, _l("A text is needed.")),
        ):
            if not (field.data or "").strip():
                field.errors = [*field.errors, message]
                missing = True
        return missing


def desk_form_class(limits: TextLimits) -> type[DeskFormBase]:
    """The desk's form: the statement editor's fields for one language."""
    source = translation_form_class(limits)
    fields: dict[str, Any] = {name: getattr(source, name) for name in TEXT_FIELDS}
    return type("DeskForm", (DeskFormBase,), fields)


class MarkCurrentForm(DeskBaseFields):
    """ "The translation follows the original as it is now": its CSRF token and base."""
