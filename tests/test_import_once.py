"""An import reads its file once, checking it as it writes: what that asks of
the slugs made from titles, and of the problems found after batches were
written."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from builders import add, numbered, statement
from flask import Flask
from sqlalchemy import func, select, text

from ist_flask import statement_import
from ist_flask.extensions import db
from ist_flask.i18n import supported_languages
from ist_flask.import_pipeline import BATCH_SIZE
from ist_flask.models import Statement, Translation
from ist_flask.statement_file import StatementFileError

# A slug the demo content's French translation has.
DEMO_SLUG = "liberez-frank-garcia-hernandez-et-ses-camarades"


class CountedFile(io.BytesIO):
    """A file in memory that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        count = super().readinto(buffer)
        self.bytes_read += count
        return count


def import_counted(app: Flask, statements: list[dict[str, Any]]) -> tuple[int, list[CountedFile]]:
    data = json.dumps({"statements": statements}).encode("utf-8")
    opened: list[CountedFile] = []

    def open_file() -> CountedFile:
        opened.append(CountedFile(data))
        return opened[-1]

    with app.app_context():
        statement_import.import_statement_file(open_file, supported_languages())
    return len(data), opened


def count_statements(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Statement.id))).scalar_one()


def slugs_of(app: Flask, language: str) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            select(Translation.title, Translation.slug).where(Translation.language == language)
        )
        return {title: slug for title, slug in rows}


def test_an_import_reads_its_statements_once(app: Flask) -> None:
    """The groups before the statements are read on their own (the parser's
    first buffer, each time the file is opened), the statements once:
    checking them did not cost a read of their own, the one a large import
    spent a sixth of its time on."""
    size, opened = import_counted(app, numbered(20 * BATCH_SIZE))
    assert count_statements(app) == 20 * BATCH_SIZE + 2
    assert size > 250_000
    read = sum(stream.bytes_read for stream in opened)
    assert size <= read < 1.5 * size, (read, size)


def test_a_slug_made_from_a_title_gives_way_to_a_later_statement_that_gives_it(
    app: Flask,
) -> None:
    """The title "Strike" of the first statement makes "strike"; a statement
    two batches later gives "strike" itself, and keeps it: the first one's
    is made again, as it would have been had the later slug been known. In
    one batch the given slug is known before the made one is made."""
    statements = numbered(3 * BATCH_SIZE)
    statements[0] = statement("2019-01-01T00:00:00Z", {"en": {"title": "Strike"}})
    statements[1] = statement("2019-01-01T00:00:00Z", {"en": {"title": "Union"}})
    statements[2] = statement("2019-01-01T00:00:00Z", {"en": {"title": "Given", "slug": "union"}})
    statements[-1] = statement(
        "2019-01-01T00:00:00Z",
        {"en": {"title": "Later", "slug": "strike", "old_slugs": ["walkout"]}},
    )
    statements[-2] = statement("2019-01-01T00:00:00Z", {"en": {"title": "Walkout"}})
    add(app, *statements)
    slugs = slugs_of(app, "en")
    assert slugs["Later"] == "strike" and slugs["Strike"] == "strike-2"
    assert slugs["Given"] == "union" and slugs["Union"] == "union-2"
    # An old slug the file gives is never made for another title either.
    assert slugs["Walkout"] == "walkout-2"
    client = app.test_client()
    assert "Strike" in client.get("/en/statements/strike-2").get_data(as_text=True)
    assert "Later" in client.get("/en/statements/strike").get_data(as_text=True)
    assert client.get("/en/statements/walkout").headers["Location"].endswith("/strike")


def search_index(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        rows = db.session.execute(text("SELECT rowid, title, body FROM translations_search"))
        return [tuple(row) for row in rows]


def test_problems_found_after_batches_were_written_are_all_reported_and_nothing_stays(
    app: Flask,
) -> None:
    """A slug the site has, two batches in, and a bad date after it: both
    are reported, and the batches written before them are rolled back."""
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    index_before = search_index(app) if sqlite else []
    statements = numbered(3 * BATCH_SIZE)
    statements[2 * BATCH_SIZE + 10] = statement(
        "2019-01-01T00:00:00Z", {"fr": {"title": "Pris", "slug": DEMO_SLUG}}
    )
    statements[2 * BATCH_SIZE + 20]["published"] = "not a date"
    with pytest.raises(StatementFileError) as refused:
        add(app, *statements)
    problems = refused.value.problems
    assert (
        f'statement {2 * BATCH_SIZE + 21} ("Number {2 * BATCH_SIZE + 20}"): published'
        in (problems[0])
    )
    assert problems[1] == (
        f'statement {2 * BATCH_SIZE + 11} ("Pris"): translations.fr.slug: "{DEMO_SLUG}" '
        'is already used by another statement ("Libérez Frank García Hernández et ses camarades")'
    )
    assert len(problems) == 2
    assert count_statements(app) == 2
    if sqlite:
        assert search_index(app) == index_before


def test_a_topic_named_late_that_the_site_lacks_refuses_the_whole_file(app: Flask) -> None:
    statements = numbered(2 * BATCH_SIZE)
    statements[-1]["topics"] = ["nowhere"]
    with pytest.raises(StatementFileError) as refused:
        add(app, *statements)
    assert refused.value.problems == [
        f'statement {2 * BATCH_SIZE} ("Number {2 * BATCH_SIZE - 1}"): topics: '
        '"nowhere" is no topic of the file or of the site'
    ]
    assert count_statements(app) == 2
