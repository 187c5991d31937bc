"""The editor's forms for topics and organisations (with CSRF, Flask-WTF)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..content import clean_text, is_valid_slug
from ..group_records import NAME_MAX_LENGTH, WEB_ADDRESS_MAX_LENGTH, is_country, is_web_address
from ..i18n import language_name


def _clean(value: object) -> object:
    return clean_text(value).strip() if isinstance(value, str) else value


def _slug(form: Form, field: StringField) -> None:
    if field.data and not is_valid_slug(field.data):
        raise ValidationError(_l("Use lower-case letters, digits and single hyphens."))


class TopicNameForm(Form):
    name = StringField(
        _l("Name"), validators=[Optional(), Length(max=NAME_MAX_LENGTH)], filters=[_clean]
    )
    slug = StringField(
        _l("Slug"),
        description=_l("Part of the address. Leave empty to make it from the name."),
        validators=[Optional(), Length(max=200), _slug],
        filters=[_clean],
    )


class TopicFormBase(FlaskForm):
    languages: Sequence[str] = ()

    def name_forms(self) -> dict[str, TopicNameForm]:
        return {code: getattr(self, f"name_{code}").form for code in self.languages}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not any(form.name.data for form in self.name_forms().values()):
            self.form_errors.append(_l("Name the topic in at least one language."))
            valid = False
        return bool(valid)


def topic_form_class(languages: Sequence[str]) -> type[TopicFormBase]:
    fields: dict[str, Any] = {
        f"name_{code}": FormField(TopicNameForm, label=language_name(code)) for code in languages
    }
    fields["languages"] = tuple(languages)
    return type("TopicForm", (TopicFormBase,), fields)


def _country(form: Form, field: StringField) -> None:
    if field.data and not is_country(field.data.upper()):
        raise ValidationError(_l("Give a two-letter country code, such as GB."))


def _web_address(form: Form, field: StringField) -> None:
    if field.data and not is_web_address(field.data):
        raise ValidationError(_l("Give an address starting with https:// or http://."))


class OrganisationFormBase(FlaskForm):
    slug = StringField(
        _l("Slug"),
        description=_l("Part of the address of its page."),
        validators=[DataRequired(), Length(max=200), _slug],
        filters=[_clean],
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)], filters=[_clean]
    )
    country = StringField(
        _l("Country"),
        description=_l("Two-letter code (ISO 3166-1), such as GB."),
        validators=[Optional(), Length(max=2), _country],
        filters=[_clean],
    )
    web_address = StringField(
        _l("Web address"),
        validators=[Optional(), Length(max=WEB_ADDRESS_MAX_LENGTH), _web_address],
        filters=[_clean],
    )
    languages: Sequence[str] = ()

    def names(self) -> dict[str, StringField]:
        return {code: getattr(self, f"name_{code}") for code in self.languages}


def organisation_form_class(languages: Sequence[str]) -> type[OrganisationFormBase]:
    fields: dict[str, Any] = {
        f"name_{code}": StringField(
            language_name(code),
            description=_l("Only where its name differs in this language."),
            validators=[Optional(), Length(max=NAME_MAX_LENGTH)],
            filters=[_clean],
        )
        for code in languages
    }
    fields["languages"] = tuple(languages)
    return type("OrganisationForm", (OrganisationFormBase,), fields)
