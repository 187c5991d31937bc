"""Signing in and out: the password form, the code forms of two-factor
sign-in (the second step, and confirming enrolment), and the form with only a
CSRF token that signs out (and confirms a delete or a restore). Their own
module because they belong to the maintainer's session, not to any statement:
every editor page carries the sign-out form, and none of them needs the
statement form's text limits or image checks.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class CodeForm(FlaskForm):
    """The code an authenticator app shows, to confirm enrolment."""

    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Six digits; the app shows a new one every 30 seconds."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class SecondStepForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=64)],
        description=_l(
            "The six digits your authenticator app shows, or one of your recovery codes."
        ),
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: delete and sign out."""
