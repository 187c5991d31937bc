"""SQL statements per request stay few and flat: at most 3 (a statement page
5, with its topics and signatories; the all-languages feeds 4, with the
signatories), whatever the page size or the number of translations (1,000
statements in the database)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from builders import add, statement
from conftest import SERVER_DATABASE, make_app
from flask import Flask
from sqlalchemy import event

from ist_flask.extensions import db
from ist_flask.i18n import DEFAULT_LANGUAGES

LANGUAGES = tuple(DEFAULT_LANGUAGES)


@pytest.fixture(scope="session")
def thousand_files(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> dict:  # type: ignore[type-arg]
    """SQLite files of 1,000 statements, one per set of languages, made once."""
    return {"folder": tmp_path_factory.mktemp("thousand"), "template": migrated_template}


@pytest.fixture
def with_thousand(
    configured_app: Callable[..., Flask],
    database_uri: str,
    thousand_files: dict,  # type: ignore[type-arg]
) -> Callable[..., Flask]:
    """An app on a database of 1,000 statements in ``languages``: on SQLite a
    copy of a file imported once, on PostgreSQL imported for the test."""

    def make(languages: tuple[str, ...], **config: object) -> Flask:
        if SERVER_DATABASE:
            app = configured_app(**config)
            thousand_statements(app, languages)
            return app
        made = thousand_files["folder"] / f"{'-'.join(languages)}.sqlite3"
        if not made.exists():
            shutil.copy(thousand_files["template"], made)
            builder = make_app(f"sqlite:///{made}")
            thousand_statements(builder, languages)
            with builder.app_context():
                db.engine.dispose()
        # The new app has not connected yet: its file can still be swapped.
        shutil.copy(made, database_uri.removeprefix("sqlite:///"))
        return configured_app(**config)

    return make


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


def queries_for(app: Flask, path: str, status: int = 200) -> int:
    """The statements a request for ``path`` runs. A numbered page of old
    links (?page=N) is counted where it leads: the listing's own link."""
    client = app.test_client()
    if "page=" in path and status == 200:
        path = client.get(path).headers["Location"]
    with counting(app) as seen:
        response = client.get(path)
    assert response.status_code == status, path
    return len(seen)


PATHS = [
    "/",
    "/fr/",
    "/de/",
    "/?page=7",
    "/fr/statements/statement-500-fr",
    "/fr/feed.atom",
    "/feed.rss",
]
# A statement page reads its topics and its signatories, one query each; a
# feed its entries' signatories: constant, however many of them there are.
MOST_QUERIES = {"/fr/statements/statement-500-fr": 5, "/feed.rss": 4}


@pytest.mark.parametrize("per_page", [20, 50])
@pytest.mark.parametrize("languages", [("fr",), LANGUAGES], ids=["one-language", "every-language"])
def test_at_most_three_queries_per_request_without_cache(
    with_thousand: Callable[..., Flask], per_page: int, languages: tuple[str, ...]
) -> None:
    app = with_thousand(
        languages, PAGE_CACHE_BYTES=0, ENTRIES_PER_PAGE=per_page, FEED_SIZE=per_page
    )
    counts = {path: queries_for(app, path) for path in PATHS}
    assert all(count <= MOST_QUERIES.get(path, 3) for path, count in counts.items()), counts


def test_a_listing_page_costs_the_same_however_many_statements(
    with_thousand: Callable[..., Flask],
) -> None:
    """A listing page looks one row past its end instead of counting the site,
    and finds its rows by id: two statements, with 1,000 statements as with 2,000."""
    app = with_thousand(("en", "fr"), PAGE_CACHE_BYTES=0)
    paths = ("/", "/fr/", "/?page=30")
    before = {path: queries_for(app, path) for path in paths}
    thousand_statements(app, ("en", "fr"))
    after = {path: queries_for(app, path) for path in paths}
    # The content version, then the page's rows.
    assert before == after == dict.fromkeys(paths, 2), (before, after)


def test_a_numbered_page_of_old_links_is_redirected_in_two_queries(
    with_thousand: Callable[..., Flask],
) -> None:
    app = with_thousand(("en", "fr"), PAGE_CACHE_BYTES=0)
    # The content version, then the two entries around the page's start.
    assert queries_for(app, "/?page=30", status=302) == 2


def sqlite_steps(app: Flask, path: str) -> int:
    """How many steps SQLite's virtual machine takes to answer ``path``: how
    much of the database a page reads, whatever the machine's speed."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0  # go on

    def watch(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.set_progress_handler(count, 1)  # every instruction

    with app.app_context():
        engine = db.engine
        engine.dispose()  # new connections, each watched
    event.listen(engine, "connect", watch)
    try:
        assert app.test_client().get(path).status_code == 200, path
    finally:
        event.remove(engine, "connect", watch)
    return steps[0]


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="counts SQLite's own steps")
# de/: a section that lacks every statement, listed in their originals.
@pytest.mark.parametrize(("language", "last_page"), [("", 100), ("fr/", 50), ("de/", 50)])
def test_a_page_deep_in_the_listing_reads_no_more_than_the_second(
    with_thousand: Callable[..., Flask], language: str, last_page: int
) -> None:
    """Keyset pages: the deepest page reads what the second does. With OFFSET,
    or with the index read from now rather than from the page's place, it
    read every newer entry."""
    app = with_thousand(("en", "fr"), PAGE_CACHE_BYTES=0)
    client = app.test_client()
    second = client.get(f"/{language}?page=2").headers["Location"]
    last = client.get(f"/{language}?page={last_page}").headers["Location"]
    shallow, deep = sqlite_steps(app, second), sqlite_steps(app, last)
    assert deep < shallow * 1.5, (shallow, deep)


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="counts SQLite's own steps")
def test_a_language_section_reads_the_same_with_twice_the_statements(
    with_thousand: Callable[..., Flask],
) -> None:
    """A section (its translations, and its originals of what it lacks) is
    read in the index's order: sorting the language order too made SQLite
    sort every statement for each page, 19 ms instead of 4 at 10,000."""
    app = with_thousand(("en", "fr"), PAGE_CACHE_BYTES=0)
    before = {path: sqlite_steps(app, path) for path in ("/fr/", "/de/")}
    thousand_statements(app, ("en", "fr"))
    after = {path: sqlite_steps(app, path) for path in ("/fr/", "/de/")}
    for path in before:
        assert after[path] < before[path] * 1.2, (path, before, after)
