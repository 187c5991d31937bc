"""Kept text answers are given gzipped to the clients that take gzip: the
same content, an ETag of their own, Vary: Accept-Encoding on both variants,
revalidated like the plain ones; and never to a client that refuses it."""

from __future__ import annotations

import gzip
import urllib.request
from collections.abc import Callable

import feedparser
import pytest
from flask import Flask
from pages import CACHED, STATEMENT

from ist_flask.page_cache import GZIP_FROM_BYTES, accepts_gzip, compressible

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def demo(configured_app: Callable[..., Flask]) -> Flask:
    from ist_flask import store
    from ist_flask.i18n import DEFAULT_LANGUAGES

    app = configured_app(CONTENT_VERSION_MAX_AGE=60)
    with app.app_context():
        store.load_demo(DEFAULT_LANGUAGES)
    return app


def headers_but(response, *names: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    left_out = {"date", *(name.lower() for name in names)}
    return {k: v for k, v in response.headers.items() if k.lower() not in left_out}


@pytest.mark.parametrize("path", [p for p in CACHED if p != "/robots.txt"])
def test_a_gzipped_answer_is_the_plain_one_compressed(demo: Flask, path: str) -> None:
    client = demo.test_client()
    plain = client.get(path)
    # Twice: the first renders (or compresses what was kept), the second is kept.
    for _ in range(2):
        zipped = client.get(path, headers=GZIP)
        assert zipped.status_code == 200
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.get_data()) == plain.get_data()
        assert int(zipped.headers["Content-Length"]) == len(zipped.get_data())
        assert len(zipped.get_data()) < len(plain.get_data())
        assert zipped.headers["ETag"] != plain.headers["ETag"]
        assert "Accept-Encoding" in zipped.headers["Vary"]
        assert "Accept-Encoding" in plain.headers["Vary"]
        assert headers_but(zipped, "Content-Encoding", "Content-Length", "ETag") == headers_but(
            plain, "Content-Length", "ETag"
        )
    assert "Content-Encoding" not in client.get(path).headers


def test_each_variant_is_revalidated_with_its_own_etag(demo: Flask) -> None:
    client = demo.test_client()
    plain = client.get("/fr/feed.atom")
    zipped = client.get("/fr/feed.atom", headers=GZIP)
    plain_tag, zipped_tag = plain.headers["ETag"], zipped.headers["ETag"]
    assert (
        client.get("/fr/feed.atom", headers={**GZIP, "If-None-Match": zipped_tag}).status_code
        == 304
    )
    assert client.get("/fr/feed.atom", headers={"If-None-Match": plain_tag}).status_code == 304
    # A client's copy of one variant is not the other's bytes: it gets them whole.
    crossed = client.get("/fr/feed.atom", headers={**GZIP, "If-None-Match": plain_tag})
    assert crossed.status_code == 200 and crossed.headers["Content-Encoding"] == "gzip"
    crossed = client.get("/fr/feed.atom", headers={"If-None-Match": zipped_tag})
    assert crossed.status_code == 200 and "Content-Encoding" not in crossed.headers


@pytest.mark.parametrize(
    "value", ["gzip;q=0", "identity", "br", "*", "deflate, gzip;q=0.0", "x-gzip-not;q=0"]
)
def test_a_client_that_does_not_take_gzip_gets_plain_bytes(demo: Flask, value: str) -> None:
    client = demo.test_client()
    client.get(STATEMENT, headers=GZIP)  # the gzipped variant is kept now
    answer = client.get(STATEMENT, headers={"Accept-Encoding": value})
    assert "Content-Encoding" not in answer.headers
    assert b"<html" in answer.get_data()


def test_what_accepts_gzip_and_what_is_worth_compressing() -> None:
    assert accepts_gzip({"HTTP_ACCEPT_ENCODING": "gzip"})
    assert accepts_gzip({"HTTP_ACCEPT_ENCODING": "deflate, gzip;q=0.5"})
    assert not accepts_gzip({"HTTP_ACCEPT_ENCODING": "gzip;q=0"})
    assert not accepts_gzip({})
    assert compressible("application/atom+xml; charset=utf-8", GZIP_FROM_BYTES)
    assert compressible("text/html; charset=utf-8", 50_000)
    assert compressible("application/feed+json", 5_000)
    assert not compressible("text/html", GZIP_FROM_BYTES - 1)
    assert not compressible("image/webp", 50_000)


def test_small_answers_and_the_editor_are_never_gzipped(demo: Flask) -> None:
    client = demo.test_client()
    robots = client.get("/robots.txt", headers=GZIP)
    assert len(client.get("/robots.txt").get_data()) < GZIP_FROM_BYTES
    assert "Content-Encoding" not in robots.headers
    assert "Accept-Encoding" not in robots.headers.get("Vary", "")
    login = client.get("/admin/login", headers=GZIP)
    assert "Content-Encoding" not in login.headers


def test_without_a_page_cache_nothing_is_gzipped(configured_app: Callable[..., Flask]) -> None:
    """Compression is paid once per kept answer; answers not kept are sent
    plain (nginx, when in front, compresses them if it is told to)."""
    app = configured_app(PAGE_CACHE_BYTES=0)
    answer = app.test_client().get("/about", headers=GZIP)
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers


@pytest.mark.slow
def test_feed_readers_read_the_gzipped_feed_from_the_real_server(site: str) -> None:
    """feedparser asks for gzip, as most readers do, over waitress."""
    request = urllib.request.Request(site + "/fr/feed.atom", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.headers["Content-Encoding"] == "gzip"
        body = answer.read()
    parsed = feedparser.parse(gzip.decompress(body))
    assert not parsed.bozo and parsed.entries
    direct = feedparser.parse(site + "/fr/feed.atom")
    assert direct.get("headers", {}).get("content-encoding") == "gzip"
    assert [e.title for e in direct.entries] == [e.title for e in parsed.entries]
