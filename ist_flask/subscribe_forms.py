"""The reader's subscription forms, each with a CSRF token (Flask-WTF)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .accounts import normalise_email
from .i18n import language_name, supported_languages
from .subscriber_models import DAILY, EMAIL_MAX_LENGTH, IMMEDIATE
from .subscriptions import Choice, is_mail_address


def _a_mail_address(_form: FlaskForm, field: EmailField) -> None:
    if not is_mail_address(normalise_email(field.data or "")):
        raise ValidationError(_l("Please enter an e-mail address such as name@example.org."))


def _at_least_one(_form: FlaskForm, field: SelectMultipleField) -> None:
    # Not InputRequired: it would mark every checkbox required in the HTML.
    if not field.data:
        raise ValidationError(_l("Choose at least one language."))


class SubscribeForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(),
            Length(
                max=EMAIL_MAX_LENGTH, message=_l("An e-mail address is at most 254 characters.")
            ),
            _a_mail_address,
        ],
        render_kw={"autocomplete": "email", "maxlength": EMAIL_MAX_LENGTH},
    )
    languages = SelectMultipleField(
        _l("Languages"),
        validators=[_at_least_one],
        widget=ListWidget(),
        option_widget=CheckboxInput(),
    )
    topics = SelectMultipleField(
        _l("Topics"),
        description=_l("None chosen: every statement."),
        coerce=int,
        widget=ListWidget(),
        option_widget=CheckboxInput(),
    )
    frequency = RadioField(
        _l("How often"),
        choices=[
            SelectChoice(IMMEDIATE, _l("Each statement as it is published")),
            SelectChoice(DAILY, _l("One message a day, on days with new statements")),
        ],
        default=IMMEDIATE,
    )

    def __init__(self, page_language: str, topics: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.languages.choices = [
            SelectChoice(code, language_name(code)) for code in supported_languages()
        ]
        self.topics.choices = [SelectChoice(topic_id, name) for topic_id, name in topics]
        if not self.is_submitted():
            self.languages.data = [page_language]

    def choice(self) -> Choice:
        return Choice(
            tuple(self.languages.data or ()),
            tuple(self.topics.data or ()),
            self.frequency.data or IMMEDIATE,
        )


class ConfirmSubscriptionForm(FlaskForm):
    """The button that confirms (a POST, so that a link scanner opening the
    link confirms nothing)."""


class UnsubscribeForm(FlaskForm):
    """The button that unsubscribes, for the same reason."""
