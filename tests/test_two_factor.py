"""Two-factor sign-in: enrolment with a QR code, the second step after the
password, replayed and recovery codes, and its throttle."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pyotp
from admin_helpers import PASSWORD, csrf_token, sign_in
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from pages import parse
from sqlalchemy import select
from two_factor_helpers import enrolled, has_two_factor, next_code, send_code, sign_in_with_code

from ist_flask import two_factor
from ist_flask.account_models import RecoveryCode
from ist_flask.accounts import create_user
from ist_flask.extensions import db
from ist_flask.throttle import LoginThrottle, moving_window

ADMIN = "admin@example.org"


def test_a_code_matches_its_step_and_the_steps_either_side_only() -> None:
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = datetime(2026, 11, 28, 12, 0, 10, tzinfo=UTC)
    step = totp.timecode(now)
    assert two_factor.matching_step(secret, totp.generate_otp(step), now) == step
    assert two_factor.matching_step(secret, totp.generate_otp(step - 1), now) == step - 1
    assert two_factor.matching_step(secret, totp.generate_otp(step + 1), now) == step + 1
    assert two_factor.matching_step(secret, totp.generate_otp(step - 3), now) is None


def test_a_typed_code_is_read_without_spaces_or_hyphens() -> None:
    assert two_factor.normalise_code(" 123 456 ") == "123456"
    assert two_factor.normalise_code("ABCD-efgh-2345-6789") == "abcdefgh23456789"
    assert two_factor.is_time_code("123456") and not two_factor.is_time_code("١٢٣٤٥٦")


def test_the_enrolment_page_shows_an_inline_qr_code_and_the_secret(app: Flask) -> None:
    with app.app_context():
        create_user(ADMIN, PASSWORD)
    client = app.test_client()
    sign_in(client, ADMIN, PASSWORD)
    page = client.get("/admin/two-factor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<img" not in html
    secret = parse(page).cssselect("#totp-secret")[0].text
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    # Reloading keeps the secret just scanned.
    assert parse(client.get("/admin/two-factor")).cssselect("#totp-secret")[0].text == secret
    assert not has_two_factor(app, ADMIN)


def test_a_wrong_code_leaves_two_factor_off(app: Flask) -> None:
    with app.app_context():
        create_user(ADMIN, PASSWORD)
    client = app.test_client()
    sign_in(client, ADMIN, PASSWORD)
    token = csrf_token(client, "/admin/two-factor")
    response = client.post("/admin/two-factor", data={"csrf_token": token, "code": "000000x"})
    assert response.status_code == 400
    assert "This code is wrong" in response.get_data(as_text=True)
    assert not has_two_factor(app, ADMIN)


def test_confirming_turns_it_on_and_shows_ten_recovery_codes_kept_hashed(app: Flask) -> None:
    with app.app_context():
        create_user(ADMIN, PASSWORD)
    elsewhere = app.test_client()
    sign_in(elsewhere, ADMIN, PASSWORD)
    client = app.test_client()
    sign_in(client, ADMIN, PASSWORD)
    page = parse(client.get("/admin/two-factor"))
    secret = page.cssselect("#totp-secret")[0].text
    token = page.cssselect("input[name=csrf_token]")[0].get("value")
    response = client.post(
        "/admin/two-factor", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 200
    codes = [code.text for code in parse(response).cssselect(".recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert has_two_factor(app, ADMIN)
    with app.app_context():
        stored = set(db.session.execute(select(RecoveryCode.code_sha256)).scalars())
    assert len(stored) == 10 and not stored & set(codes)
    # Shown once: the page now says it is on, and how many codes are left.
    again = client.get("/admin/two-factor").get_data(as_text=True)
    assert "10 recovery codes are left" in again and codes[0] not in again
    # The browser signed in with the password alone before is signed out.
    assert elsewhere.get("/admin/").status_code == 302


def test_the_password_alone_does_not_open_the_editor(app: Flask) -> None:
    enrolled(app, ADMIN)
    client = app.test_client()
    response = sign_in(client, ADMIN, PASSWORD)
    assert response.headers["Location"].endswith("/admin/login/code")
    for path in ("/admin/", "/admin/statements/new", "/admin/two-factor"):
        assert client.get(path).status_code == 302, path
        assert "/admin/login" in client.get(path).headers["Location"]


def test_the_right_code_signs_in_and_a_wrong_one_does_not(app: Flask) -> None:
    secret, _codes = enrolled(app, ADMIN)
    client = app.test_client()
    wrong = sign_in_with_code(
        client, ADMIN, "123456" if next_code(secret) != "123456" else "654321"
    )
    assert wrong.status_code == 401
    assert "This code is wrong" in wrong.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    right = send_code(client, next_code(secret))
    assert right.status_code == 302 and right.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200


def test_a_code_is_not_accepted_twice(app: Flask) -> None:
    secret, _codes = enrolled(app, ADMIN)
    code = next_code(secret)
    assert sign_in_with_code(app.test_client(), ADMIN, code).status_code == 302
    replayed = sign_in_with_code(app.test_client(), ADMIN, code)
    assert replayed.status_code == 401
    # Nor the code of a step before the one used.
    assert sign_in_with_code(app.test_client(), ADMIN, next_code(secret, 0)).status_code == 401


def test_a_recovery_code_signs_in_once(app: Flask) -> None:
    _secret, codes = enrolled(app, ADMIN)
    typed = codes[0].upper().replace("-", " ")
    assert sign_in_with_code(app.test_client(), ADMIN, typed).status_code == 302
    assert sign_in_with_code(app.test_client(), ADMIN, codes[0]).status_code == 401
    assert sign_in_with_code(app.test_client(), ADMIN, codes[1]).status_code == 302
    with app.app_context():
        assert len(db.session.execute(select(RecoveryCode)).scalars().all()) == 8


def test_codes_are_throttled_with_the_password_tries(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(LOGIN_FAILURE_LIMIT="3 per 15 minutes")
    secret, _codes = enrolled(app, ADMIN)
    client = app.test_client()
    # The password is one try, two wrong codes make three: the next is refused.
    assert sign_in_with_code(client, ADMIN, "000000").status_code in (401, 302)
    assert send_code(client, "000001").status_code == 401
    refused = send_code(client, next_code(secret))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/admin/").status_code == 302


def test_the_code_step_answers_503_when_the_counts_are_away(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app()
    secret, _codes = enrolled(app, ADMIN)
    client = app.test_client()
    assert sign_in(client, ADMIN, PASSWORD).status_code == 302
    # The counts' storage goes away between the two steps.
    app.extensions["ist_login_throttle"] = LoginThrottle(
        moving_window("redis://127.0.0.1:1"),
        "test",
        "5 per minute",
        "20 per minute",
        "100 per minute",
    )
    response = send_code(client, next_code(secret))
    assert response.status_code == 503
    assert client.get("/admin/").status_code == 302


def test_the_second_step_without_a_right_password_leads_back_to_it(client: FlaskClient) -> None:
    response = client.get("/admin/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")


def test_a_pending_code_step_ends_with_the_accounts_sessions(
    app: Flask, runner: FlaskCliRunner
) -> None:
    secret, _codes = enrolled(app, ADMIN)
    client = app.test_client()
    assert sign_in(client, ADMIN, PASSWORD).status_code == 302
    token = csrf_token(client, "/admin/login/code")
    runner.invoke(args=["users", "sign-out-everywhere", ADMIN])
    response = client.post(
        "/admin/login/code", data={"csrf_token": token, "code": next_code(secret)}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")
    assert client.get("/admin/").status_code == 302
