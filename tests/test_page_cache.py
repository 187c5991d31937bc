"""The per-process page cache bounds the memory it really takes, and no client
can fill it with addresses: a page's key holds only the query it reads."""

from __future__ import annotations

import os
import tracemalloc
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from load import run_load
from pages import CACHED, STATEMENT
from servers import resident_memory, running_site

from ist_flask.page_cache import MAX_KEY_LENGTH, PageCache, StoredResponse


def cached_entries(app: Flask) -> int:
    return len(app.extensions["ist_caches"].pages)


def test_query_parameters_a_page_does_not_read_make_no_new_entries(
    app: Flask, client: FlaskClient
) -> None:
    for path in ("/robots.txt", "/", "/fr/feed.atom", "/sitemap.xml", STATEMENT):
        first = client.get(path)
        assert first.status_code == 200
        before = cached_entries(app)
        for n in range(20):
            again = client.get(f"{path}?n={n}&utm_source=x{n}")
            assert again.status_code == 200, path
            assert again.get_data() == first.get_data(), path
        assert cached_entries(app) == before, path


def test_parameters_a_page_reads_still_make_their_own_entries(
    app: Flask, client: FlaskClient
) -> None:
    client.get("/search?q=frank")
    before = cached_entries(app)
    assert "Garc" in client.get("/search?q=garcia&ignored=1").get_data(as_text=True)
    assert cached_entries(app) == before + 1
    # The old site's archive addresses still redirect once / is cached.
    client.get("/")
    response = client.get("/?fm=07&fy=2021")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/archive/2021/07")


def test_an_over_long_address_is_served_but_not_kept(app: Flask, client: FlaskClient) -> None:
    client.get("/search?q=frank")
    before = cached_entries(app)
    long_query = "frank " + "x" * MAX_KEY_LENGTH
    assert client.get("/search", query_string={"q": long_query}).status_code == 200
    long_host = ".".join(["h" * 60] * (MAX_KEY_LENGTH // 60 + 1))
    assert client.get("/", headers={"Host": long_host}).status_code == 200
    assert cached_entries(app) == before
    # A host name that cannot be encoded at all is refused, not a 500.
    assert client.get("/", headers={"Host": "h" * 100}).status_code == 400


def test_the_cache_never_holds_more_than_its_size(configured_app) -> None:  # type: ignore[no-untyped-def]
    app = configured_app(PAGE_CACHE_BYTES=200_000)
    client = app.test_client()
    for n in range(200):
        assert client.get(f"/search?q=frank{n}").status_code == 200
    pages = app.extensions["ist_caches"].pages
    assert 0 < pages.size <= 200_000
    assert len(pages) < 200


def realistic_answer(number: int) -> StoredResponse:
    """A small answer with the headers every page of the site carries, each a new string."""
    headers = (
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "93"),
        ("Cache-Control", "public, max-age=300"),
        ("ETag", f'"{number:040d}"'),
        ("Content-Security-Policy", "default-src 'self'; " * 8),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), geolocation=(), microphone=(), payment=(), usb=()"),
        ("X-Frame-Options", "DENY"),
        ("Vary", "Accept-Language"),
        ("Last-Modified", "Tue, 13 Jul 2021 00:00:00 GMT"),
    )
    fresh = tuple((name.join(("", "")), f"{value}") for name, value in headers)
    return StoredResponse(os.urandom(100), fresh, f'"{number:040d}"', datetime.now(UTC))


def test_the_counted_size_is_at_least_the_memory_really_taken() -> None:
    """Many small answers are where uncounted keys and headers used to hide."""
    cache = PageCache(10**9)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(3000):
            key = ("http", "127.0.0.1:8080", "/search", f"q=word{n}", "en")
            cache.put(key, (1, None), realistic_answer(n))
        taken = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert taken <= cache.size, (taken, cache.size)
    # Honest, not wildly over: the count stays within a third of the truth.
    assert cache.size <= taken * 1.33, (taken, cache.size)


# Long enough to have cost 30 KB a cache entry before; within waitress's header limit.
PAD = "&pad=" + "a" * 30_000
# The cheapest answer most often, as an attacker would choose; the others too.
PATHS = [
    *["/robots.txt"] * 6,
    "/",
    "/fr/",
    "/fr/feed.atom",
    "/sitemap.xml",
    STATEMENT,
    "/search?q=frank",
]


@pytest.mark.slow
def test_unique_long_query_strings_for_15_seconds_leave_memory_flat(
    tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri, "--threads", "4", "--no-access-log") as site:
        warm = run_load(site, PATHS, clients=8, seconds=3, workdir=tmp_path)
        assert warm.socket_errors == 0 and warm.bad_answers == 0, warm
        after_warm_up = resident_memory(site.pid)

        result = run_load(site, PATHS, clients=8, seconds=15, workdir=tmp_path, unique_query=PAD)

        assert result.requests > 1000, result
        assert result.socket_errors == 0 and result.bad_answers == 0, result
        grown = resident_memory(site.pid) - after_warm_up
        assert grown < 80 * 2**20, f"grew by {grown / 2**20:.0f} MB in {result.requests} requests"
        for path in ("/", STATEMENT, "/healthz"):
            with urllib.request.urlopen(site + path, timeout=5) as response:
                assert response.status == 200


def without_date(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted((name, value) for name, value in response.headers.items() if name != "Date")


def test_an_answer_from_the_cache_is_the_answer_rendered(app: Flask, client: FlaskClient) -> None:
    """Bytes and headers alike, Vary and the security headers included: the
    cache stores an answer only after every other hook has had its say."""
    for path in CACHED:
        for headers in ({}, {"Accept-Language": "fr"}):
            before = cached_entries(app)
            rendered = client.get(path, headers=headers)
            kept = client.get(path, headers=headers)
            assert cached_entries(app) >= before, path
            assert rendered.status_code == kept.status_code == 200, path
            assert kept.get_data() == rendered.get_data(), path
            # Date tells when each answer left (waitress adds one to every answer).
            assert without_date(kept) == without_date(rendered), path
