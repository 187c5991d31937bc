"""Signing in and out of the editor, with failed logins throttled."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from ..accounts import authenticate, normalise_email
from ..extensions import limiter
from . import bp
from .forms import ConfirmForm, LoginForm


def _login_failed(_response: Response) -> bool:
    # Only failed attempts count towards the limit; signing in resets nothing.
    return bool(g.get("login_failed"))


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _account_key() -> str:
    return "login-account:" + normalise_email(request.form.get("email", ""))


def _address_key() -> str:
    return "login-address:" + (get_remote_address() or "unknown")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another host."""
    if not target:
        return url_for("admin.index")
    parts = urlsplit(target.replace("\\", "/"))
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("admin.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_address_key, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"], deduct_when=_login_failed)
def login() -> str | Response | tuple[str, int]:
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(safe_next(form.next.data))
        g.login_failed = True
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
