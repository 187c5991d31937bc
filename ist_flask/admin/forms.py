"""The statement editor's forms. Each carries a CSRF token (Flask-WTF); labels are translatable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..content import TextLimits, clean_text, is_valid_slug, publishable
from ..i18n import as_utc, language_name, text_direction
from ..images import (
    ALT_MAX_LENGTH,
    BROKEN,
    CAPTION_MAX_LENGTH,
    CREDIT_MAX_LENGTH,
    MAX_PIXELS,
    NOT_AN_IMAGE,
    TOO_LARGE,
    TOO_MANY_PIXELS,
)
from ..models import DRAFT, PUBLISHED, text_fingerprint


def _slug_shape(form: Form, field: StringField) -> None:
    if field.data and not is_valid_slug(field.data.strip()):
        raise ValidationError(
            _l("Use lower-case letters, digits and single hyphens, such as my-statement.")
        )


class TranslationFormBase(Form):
    """One language of a statement; the statement's form carries the CSRF token."""

    title: StringField
    slug: StringField
    summary: TextAreaField
    body: TextAreaField
    remove: BooleanField
    image_alt: StringField
    image_caption: StringField
    image_credit: StringField
    version: HiddenField
    loaded: HiddenField

    def fingerprint(self) -> str:
        """A digest of this language's fields as they are now; kept in ``loaded``
        when the form opens, so that a save can tell the languages the
        maintainer changed from those left as they were (editing.py)."""
        # As a browser sends them back: CRLF newlines, the textarea's first
        # newline dropped; spaces around a field never make a change.
        words = [
            (field.data or "").replace("\r\n", "\n").strip()
            for field in (
                self.title,
                self.slug,
                self.summary,
                self.body,
                self.image_alt,
                self.image_caption,
                self.image_credit,
            )
        ]
        return text_fingerprint("\x00".join([*words, "remove" if self.remove.data else ""]))

    def is_blank(self) -> bool:
        return not any(
            (field.data or "").strip() for field in (self.title, self.slug, self.summary, self.body)
        )

    def wanted(self) -> bool:
        """Whether this language should exist after saving."""
        return not self.remove.data and not self.is_blank()


def _without_control_characters(value: object) -> object:
    # Text pasted from Word or a PDF brings characters no feed can carry.
    return clean_text(value) if isinstance(value, str) else value


def translation_form_class(limits: TextLimits) -> type[TranslationFormBase]:
    """The fields of one language, with the configured length limits."""
    clean = [_without_control_characters]
    fields: dict[str, Any] = {
        "title": StringField(
            _l("Title"), validators=[Optional(), Length(max=limits.title)], filters=clean
        ),
        "slug": StringField(
            _l("Slug"),
            description=_l("Part of the address. Leave empty to make it from the title."),
            validators=[Optional(), Length(max=limits.slug), _slug_shape],
            filters=clean,
        ),
        "summary": TextAreaField(
            _l("Summary"),
            description=_l("Optional. Shown under the title in lists and feeds."),
            validators=[Optional(), Length(max=limits.summary)],
            filters=clean,
        ),
        "body": TextAreaField(
            _l("Text"),
            description=_l("Markdown: *emphasis*, **strong**, [link](https://…), > quotation."),
            validators=[Optional(), Length(max=limits.body)],
            filters=clean,
        ),
        "remove": BooleanField(_l("Remove this translation")),
        # The translation's version when the form was loaded (edit_versions.py).
        "version": HiddenField(),
        "loaded": HiddenField(),
        "image_alt": StringField(
            _l("Image description (alt text)"),
            description=_l(
                "What the image shows, for readers who cannot see it. "
                "Needed in the original language."
            ),
            validators=[Optional(), Length(max=ALT_MAX_LENGTH)],
            filters=clean,
        ),
        "image_caption": StringField(
            _l("Image caption"),
            validators=[Optional(), Length(max=CAPTION_MAX_LENGTH)],
            filters=clean,
        ),
        "image_credit": StringField(
            _l("Image credit"),
            validators=[Optional(), Length(max=CREDIT_MAX_LENGTH)],
            filters=clean,
        ),
    }
    return type("TranslationForm", (TranslationFormBase,), fields)


class StatementFormBase(FlaskForm):
    published_at = DateTimeLocalField(
        _l("Publication date and time"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )
    status = RadioField(
        _l("Status"),
        choices=[SelectChoice(DRAFT, _l("Draft")), SelectChoice(PUBLISHED, _l("Published"))],
        default=DRAFT,
    )
    original_language = SelectField(_l("Original language"))
    version = HiddenField()
    # Checkboxes, no script needed; their choices are the site's (groups_form.py).
    topics = SelectMultipleField(
        _l("Topics"), coerce=int, widget=ListWidget(), option_widget=CheckboxInput()
    )
    signatories = SelectMultipleField(
        _l("Signed by"), coerce=int, widget=ListWidget(), option_widget=CheckboxInput()
    )
    image = FileField(
        _l("Lead image"),
        description=_l(
            "JPEG, PNG or WebP. Where and when it was taken, and with what, are removed."
        ),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    # The image already stored for this statement, or uploaded with an
    # earlier try of this form: kept when no new file is chosen.
    image_sha256 = HiddenField()
    remove_image = BooleanField(_l("Remove the image"))

    languages: Sequence[str] = ()

    def published_utc(self) -> datetime | None:
        """The publication time given, read in the site's time zone, in UTC."""
        if self.published_at.data is None:
            return None
        zone = ZoneInfo(current_app.config["TIMEZONE"])
        return as_utc(self.published_at.data.replace(tzinfo=zone))

    def validate_published_at(self, field: DateTimeLocalField) -> None:
        moment = self.published_utc()
        if moment is not None and not publishable(moment):
            raise ValidationError(_l("Give a date between the years 1 and 9998."))

    def wanted_image(self) -> str | None:
        """The SHA-256 of the lead image the statement should have after saving."""
        if self.remove_image.data:
            return None
        return (self.image_sha256.data or "").strip() or None

    def translation_forms(self) -> dict[str, TranslationFormBase]:
        return {code: getattr(self, f"translation_{code}").form for code in self.languages}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        wanted = {code: form for code, form in self.translation_forms().items() if form.wanted()}
        for form in wanted.values():
            if not (form.title.data or "").strip():
                form.title.errors = [*form.title.errors, _l("A title is needed.")]
                valid = False
            if not (form.body.data or "").strip():
                form.body.errors = [*form.body.errors, _l("A text is needed.")]
                valid = False
        if not wanted:
            self.form_errors.append(_l("Write the statement in at least one language."))
            valid = False
        elif self.original_language.data not in wanted:
            self.original_language.errors = [
                *self.original_language.errors,
                _l("The original language needs a translation."),
            ]
            valid = False
        elif self.wanted_image():
            alt = wanted[self.original_language.data].image_alt
            if not (alt.data or "").strip():
                alt.errors = [*alt.errors, _l("Describe the image in the original language.")]
                valid = False
        return bool(valid)


def statement_form_class(languages: Sequence[str], limits: TextLimits) -> type[StatementFormBase]:
    """The statement form with one section per configured language."""
    translation_form = translation_form_class(limits)
    fields: dict[str, Any] = {
        f"translation_{code}": FormField(translation_form, label=language_name(code))
        for code in languages
    }
    fields["original_language"] = SelectField(
        _l("Original language"),
        # Each language is named in itself, so each option says which language it is in.
        choices=[
            SelectChoice(code, language_name(code), {"lang": code, "dir": text_direction(code)})
            for code in languages
        ],
    )
    fields["languages"] = tuple(languages)
    return type("StatementForm", (StatementFormBase,), fields)


def image_refusal(reason: str, max_bytes: int) -> str:
    """Why an upload was refused, in the maintainer's words."""
    messages = {
        TOO_LARGE: _l(
            "The image is larger than %(megabytes)s MB: save it smaller and upload it again.",
            megabytes=f"{max_bytes / 1024 / 1024:g}",
        ),
        TOO_MANY_PIXELS: _l(
            "The image has more than %(megapixels)s million pixels: save it smaller "
            "and upload it again.",
            megapixels=f"{MAX_PIXELS / 1_000_000:g}",
        ),
        NOT_AN_IMAGE: _l("This file is not a JPEG, PNG or WebP image."),
        BROKEN: _l("This image file is damaged or incomplete: save it again and upload that."),
    }
    return str(messages.get(reason, messages[BROKEN]))
