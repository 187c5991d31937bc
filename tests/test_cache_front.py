"""Kept pages are answered before Flask dispatches (cache_front.py), with the
same bytes and headers as the answer Flask rendered, and never when they
might be stale or were never public."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from admin_helpers import make_maintainer, sign_in
from flask import Flask
from pages import CACHED, STATEMENT
from sqlalchemy import text

from ist_flask.extensions import db


@pytest.fixture
def site(configured_app: Callable[..., Flask]) -> Flask:
    """The demo site trusting its content version for a minute, as a server does."""
    from ist_flask import store
    from ist_flask.i18n import DEFAULT_LANGUAGES

    app = configured_app(CONTENT_VERSION_MAX_AGE=60)
    with app.app_context():
        store.load_demo(DEFAULT_LANGUAGES)
    return app


def flask_dispatches(app: Flask) -> list[str]:
    """The paths Flask itself handles from now on (a hook that counts them)."""
    seen: list[str] = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append("x") and None)
    return seen


def without_date(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted((name, value) for name, value in response.headers.items() if name != "Date")


@pytest.mark.parametrize("path", CACHED)
@pytest.mark.parametrize("language", [None, "de-CH, fr;q=0.5"])
@pytest.mark.parametrize("encoding", [None, "gzip, deflate, br"])
def test_a_kept_page_is_answered_before_flask_with_the_same_bytes(
    site: Flask, path: str, language: str | None, encoding: str | None
) -> None:
    client = site.test_client()
    headers = {"Accept-Language": language} if language else {}
    if encoding:
        headers["Accept-Encoding"] = encoding
    rendered = client.get(path, headers=headers)
    assert rendered.status_code == 200
    dispatched = flask_dispatches(site)
    kept = client.get(path, headers=headers)
    assert dispatched == [], "Flask dispatched a page the cache holds"
    assert kept.get_data() == rendered.get_data()
    assert without_date(kept) == without_date(rendered)

    head = client.head(path, headers=headers)
    assert head.status_code == 200 and head.get_data() == b""
    assert without_date(head) == without_date(rendered)

    # The 304 a revalidation gets, from the front and from Flask alike.
    etag = rendered.headers["ETag"]
    front = client.get(path, headers={**headers, "If-None-Match": etag})
    assert dispatched == []
    fresh = site.test_client()  # another process would render it: no cache
    site.extensions["ist_caches"].pages.clear()
    from_flask = fresh.get(path, headers={**headers, "If-None-Match": etag})
    assert dispatched, "Flask rendered it"
    assert front.status_code == from_flask.status_code == 304
    assert front.get_data() == from_flask.get_data() == b""
    assert without_date(front) == without_date(from_flask)


def test_negotiated_pages_are_kept_per_language(site: Flask) -> None:
    client = site.test_client()
    french = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    dispatched = flask_dispatches(site)
    assert client.get("/", headers={"Accept-Language": "fr-CA"}).get_data(as_text=True) == french
    assert client.get("/").get_data(as_text=True) == english
    assert dispatched == []
    assert 'lang="fr"' in french and 'lang="en"' in english


def test_query_parameters_a_page_does_not_read_are_answered_from_the_front(site: Flask) -> None:
    client = site.test_client()
    kept = client.get("/robots.txt").get_data()
    dispatched = flask_dispatches(site)
    for n in range(5):
        assert client.get(f"/robots.txt?n={n}&utm=x").get_data() == kept
    assert client.get("/search?q=frank&junk=1").status_code == 200
    assert len(dispatched) == 1  # /search?q=frank was never rendered yet


def test_a_change_by_another_process_is_never_served_stale(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(CONTENT_VERSION_MAX_AGE=0.3)
    from ist_flask import store
    from ist_flask.i18n import DEFAULT_LANGUAGES

    with app.app_context():
        store.load_demo(DEFAULT_LANGUAGES)
    client = app.test_client()
    assert "Changed elsewhere" not in client.get(STATEMENT).get_data(as_text=True)
    other = configured_app()  # another process on the same database
    with other.app_context():
        db.session.execute(
            text("UPDATE translations SET title = 'Changed elsewhere' WHERE language = 'fr'")
        )
        db.session.commit()
    time.sleep(0.35)
    assert "Changed elsewhere" in client.get(STATEMENT).get_data(as_text=True)


def test_the_editor_and_signed_in_answers_are_never_kept(site: Flask) -> None:
    make_maintainer(site)
    client = site.test_client()
    assert sign_in(client).status_code == 302
    first = client.get("/admin/")
    again = client.get("/admin/")
    assert (
        "no-store" in first.headers["Cache-Control"]
        and "no-store" in again.headers["Cache-Control"]
    )
    assert site.extensions["ist_caches"].routes.get("/admin/") is None
    # Public pages are the same for a signed-in maintainer, and carry no cookie.
    public = client.get("/fr/")
    assert "Set-Cookie" not in public.headers and "Cookie" not in public.headers.get("Vary", "")


def test_no_page_is_answered_from_the_front_during_an_outage(site: Flask) -> None:
    client = site.test_client()
    client.get("/fr/")
    site.extensions["ist_outage"].begin()
    response = client.get("/fr/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
