"""Two-factor sign-in in the editor: the second step after the password,
and each maintainer's enrolment (two_factor.py holds the rules)."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from .. import audit, two_factor
from ..account_models import User
from ..extensions import db
from . import bp
from .access import EVERY_ROLE, allow
from .auth import SECOND_STEP_KEY, attempt_for, finish_sign_in, reserve_try
from .sign_in_forms import CodeForm, ConfirmForm, SecondStepForm

# Minutes a right password waits for its code before it must be given again.
SECOND_STEP_MINUTES = 10


def _awaiting_code() -> tuple[User, str] | None:
    """The account whose password this browser gave and whose code is
    awaited, with the page asked for; None when there is none (or it is
    stale, or the account's sessions have ended since)."""
    pending = session.get(SECOND_STEP_KEY)
    if not isinstance(pending, dict):
        return None
    if int(pending.get("since", 0)) + SECOND_STEP_MINUTES * 60 < time.time():
        return None
    user = db.session.get(User, int(pending.get("user", 0)))
    if user is None or user.session_generation != pending.get("generation"):
        return None
    if not user.uses_two_factor:
        return None
    return user, str(pending.get("next", ""))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code() -> str | Response | tuple[str, int]:
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    awaiting = _awaiting_code()
    if awaiting is None:
        session.pop(SECOND_STEP_KEY, None)
        flash(gettext("Please sign in again."))
        return redirect(url_for("admin.login"))
    user, next_page = awaiting
    form = SecondStepForm()
    if not form.validate_on_submit():
        return render_template("admin/login_code.html", form=form)
    attempt = attempt_for(user.email)
    # Counted with the password tries, in the same windows: the code is as
    # much a guess to be slowed down as the password is.
    reserve_try(attempt)
    if not two_factor.verify_second_step(user, form.code.data or ""):
        # A failed sign-in like a wrong password: the address, never the code.
        audit.log(audit.SIGN_IN_FAILED, subject=user.email, detail="code", actor=None)
        db.session.commit()
        form.code.errors = [gettext("This code is wrong, or has been used already.")]
        return render_template("admin/login_code.html", form=form), 401
    return finish_sign_in(user, attempt, next_page)


@bp.route("/two-factor", methods=["GET", "POST"])
@allow(EVERY_ROLE)
def two_factor_sign_in() -> str | tuple[str, int]:
    """Turn two-factor sign-in on: scan the QR code (or type the secret),
    then confirm with a code; the recovery codes are shown once after."""
    user: User = current_user._get_current_object()
    if user.uses_two_factor:
        return render_template(
            "admin/two_factor.html",
            logout_form=ConfirmForm(),
            user=user,
            codes_left=two_factor.recovery_codes_left(user),
        )
    secret = two_factor.start_enrolment(user)
    form = CodeForm()
    if form.validate_on_submit():
        recovery_codes = two_factor.confirm_enrolment(user, form.code.data or "")
        if recovery_codes is not None:
            current_app.logger.info("two-factor sign-in turned on for account %s", user.id)
            # Every other session has ended; this browser signs in again at once.
            login_user(user)
            return render_template(
                "admin/recovery_codes.html",
                logout_form=ConfirmForm(),
                recovery_codes=recovery_codes,
            )
        form.code.errors = [gettext("This code is wrong. Type the code the app shows now.")]
    uri = two_factor.provisioning_uri(secret, user.email)
    page = render_template(
        "admin/two_factor.html",
        logout_form=ConfirmForm(),
        user=user,
        form=form,
        secret=secret,
        qr_code=two_factor.qr_code_svg(uri, gettext("QR code to scan with an authenticator app")),
    )
    return (page, 400) if form.errors else page
