"""Two-factor sign-in in tests: enrolled accounts, and codes as the app would show them."""

from __future__ import annotations

import time

import pyotp
from admin_helpers import PASSWORD, csrf_token, sign_in
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ist_flask import two_factor
from ist_flask.accounts import create_user, find_user
from ist_flask.roles import Role


def enrolled(
    app: Flask, email: str, role: Role = Role.ADMIN, languages: tuple[str, ...] = ()
) -> tuple[str, list[str]]:
    """An account with two-factor sign-in on: its secret and recovery codes."""
    with app.app_context():
        user = create_user(email, PASSWORD, role, languages)
        secret = two_factor.start_enrolment(user)
        codes = two_factor.confirm_enrolment(user, pyotp.TOTP(secret).now())
    assert codes is not None
    return secret, codes


def next_code(secret: str, steps: int = 1) -> str:
    """The code of a step to come: the current one was used to enrol, and
    no code is accepted twice (a step ahead is still within the drift allowed)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def send_code(client: FlaskClient, code: str) -> TestResponse:
    token = csrf_token(client, "/admin/login/code")
    return client.post("/admin/login/code", data={"csrf_token": token, "code": code})


def sign_in_with_code(client: FlaskClient, email: str, code: str) -> TestResponse:
    password = sign_in(client, email, PASSWORD)
    assert password.status_code == 302
    assert password.headers["Location"].endswith("/admin/login/code")
    return send_code(client, code)


def has_two_factor(app: Flask, email: str) -> bool:
    with app.app_context():
        user = find_user(email)
        assert user is not None
        return user.uses_two_factor
