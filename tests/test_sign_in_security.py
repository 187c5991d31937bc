"""Nobody can lock a maintainer out, parallel guesses cannot overshoot the
throttle, and a session ends for good when its maintainer signs out."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import redis
from admin_helpers import EMAIL, PASSWORD, csrf_token, make_maintainer, sign_in
from flask import Flask
from flask.testing import FlaskClient
from servers import flask_command, running_site

from ist_flask.throttle import address_key

REDIS = "redis://127.0.0.1:6379"


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_wrong_passwords_from_one_address_do_not_lock_out_another(app: Flask) -> None:
    make_maintainer(app)
    attacker = from_address(app, "127.0.0.1")
    for attempt in range(8):
        assert sign_in(attacker, password=f"guess {attempt}!").status_code in (401, 429)
    assert sign_in(attacker).status_code == 429
    assert sign_in(from_address(app, "127.0.0.2")).status_code == 302


def test_a_trusted_browser_signs_in_while_many_addresses_guess(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(LOGIN_ACCOUNT_LIMIT="6 per 15 minutes")
    make_maintainer(app)
    maintainer = from_address(app, "198.51.100.1")
    assert sign_in(maintainer).status_code == 302  # this browser is now trusted
    maintainer.post("/admin/logout", data={"csrf_token": csrf_token(maintainer, "/admin/")})
    # Its first sign-in, from a browser not yet trusted, took one of the six.
    for n in range(5):
        guesser = from_address(app, f"203.0.113.{n}")
        assert sign_in(guesser, password="not the password").status_code == 401
    # The account's ceiling for strangers is reached: a new browser must wait...
    assert sign_in(from_address(app, "203.0.113.99")).status_code == 429
    # ...but the maintainer's own browser, wherever it is now, is not kept out.
    maintainer.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    assert sign_in(maintainer).status_code == 302


def test_an_ipv6_client_is_counted_by_its_64_bits_of_network() -> None:
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key("192.0.2.1") == "192.0.2.1"


def test_redis_away_at_sign_in_is_a_503_that_says_why(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    make_maintainer(app)
    response = sign_in(app.test_client())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    text = response.get_data(as_text=True)
    assert "counts sign-in attempts does not answer" in text
    assert "Traceback" not in text and "redis" not in text.lower()


def test_a_next_address_with_a_line_break_leads_to_the_editor(
    app: Flask, client: FlaskClient
) -> None:
    make_maintainer(app)
    for target in ("/admin/\r\nSet-Cookie: x=1", "/admin/\nX: y", "/a\x7fb"):
        page = client.get("/admin/login", query_string={"next": target})
        assert page.status_code == 200
        token = csrf_token(client)
        response = client.post(
            "/admin/login",
            data={"csrf_token": token, "email": EMAIL, "password": PASSWORD, "next": target},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/"
        client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})


# Sessions ------------------------------------------------------------------------


def copied_session(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def test_signing_out_ends_every_copy_of_the_session(app: Flask, editor: FlaskClient) -> None:
    thief = copied_session(app, editor)
    assert thief.get("/admin/").status_code == 200
    editor.post("/admin/logout", data={"csrf_token": csrf_token(editor, "/admin/")})
    assert thief.get("/admin/").status_code == 302
    assert editor.get("/admin/").status_code == 302


def test_a_new_password_or_sign_out_everywhere_ends_old_sessions(
    app: Flask, editor: FlaskClient
) -> None:
    thief = copied_session(app, editor)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "set-password", EMAIL, "--password-stdin"], input="a new password 123\n"
    )
    assert result.exit_code == 0, result.output
    assert thief.get("/admin/").status_code == 302
    assert editor.get("/admin/").status_code == 302

    assert sign_in(editor, password="a new password 123").status_code == 302
    thief = copied_session(app, editor)
    result = runner.invoke(args=["users", "sign-out-everywhere", EMAIL])
    assert result.exit_code == 0 and "Signed editor@example.org out everywhere." in result.output
    assert thief.get("/admin/").status_code == 302
    assert runner.invoke(args=["users", "sign-out-everywhere", "x@y.org"]).exit_code == 1


def test_the_csrf_token_changes_at_sign_in(app: Flask, client: FlaskClient) -> None:
    make_maintainer(app)
    before = csrf_token(client)
    assert sign_in(client).status_code == 302
    after = csrf_token(client, "/admin/")
    assert after != before
    refused = client.post("/admin/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "settings",
    [{"SITE_URL": "https://ist.example.org"}, {"PRODUCTION": True, "SECRET_KEY": "k" * 64}],
)
def test_the_session_cookie_is_secure_on_https_and_in_production(
    configured_app: Callable[..., Flask], settings: dict[str, object]
) -> None:
    app = configured_app(**settings)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    make_maintainer(app)
    response = sign_in(app.test_client())
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)


def test_an_editor_session_lasts_days_not_a_month(app: Flask, client: FlaskClient) -> None:
    make_maintainer(app)
    response = sign_in(client)
    session = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", session).group(1))  # type: ignore[union-attr]
    assert timedelta(days=1) < expires - datetime.now(UTC) <= timedelta(days=2, minutes=1)
    assert app.permanent_session_lifetime == timedelta(days=2)


# Parallel guesses against the real server ------------------------------------------


def guess_in_parallel(sites: list[str], tries: int) -> list[int]:
    """``tries`` clients, each with its own session and CSRF token, all sending
    a wrong password at the same moment; the statuses they get."""
    prepared = []
    for n in range(tries):
        parts = urlsplit(sites[n % len(sites)])
        connection = HTTPConnection(parts.hostname, parts.port, timeout=60)
        connection.request("GET", "/admin/login")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = SimpleCookie(response.headers["Set-Cookie"])["session"].value
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        body = urlencode({"csrf_token": token, "email": EMAIL, "password": f"guess {n}!"})
        prepared.append((connection, cookie, body))
    start = threading.Barrier(tries)
    statuses: list[int] = []
    lock = threading.Lock()

    def send(connection: HTTPConnection, cookie: str, body: str) -> None:
        headers = {
            "Cookie": f"session={cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        start.wait()
        connection.request("POST", "/admin/login", body=body, headers=headers)
        status = connection.getresponse().status
        with lock:
            statuses.append(status)
        connection.close()

    threads = [threading.Thread(target=send, args=one) for one in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.slow
def test_forty_parallel_guesses_get_five_password_checks(
    app: Flask, database_uri: str, tmp_path: Path
) -> None:
    make_maintainer(app)
    with running_site(tmp_path, database_uri, "--threads", "8", "--no-access-log") as site:
        statuses = guess_in_parallel([site], 40)
    # A 401 is a password that was checked; a 429 one that never was.
    assert statuses.count(401) == 5, statuses
    assert statuses.count(429) == 35, statuses


@pytest.mark.slow
def test_two_processes_sharing_redis_together_check_five_passwords(
    app: Flask, database_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_maintainer(app)
    prefix = f"ist-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("IST_RATELIMIT_STORAGE_URI", REDIS)
    monkeypatch.setenv("IST_RATELIMIT_KEY_PREFIX", prefix)
    with (
        running_site(tmp_path, database_uri, "--threads", "8", log_name="one.log") as one,
        running_site(tmp_path, database_uri, "--threads", "8", log_name="two.log") as two,
    ):
        statuses = guess_in_parallel([one, two], 40)
    assert statuses.count(401) == 5, statuses
    assert statuses.count(429) == 35, statuses
    client = redis.Redis.from_url(REDIS)
    client.delete(*client.keys(f"*{prefix}*"))
    client.close()


@pytest.mark.slow  # a new process
def test_the_maintainer_commands_end_sessions_of_a_served_site(
    app: Flask, database_uri: str
) -> None:
    """`flask users sign-out-everywhere` as a maintainer runs it, in its own process."""
    make_maintainer(app)
    output = flask_command(database_uri, "users", "sign-out-everywhere", EMAIL).stdout
    assert "Signed editor@example.org out everywhere." in output
