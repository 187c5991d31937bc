"""An import on PostgreSQL raises the content version once, not once a row.

psycopg's executemany sends each row as a statement of its own, and the
content version's per-statement trigger (migration 0003) fired for each: a
new version of site_state's one row per row imported, none of which can be
pruned before the commit, so each rise walked all those before it. The
import now holds the trigger off (migration 0022) and raises the version
itself, once, before its commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from ist_flask import statement_import
from ist_flask.extensions import db
from ist_flask.i18n import supported_languages
from ist_flask.statement_file import StatementFileError


def write_file(path: Path, count: int, bad_last: bool = False) -> None:
    statements = [
        {
            "published": "2021-07-13T00:00:00Z",
            "translations": {
                "en": {"title": f"Bulk statement {n}", "body": "<p>Strike.</p>"},
                "fr": {"title": f"Déclaration groupée {n}", "body": "<p>Grève.</p>"},
            },
        }
        for n in range(count)
    ]
    if bad_last:
        statements[-1]["published"] = "not a date"
    path.write_text(json.dumps({"statements": statements}), encoding="utf-8")


def content_version() -> int:
    return int(db.session.execute(text("SELECT content_version FROM site_state")).scalar_one())


def site_state_updates_in_transaction() -> int:
    """How many times this transaction has updated site_state's row."""
    return int(
        db.session.execute(
            text("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'site_state'")
        ).scalar_one()
    )


@pytest.fixture
def postgresql_app(app: Flask) -> Flask:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite's row triggers update site_state in place")
    return app


def test_an_import_raises_the_content_version_once(postgresql_app: Flask, tmp_path: Path) -> None:
    source = tmp_path / "statements.json"
    write_file(source, 250)
    seen: list[tuple[int, str]] = []

    def during(_done: int) -> None:
        compression = db.session.execute(text("SHOW default_toast_compression")).scalar_one()
        seen.append((site_state_updates_in_transaction(), compression))

    with postgresql_app.app_context():
        before = content_version()
        # The counter covers the transaction, which the fixture's writes may
        # have begun: what the import adds to it is what counts.
        already = site_state_updates_in_transaction()
        statement_import.import_statement_file(
            lambda: source.open("rb"), supported_languages(), progress=during
        )
        assert content_version() == before + 1
        # The trigger works again for the next change, made by anyone.
        db.session.execute(text("UPDATE statements SET version = version WHERE id = 1"))
        db.session.commit()
        assert content_version() == before + 2
    # Three batches of 100, and not one rise of the version while they were
    # written (there were 1,000 rows, so 1,000 rises before).
    assert len(seen) == 3
    assert [updates - already for updates, _compression in seen] == [0, 0, 0]
    lz4 = {compression for _updates, compression in seen} == {"lz4"}
    with postgresql_app.app_context():
        available = db.session.execute(
            text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        ).scalar_one()
        # The setting ended with the import's transaction.
        after = db.session.execute(text("SHOW default_toast_compression")).scalar_one()
        assert (
            after
            == db.session.execute(
                text("SELECT boot_val FROM pg_settings WHERE name = 'default_toast_compression'")
            ).scalar_one()
        )
    assert lz4 == available


def test_a_failed_import_leaves_the_version_and_the_trigger_as_they_were(
    postgresql_app: Flask, tmp_path: Path
) -> None:
    source = tmp_path / "statements.json"
    write_file(source, 250)

    def fail_midway(done: int) -> None:
        if done >= 100:
            raise KeyboardInterrupt

    with postgresql_app.app_context():
        before = content_version()
        with pytest.raises(KeyboardInterrupt):
            statement_import.import_statement_file(
                lambda: source.open("rb"), supported_languages(), progress=fail_midway
            )
        assert content_version() == before
        held = text("SELECT current_setting('ist.bulk_write', true)")
        assert db.session.execute(held).scalar_one() in (None, "", "off")
        db.session.execute(text("UPDATE statements SET version = version WHERE id = 1"))
        db.session.commit()
        assert content_version() == before + 1


def test_a_bad_file_raises_nothing(postgresql_app: Flask, tmp_path: Path) -> None:
    source = tmp_path / "statements.json"
    write_file(source, 50, bad_last=True)
    with postgresql_app.app_context():
        before = content_version()
        with pytest.raises(StatementFileError):
            statement_import.import_statement_file(lambda: source.open("rb"), supported_languages())
        assert content_version() == before
