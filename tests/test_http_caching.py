"""Pages and feeds can be cached by proxies and by each process, and never go stale."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from admin_helpers import make_maintainer, sign_in
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import entries, parse
from sqlalchemy import update

from ist_flask.extensions import db
from ist_flask.models import Translation

PAGES = [
    "/",
    "/fr/",
    "/about",
    "/archive",
    "/archive/2021/07",
    "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades",
]


def test_html_pages_carry_a_strong_etag_and_cache_control(client: FlaskClient) -> None:
    for path in PAGES:
        response = client.get(path)
        etag, weak = response.get_etag()
        assert etag and not weak, path
        assert response.cache_control.public and response.cache_control.max_age == 60, path


def test_html_pages_answer_conditional_requests_with_304(client: FlaskClient) -> None:
    for path in PAGES:
        etag = client.get(path).headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b"", path
        assert client.head(path, headers={"If-None-Match": etag}).status_code == 304


def test_the_page_max_age_is_configurable(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(PAGE_MAX_AGE=15)
    assert app.test_client().get("/about").cache_control.max_age == 15


def test_public_answers_do_not_vary_on_the_session_cookie(app: Flask) -> None:
    """Not even for a signed-in maintainer: caches must not split on the cookie."""
    make_maintainer(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    for path in [*PAGES, "/fr/feed.atom", "/feed.rss", "/sitemap.xml"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Cookie" not in response.headers.get("Vary", ""), path
        assert "Set-Cookie" not in response.headers, path
        etag = response.headers["ETag"]
        revalidated = client.get(path, headers={"If-None-Match": etag})
        assert "Cookie" not in revalidated.headers.get("Vary", ""), path
    # The editor's pages do depend on who is signed in, and say so.
    assert "Cookie" in client.get("/admin/statements").headers["Vary"]


def test_the_negotiated_front_page_varies_by_language(client: FlaskClient) -> None:
    english = client.get("/", headers={"Accept-Language": "en"})
    french = client.get("/", headers={"Accept-Language": "fr"})
    assert english.headers["ETag"] != french.headers["ETag"]
    assert "Accept-Language" in english.headers["Vary"]
    # The per-process cache keeps them apart too.
    assert parse(client.get("/", headers={"Accept-Language": "fr"})).get("lang") == "fr"
    assert parse(client.get("/", headers={"Accept-Language": "en"})).get("lang") == "en"


def test_a_cached_page_answers_without_touching_statements(app: Flask, client: FlaskClient) -> None:
    client.get("/fr/")  # rendered and kept
    queries: list[str] = []
    with app.app_context():
        from sqlalchemy import event

        def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            queries.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get("/fr/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    # Only the content version is read (max age 0 in tests).
    assert len(queries) == 1 and "site_state" in queries[0]


def test_publishing_changes_the_version_so_no_stale_page_survives(
    app: Flask, client: FlaskClient
) -> None:
    before = client.get("/fr/")
    add(app, statement("2024-05-05T00:00:00Z", {"fr": {"title": "Toute nouvelle"}}))
    after = client.get("/fr/", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert entries(parse(after))[0]["title"] == "Toute nouvelle"


def test_any_write_to_the_database_changes_the_version(app: Flask, client: FlaskClient) -> None:
    """Even an edit made outside the site's code (psql, a script) is seen: triggers count it."""
    client.get("/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades")
    with app.app_context():
        db.session.execute(
            update(Translation).where(Translation.language == "fr").values(title="Titre modifié")
        )
        db.session.commit()
    page = parse(client.get("/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"))
    assert page.cssselect("h1")[0].text_content() == "Titre modifié"


def test_a_process_sees_a_change_within_its_version_max_age(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(CONTENT_VERSION_MAX_AGE=0.5)
    from ist_flask import store
    from ist_flask.i18n import DEFAULT_LANGUAGES

    with app.app_context():
        store.load_demo(DEFAULT_LANGUAGES)
    client = app.test_client()
    client.get("/")
    add(app, statement("2024-05-05T00:00:00Z", {"en": {"title": "Fresh news"}}))
    changed_at = time.monotonic()
    while "Fresh news" not in client.get("/").get_data(as_text=True):
        assert time.monotonic() - changed_at < 0.5 + 0.5, "the change did not show in time"
        time.sleep(0.05)


def test_a_scheduled_statement_appears_when_its_time_comes_even_from_cache(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(CONTENT_VERSION_MAX_AGE=3600)
    client = app.test_client()
    # The page must be kept before the time comes. A loaded machine (CI on
    # PostgreSQL) once took longer than the 1.5 s given to import and serve
    # it; each try gives twice as long, so a slow one only waits longer.
    for attempt, wait in enumerate((2.0, 4.0, 8.0)):
        title = f"On the stroke {attempt}"
        soon = datetime.now(UTC) + timedelta(seconds=wait)
        add(app, statement(soon.isoformat(), {"en": {"title": title}}))
        before = client.get("/").get_data(as_text=True)
        if datetime.now(UTC) < soon:
            break
    assert title not in before
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.1)
    assert title in client.get("/").get_data(as_text=True)


def test_editor_pages_and_health_are_never_cached(client: FlaskClient) -> None:
    assert "no-store" in client.get("/healthz").headers["Cache-Control"]
    assert "ETag" not in client.get("/admin/login").headers
