"""Secure by default: headers on every response, no file outside static/, no
leaks in error pages, and over-long texts refused with a clear message."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from admin_helpers import csrf_token, make_maintainer, sign_in
from flask import Flask
from flask.testing import FlaskClient

from ist_flask import create_app
from ist_flask.config_checks import ConfigurationError

EVERY_KIND = [
    "/",
    "/fr/",
    "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades",
    "/about",
    "/archive/2021/07",
    "/feed.atom",
    "/fr/feed.rss",
    "/static/site.css",
    "/healthz",
    "/admin/login",
    "/admin/",
    "/no-such-page",
    "/?page=abc",
]


@pytest.mark.parametrize("path", EVERY_KIND)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    with client.get(path) as response:
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_when_the_site_is_https(configured_app: Callable[..., Flask]) -> None:
    secure = configured_app(SITE_URL="https://ist.example.org")
    assert "max-age=31536000" in secure.test_client().get("/").headers["Strict-Transport-Security"]
    plain = configured_app(SITE_URL="http://ist.example.org")
    assert "Strict-Transport-Security" not in plain.test_client().get("/").headers


def test_cached_answers_keep_the_headers(client: FlaskClient) -> None:
    first = client.get("/fr/")
    again = client.get("/fr/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/static/../wsgi.py",
        "/static/%2e%2e/wsgi.py",
        "/static/..%2fwsgi.py",
        "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static//etc/passwd",
        "/static/..\\wsgi.py",
        "/static/%252e%252e/wsgi.py",
        "/static/site.css/../../wsgi.py",
    ],
)
def test_static_files_never_come_from_outside_the_static_folder(
    client: FlaskClient, path: str
) -> None:
    with client.get(path) as response:
        body = response.get_data(as_text=True)
        assert response.status_code in (404, 400, 308), path
    assert "create_app" not in body and "root:" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/?page=%ff%fe",
        "/fr/statements/%ff%00%ee",
        "/fr/statements/" + "x" * 5000,
        "/archive/9999/12",
        "/archive/0000/01",
        "/?fm=99999999999999999999&fy=1",
        "/?fm=01&fy=99999999999999999999",
        "/feed.atom?page=-1",
    ],
)
def test_bad_input_gets_a_4xx_or_a_page_and_never_leaks(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500, path
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "sqlalchemy", "SELECT ", 'File "', "/work/", "site-packages"):
        assert leak not in body, (path, leak)


def test_nul_bytes_anywhere_are_a_400_never_a_500(app: Flask, client: FlaskClient) -> None:
    for path in (
        "/fr/statements/a%00b",
        "/search?q=a%00b",
        "/fr/?page=1%00",
        "/admin/login?next=%00",
    ):
        assert client.get(path).status_code in (400, 404), path
    make_maintainer(app)
    token = csrf_token(client)
    response = client.post(
        "/admin/login", data={"csrf_token": token, "email": "a\x00@example.org", "password": "x"}
    )
    assert response.status_code == 400
    sign_in(client)
    assert client.get("/admin/?q=%00").status_code == 400


def test_an_unexpected_error_shows_a_short_page_without_details(
    configured_app: Callable[..., Flask],
) -> None:
    # As in production: exceptions are not passed on to the test.
    app = configured_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail /etc/secret")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert (
        "Something went wrong" in body and "secret detail" not in body and "Traceback" not in body
    )


def write_file(
    path: Path,
    title: str = "T",
    slug: str | None = None,
    body: str = "<p>b</p>",
    summary: str | None = None,
) -> Path:
    translation = {"title": title, "body": body, "summary": summary}
    if slug:
        translation["slug"] = slug
    path.write_text(
        json.dumps(
            {
                "statements": [
                    {"published": "2024-01-01T00:00:00Z", "translations": {"en": translation}}
                ]
            }
        )
    )
    return path


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"title": "t" * 301},
            "translations.en.title: 301 characters, more than the 300 allowed (IST_TITLE_MAX_LENGTH)",
        ),
        (
            {"slug": "s" * 121},
            "translations.en.slug: 121 characters, more than the 120 allowed (IST_SLUG_MAX_LENGTH)",
        ),
        (
            {"summary": "s" * 2001},
            "translations.en.summary: 2,001 characters, more than the 2,000 allowed",
        ),
        (
            {"body": "<p>" + "b" * 500_001 + "</p>"},
            "translations.en.body: 500,008 characters, more than the 500,000 allowed",
        ),
    ],
)
def test_import_refuses_over_long_texts(runner, tmp_path: Path, fields: dict, message: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        args=["statements", "import", str(write_file(tmp_path / "long.json", **fields))]
    )
    assert result.exit_code != 0
    assert message in result.output


def test_the_limits_are_configurable(configured_app: Callable[..., Flask], tmp_path: Path) -> None:
    app = configured_app(TITLE_MAX_LENGTH=20, BODY_MAX_LENGTH=100)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["statements", "import", str(write_file(tmp_path / "a.json", title="t" * 21))]
    )
    assert "more than the 20 allowed" in result.output
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    form = {
        "csrf_token": csrf_token(client, "/admin/statements/new"),
        "published_at": "2024-01-01T10:00",
        "status": "draft",
        "original_language": "en",
        "translation_en-title": "t" * 21,
        "translation_en-body": "b" * 101,
        "action": "save",
    }
    response = client.post("/admin/statements/new", data=form)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Field cannot be longer than 20 characters." in text
    assert "Field cannot be longer than 100 characters." in text


@pytest.mark.parametrize(
    "setting", [{"TITLE_MAX_LENGTH": 501}, {"SLUG_MAX_LENGTH": 201}, {"BODY_MAX_LENGTH": 0}]
)
def test_limits_the_database_cannot_hold_are_refused_at_start(setting: dict) -> None:
    with pytest.raises(ConfigurationError):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40, **setting})
