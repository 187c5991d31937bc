"""SQL statements per request stay few and flat: at most 3, whatever the page size
or the number of translations (1,000 statements in the database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from builders import add, statement
from flask import Flask
from sqlalchemy import event

from ist_flask.extensions import db

LANGUAGES = ("en", "fr", "es", "de", "el", "tr", "ru")


def thousand_statements(app: Flask, languages: tuple[str, ...]) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    add(
        app,
        *(
            statement(
                (start - timedelta(hours=n)).isoformat(),
                {lang: {"title": f"Statement {n} {lang}"} for lang in languages},
            )
            for n in range(1000)
        ),
    )


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, sql, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(sql)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_for(app: Flask, path: str) -> int:
    client = app.test_client()
    with counting(app) as seen:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(seen)


PATHS = ["/", "/fr/", "/?page=7", "/fr/statements/statement-500-fr", "/fr/feed.atom", "/feed.rss"]


@pytest.mark.parametrize("per_page", [20, 50])
@pytest.mark.parametrize("languages", [("fr",), LANGUAGES], ids=["one-language", "seven-languages"])
def test_at_most_three_queries_per_request_without_cache(
    configured_app: Callable[..., Flask], per_page: int, languages: tuple[str, ...]
) -> None:
    app = configured_app(PAGE_CACHE_BYTES=0, ENTRIES_PER_PAGE=per_page, FEED_SIZE=per_page)
    thousand_statements(app, languages)
    counts = {path: queries_for(app, path) for path in PATHS}
    assert max(counts.values()) <= 3, counts


def test_no_page_counts_or_reads_every_statement(configured_app: Callable[..., Flask]) -> None:
    """A listing page looks one row past its end instead of counting the site,
    and finds its rows by id, so its cost does not grow with the statements."""
    app = configured_app(PAGE_CACHE_BYTES=0)
    thousand_statements(app, ("en", "fr"))
    client = app.test_client()
    for path in ("/", "/fr/", "/?page=30"):
        with counting(app) as seen:
            assert client.get(path).status_code == 200
        assert not [sql for sql in seen if "count(" in sql.lower()], (path, seen)
        listing = [sql for sql in seen if "FROM (SELECT translations.id" in sql]
        assert len(listing) == 1, (path, seen)
