"""Signing in and out of the editor, with sign-in tries throttled (throttle.py)."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests
from werkzeug.wrappers import Response

from .. import audit
from ..account_models import User
from ..accounts import authenticate, end_sessions, normalise_email
from ..extensions import db
from ..outage import RETRY_AFTER
from ..throttle import Attempt, StorageError, address_key, login_throttle
from . import bp
from .access import EVERY_ROLE, allow
from .sign_in_forms import ConfirmForm, LoginForm

# A browser that has signed in to an account keeps this signed cookie, which
# exempts it from that account's ceiling of tries from elsewhere (throttle.py).
TRUSTED_DEVICE_COOKIE = "ist_trusted_device"
# The session key of a sign-in whose password was right and whose code is awaited.
SECOND_STEP_KEY = "second_step"


class SignInUnavailable(ServiceUnavailable):
    """The sign-in counts (Redis, when several processes share them) do not answer."""

    explanation = _l(
        "Signing in is unavailable for a moment: the service that counts sign-in "
        "attempts does not answer. Please try again shortly."
    )


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="trusted-device")


def _trusted_device_of(account: str) -> bool:
    cookie = request.cookies.get(TRUSTED_DEVICE_COOKIE)
    if not cookie:
        return False
    max_age = timedelta(days=current_app.config["TRUSTED_DEVICE_DAYS"])
    try:
        return bool(_device_signer().loads(cookie, max_age=int(max_age.total_seconds())) == account)
    except BadSignature:
        return False


def _trust_this_device(response: Response, account: str) -> None:
    response.set_cookie(
        TRUSTED_DEVICE_COOKIE,
        _device_signer().dumps(account),
        max_age=timedelta(days=current_app.config["TRUSTED_DEVICE_DAYS"]),
        path=url_for("admin.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another host,
    and never a control character (which would split the Location header)."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return url_for("admin.index")
    parts = urlsplit(target.replace("\\", "/"))
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("admin.index")
    return target


def reserve_try(attempt: Attempt) -> None:
    """Take this try's place in the throttle, or refuse it: 429 when a window
    is full, 503 when the counts cannot be reached (Redis away)."""
    try:
        wait = login_throttle().reserve(attempt)
    except StorageError as error:
        current_app.logger.warning("sign-in throttle unavailable: %s", error)
        raise SignInUnavailable(retry_after=RETRY_AFTER) from None
    if wait:
        raise TooManyRequests(retry_after=wait)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form)
    account = normalise_email(form.email.data or "")
    attempt = attempt_for(account)
    # Reserved before the password is checked, so parallel tries cannot overshoot.
    reserve_try(attempt)
    user = authenticate(account, form.password.data or "")
    if user is None:
        # The address tried, never the password; bounded (audit.py).
        audit.log(audit.SIGN_IN_FAILED, subject=account, actor=None)
        db.session.commit()
        form.password.errors = [gettext("Unknown e-mail address or wrong password.")]
        return render_template("admin/login.html", form=form), 401
    if user.uses_two_factor:
        # The password was right, but the session stays signed out until the
        # code is too; the tries stay counted until then (second_factor.py).
        await_second_step(user, form.next.data)
        return redirect(url_for("admin.login_code"))
    return finish_sign_in(user, attempt, form.next.data)


def finish_sign_in(user: User, attempt: Attempt, next_page: str | None) -> Response:
    """Sign ``user`` in to this browser, once every step has passed."""
    login_throttle().forgive(attempt)
    # A new CSRF token for the signed-in session: one read before signing in
    # (by someone else at this browser, or planted) is worth nothing after.
    session.pop("csrf_token", None)
    session.pop(SECOND_STEP_KEY, None)
    session.permanent = True  # lasts PERMANENT_SESSION_LIFETIME since the last request
    login_user(user)
    audit.log(audit.SIGN_IN, subject=user.email, actor=user)
    db.session.commit()
    response = redirect(safe_next(next_page))
    _trust_this_device(response, user.email)
    return response


def attempt_for(account: str) -> Attempt:
    """This request's try at signing in to ``account``, as the throttle counts it."""
    return Attempt(account, address_key(request.remote_addr), _trusted_device_of(account))


def await_second_step(user: User, next_page: str | None) -> None:
    """Remember, in this browser's session, that ``user`` gave the right
    password and now owes a code: not a sign-in, nothing in the editor opens."""
    session.pop("csrf_token", None)
    session[SECOND_STEP_KEY] = {
        "user": user.id,
        "generation": user.session_generation,
        "next": next_page or "",
        "since": int(time.time()),
    }


@bp.post("/logout")
@allow(EVERY_ROLE)
def logout() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        # Every session of this maintainer ends, not only this browser's:
        # a cookie copied before cannot be used after.
        audit.log(audit.SIGN_OUT, subject=current_user.email)
        end_sessions(current_user._get_current_object())
        logout_user()
        flash(gettext("You have signed out."))
    return redirect(url_for("admin.login"))
