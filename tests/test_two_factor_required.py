"""IST_REQUIRE_2FA keeps admins and editors to enrolment until they have
enrolled; `flask users reset-2fa` turns it off for a lost device."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
from admin_helpers import PASSWORD, count_statements, csrf_token, new_statement, sign_in
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from pages import parse
from sqlalchemy import func, select
from two_factor_helpers import enrolled, has_two_factor, next_code, sign_in_with_code

from ist_flask.account_models import RecoveryCode
from ist_flask.accounts import create_user
from ist_flask.extensions import db
from ist_flask.roles import Role

EDITOR = "writer@example.org"
TRANSLATOR = "translator@example.org"


def signed_in(app: Flask, email: str, role: Role, languages: tuple[str, ...] = ()) -> FlaskClient:
    with app.app_context():
        create_user(email, PASSWORD, role, languages)
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def test_an_editor_without_two_factor_is_kept_to_enrolment(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(REQUIRE_2FA=True)
    editor = signed_in(app, EDITOR, Role.EDITOR)
    for path in ("/admin/", "/admin/statements/new", "/admin/topics"):
        response = editor.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].endswith("/admin/two-factor")
    # A form posted all the same changes nothing.
    token = csrf_token(editor, "/admin/two-factor")
    before = count_statements(app)
    posted = editor.post("/admin/statements/new", data={"csrf_token": token, **new_statement()})
    assert posted.status_code == 303
    assert count_statements(app) == before
    # Once enrolled, the editor opens again.
    page = parse(editor.get("/admin/two-factor"))
    secret = page.cssselect("#totp-secret")[0].text
    confirmed = editor.post(
        "/admin/two-factor", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()}
    )
    assert confirmed.status_code == 200
    assert editor.get("/admin/statements/new").status_code == 200


def test_signing_out_stays_possible_while_kept_to_enrolment(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(REQUIRE_2FA=True)
    editor = signed_in(app, EDITOR, Role.EDITOR)
    token = csrf_token(editor, "/admin/two-factor")
    assert editor.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert editor.get("/admin/two-factor").status_code == 302  # to the sign-in page


def test_translators_are_not_forced(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(REQUIRE_2FA=True)
    translator = signed_in(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    assert translator.get("/admin/").status_code == 200


def test_without_the_setting_nobody_is_forced(app: Flask) -> None:
    editor = signed_in(app, EDITOR, Role.EDITOR)
    assert editor.get("/admin/statements/new").status_code == 200


def test_reset_2fa_turns_it_off_removes_the_codes_and_ends_the_sessions(
    app: Flask, runner: FlaskCliRunner
) -> None:
    secret, _codes = enrolled(app, EDITOR, Role.EDITOR)
    client = app.test_client()
    assert sign_in_with_code(client, EDITOR, next_code(secret)).status_code == 302
    assert client.get("/admin/").status_code == 200

    result = runner.invoke(args=["users", "reset-2fa", EDITOR])
    assert result.exit_code == 0, result.output
    assert "off" in result.output
    assert not has_two_factor(app, EDITOR)
    with app.app_context():
        left = db.session.execute(select(func.count()).select_from(RecoveryCode)).scalar_one()
    assert left == 0
    assert client.get("/admin/").status_code == 302
    # The password alone signs in now, and they may enrol again.
    again = app.test_client()
    response = sign_in(again, EDITOR, PASSWORD)
    assert response.headers["Location"].endswith("/admin/")
    assert "totp-secret" in again.get("/admin/two-factor").get_data(as_text=True)


def test_reset_2fa_of_an_unknown_address_says_so(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "reset-2fa", "nobody@example.org"])
    assert result.exit_code != 0 and "no account" in result.output
