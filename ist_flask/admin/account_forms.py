"""The accounts screen's forms (admins only): a new account, another role."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts import MIN_PASSWORD_LENGTH
from ..i18n import language_name, supported_languages
from ..roles import ROLE_NAMES, ROLES


class RoleForm(FlaskForm):
    """A role, and for a translator their languages and whether they may publish."""

    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(role.value, ROLE_NAMES[role]) for role in ROLES],
        validators=[InputRequired()],
    )
    languages = SelectMultipleField(
        _l("Languages (translators only)"),
        widget=ListWidget(),
        option_widget=CheckboxInput(),
        validate_choice=False,  # accounts.py names an unknown language itself
    )
    may_publish = BooleanField(_l("May publish their translations (translators only)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.languages.choices = [
            SelectChoice(code, language_name(code)) for code in supported_languages()
        ]


class NewAccountForm(RoleForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "off"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1024)],
        description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )
