"""Signing in and out of the editor, with failed logins throttled."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_user, logout_user
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from ..accounts import authenticate, normalise_email
from ..throttle import login_throttle
from . import bp
from .forms import ConfirmForm, LoginForm


def _throttle_keys() -> tuple[str, str]:
    """Failures count against the account tried and against the address trying."""
    account = "login-account:" + normalise_email(request.form.get("email", ""))
    return account, "login-address:" + (request.remote_addr or "unknown")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another host."""
    if not target:
        return url_for("admin.index")
    parts = urlsplit(target.replace("\\", "/"))
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("admin.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST":
        # Checked before the password, so a paused account cannot be guessed at.
        wait = login_throttle().seconds_until_allowed(*_throttle_keys())
        if wait:
            raise TooManyRequests(retry_after=wait)
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(safe_next(form.next.data))
        login_throttle().record_failure(*_throttle_keys())
        form.password.errors = [gettext("Unknown e-mail address or wrong password.")]
        return render_template("admin/login.html", form=form), 401
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash(gettext("You have signed out."))
    return redirect(url_for("admin.login"))
