"""Only maintainers reach /admin: sign-in, CSRF, throttling, cookies, secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from admin_helpers import EMAIL, PASSWORD, csrf_token, make_maintainer, sign_in
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ist_flask import create_app
from ist_flask.account_models import User
from ist_flask.admin.auth import safe_next
from ist_flask.config_checks import ConfigurationError
from ist_flask.extensions import db
from ist_flask.models import Statement

ROOT = Path(__file__).resolve().parents[1]


def some_statement_id(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(Statement.id)).scalars().first()


def admin_routes(app: Flask) -> list[tuple[str, str]]:
    sid = some_statement_id(app)
    return [
        ("GET", "/admin/"),
        ("GET", "/admin/statements/new"),
        ("POST", "/admin/statements/new"),
        ("GET", f"/admin/statements/{sid}/edit"),
        ("POST", f"/admin/statements/{sid}/edit"),
        ("GET", f"/admin/statements/{sid}/delete"),
        ("POST", f"/admin/statements/{sid}/delete"),
        ("POST", "/admin/logout"),
    ]


def test_every_admin_route_sends_an_anonymous_visitor_to_the_login_page(
    app: Flask, client: FlaskClient
) -> None:
    token = csrf_token(client)  # a valid token, so only the missing login stops the POSTs
    for method, path in admin_routes(app):
        response = client.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/admin/login?next="), (method, path)
    assert client.get("/admin/login").status_code == 200


def test_every_post_without_a_csrf_token_is_refused_with_400(
    app: Flask, client: FlaskClient
) -> None:
    make_maintainer(app)
    assert sign_in(client).status_code == 302
    posts = [path for method, path in admin_routes(app) if method == "POST"] + ["/admin/login"]
    for path in posts:
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(path, data=data)
            assert response.status_code == 400, path
            assert "Bad request" in response.get_data(as_text=True)
    # Nothing was deleted and the maintainer is still signed in.
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        assert db.session.get(Statement, some_statement_id(app)) is not None


def test_a_maintainer_signs_in_and_out(app: Flask, client: FlaskClient) -> None:
    make_maintainer(app)
    response = sign_in(client, email="  Editor@Example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    token = csrf_token(client, "/admin/")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_signing_in_returns_to_the_page_asked_for(app: Flask, client: FlaskClient) -> None:
    make_maintainer(app)
    login_page = client.get("/admin/statements/new").headers["Location"]
    token = csrf_token(client, login_page)
    response = client.post(
        login_page,
        data={
            "csrf_token": token,
            "email": EMAIL,
            "password": PASSWORD,
            "next": "/admin/statements/new",
        },
    )
    assert response.headers["Location"] == "/admin/statements/new"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil",
        "",
    ],
)
def test_the_next_parameter_never_leads_off_the_site(app: Flask, target: str) -> None:
    with app.test_request_context():
        assert safe_next(target) == "/admin/"
        assert safe_next("/admin/statements/new?x=1") == "/admin/statements/new?x=1"


def test_a_wrong_password_is_refused_with_a_message(app: Flask, client: FlaskClient) -> None:
    make_maintainer(app)
    response = sign_in(client, password="wrong password!")
    assert response.status_code == 401
    assert "Unknown e-mail address or wrong password." in response.get_data(as_text=True)
    unknown = sign_in(client, email="nobody@example.org")
    assert unknown.status_code == 401
    assert client.get("/admin/").status_code == 302


def test_five_failures_for_one_account_pause_its_logins(app: Flask) -> None:
    make_maintainer(app)
    for attempt in range(5):
        # A fresh client each time: a different session, as an attacker would use.
        assert sign_in(app.test_client(), password=f"guess {attempt}!").status_code == 401
    refused = sign_in(app.test_client())
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60


@pytest.mark.slow
def test_twenty_tries_from_one_address_pause_its_logins_whatever_the_account(app: Flask) -> None:
    make_maintainer(app)
    client = app.test_client()
    for attempt in range(20):
        assert sign_in(client, email=f"guess{attempt}@example.org").status_code == 401
    assert sign_in(client).status_code == 429
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert sign_in(other_address).status_code == 302


def test_successful_logins_do_not_count(app: Flask) -> None:
    make_maintainer(app)
    for _ in range(7):
        assert sign_in(app.test_client()).status_code == 302


def test_passwords_are_stored_as_scrypt_hashes(app: Flask) -> None:
    make_maintainer(app)
    with app.app_context():
        stored = db.session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_the_session_cookie_is_httponly_and_lax(app: Flask, client: FlaskClient) -> None:
    make_maintainer(app)
    cookie = sign_in(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_when_configured(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(SESSION_COOKIE_SECURE=1)
    make_maintainer(app)
    cookie = sign_in(app.test_client()).headers["Set-Cookie"]
    assert "Secure" in cookie


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short-key"])
def test_production_refuses_to_start_without_a_real_secret_key(key: str | None) -> None:
    with pytest.raises(ConfigurationError, match="IST_SECRET_KEY"):
        create_app({"PRODUCTION": True, "SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_real_secret_key() -> None:
    app = create_app(
        {"PRODUCTION": True, "SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert app.config["SECRET_KEY"] == "x" * 64


@pytest.mark.slow  # a new process
def test_wsgi_refuses_production_without_a_key_with_a_message(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "IST_PRODUCTION": "1",
        "IST_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    env.pop("IST_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "wsgi.py", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "IST_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_the_embedded_setup_keeps_one_generated_key(tmp_path: Path) -> None:
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    key_file = Path(first.instance_path) / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_editor_pages_are_never_cached(app: Flask, client: FlaskClient) -> None:
    make_maintainer(app)
    sign_in(client)
    assert "no-store" in client.get("/admin/").headers["Cache-Control"]
