"""Sitemaps on a large site are no CPU amplifier: small files, each read only
from its own rows, kept in the page cache, whatever query string comes with them."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import lxml.etree
import pytest
from flask import Flask
from sqlalchemy import insert
from test_query_count import counting

from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES
from ist_flask.models import Statement, Translation

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LANGUAGES = tuple(DEFAULT_LANGUAGES)
STATEMENTS = 30_000


def fill(app: Flask, count: int) -> int:
    """``count`` published statements with one to three translations each, written
    straight into the migrated tables (the import is tested elsewhere); returns
    how many translations that made."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    made = 0
    with app.app_context():
        for first in range(0, count, 2000):
            numbers = range(first, min(first + 2000, count))
            ids = db.session.scalars(
                insert(Statement).returning(Statement.id, sort_by_parameter_order=True),
                [
                    {"published_at": start - timedelta(hours=n), "original_language": "en"}
                    for n in numbers
                ],
            ).all()
            rows = [
                {
                    "statement_id": statement_id,
                    "language": language,
                    "title": f"Statement {n}",
                    "slug": f"statement-{n}",
                    "body": "<p>Text.</p>",
                    "search_text": "Text.",
                    "updated_at": start - timedelta(hours=n),
                }
                for statement_id, n in zip(ids, numbers, strict=True)
                for language in LANGUAGES[: 1 + n % 3]
            ]
            # RETURNING makes SQLAlchemy send multi-row INSERTs (insertmanyvalues):
            # on PostgreSQL, one statement per row would take a minute here.
            db.session.execute(insert(Translation.__table__).returning(Translation.id), rows)
            made += len(rows)
        db.session.commit()
    return made


def timed_get(app: Flask, path: str) -> tuple[float, int, bytes]:
    client = app.test_client()
    with counting(app) as queries:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, path
    return elapsed, len(queries), response.get_data()


@pytest.mark.slow
def test_at_30000_statements_repeated_sitemap_requests_are_cheap(configured_app) -> None:  # type: ignore[no-untyped-def]
    app = configured_app()
    translations = fill(app, STATEMENTS)
    size = app.config["SITEMAP_MAX_URLS"]

    _first, _queries, index = timed_get(app, "/sitemap.xml")
    parts = [loc.text for loc in lxml.etree.fromstring(index).iter(f"{SITEMAP}loc")]
    assert len(parts) == -(-(translations + 2 * len(LANGUAGES)) // size)

    for part in ("/sitemap-1.xml", "/sitemap-5.xml", f"/sitemap-{len(parts)}.xml"):
        _first, _queries, body = timed_get(app, part)
        urls = lxml.etree.fromstring(body).findall(f"{SITEMAP}url")
        assert 0 < len(urls) <= size
        assert len(body) <= app.config["PAGE_CACHE_BYTES"] // 4, "too large to be kept"

    for path in ("/sitemap.xml", "/sitemap-1.xml", "/sitemap-5.xml", f"/sitemap-{len(parts)}.xml"):
        timings = []
        for n in range(10):
            # A query string never seen before is no way around the cache.
            elapsed, queries, _body = timed_get(app, f"{path}?x={n}")
            # The content version is all a kept file needs from the database.
            assert queries <= 1, (path, queries)
            timings.append(elapsed)
        assert statistics.median(timings) < 0.050, (path, timings)
        assert max(timings) < 0.5, (path, timings)
