"""How an import's rows go into the database fast, inside its one transaction:
many rows an INSERT with their ids known, and the search index filled
directly. statement_import.py decides what to write; this module writes it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, insert, text, update
from sqlalchemy.exc import OperationalError

from .extensions import SQLITE_BUSY_TIMEOUT_MS, db
from .models import SiteState
from .search import SQLITE_INDEX

# The file size (bytes) from which an import switches SQLite's journal
# (below): under it the WAL's second write costs less than the switch, and
# the demo content and the editor's small files leave the caller's
# connections alone.
JOURNAL_FROM = 512 * 1024


@contextmanager
def journal_for_bulk_writes(size: int) -> Iterator[None]:
    """Around the writes of an import of a file of ``size`` bytes: on SQLite, a
    rollback journal instead of the WAL while no other connection has the
    database open.

    Through the WAL every page of an import is written twice, to the log and
    again when the log is copied into the database: a quarter of the import's
    time at 10,000 statements. A rollback journal holds only the pages that
    existed before, so new ones are written once. But while it is in use a
    writer keeps readers out, and SQLite leaves the WAL only for the one
    connection that has the database open: with the server (or anything else)
    reading, the import stays in the WAL. Either way a failed import leaves
    the database as it was, and the WAL is back before this returns."""
    session = db.session
    if (
        db.engine.dialect.name != "sqlite"
        or size < JOURNAL_FROM
        or session.new
        or session.dirty
        or session.deleted
    ):
        yield
        return
    # The session's reads so far hold a connection, and this process's pool
    # keeps others open: each counts as another reader.
    session.rollback()
    db.engine.dispose()
    alone = _rollback_journal_if_alone()
    try:
        yield
    finally:
        if alone:
            session.rollback()  # after the commit, nothing; after a failure, the rest
            session.execute(text("PRAGMA journal_mode=WAL"))
            session.commit()


def _rollback_journal_if_alone() -> bool:
    """Ask SQLite for a rollback journal; whether it gave one. Where another
    connection has the database open it refuses by failing on the lock,
    which is not worth waiting for."""
    session = db.session
    session.execute(text("PRAGMA busy_timeout=0"))
    try:
        return session.execute(text("PRAGMA journal_mode=DELETE")).scalar() == "delete"
    except OperationalError:
        return False
    finally:
        session.execute(text(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"))


def inserted_ids(table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``table``; their ids, in the same order."""
    if not rows:
        return []
    if db.engine.dialect.name != "sqlite":
        # PostgreSQL returns the ids of a multi-row INSERT in order.
        returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(db.session.scalars(returning, rows))
    # SQLite does not promise RETURNING's order, so SQLAlchemy sent one INSERT
    # a row for it. The ids are given instead: the next ones SQLite would have
    # chosen. The import's transaction holds the only write lock from its
    # first INSERT, and a clash would fail on the primary key, never pass.
    first = _next_sqlite_id(table)
    ids = list(range(first, first + len(rows)))
    db.session.execute(insert(table), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def _next_sqlite_id(table: Table) -> int:
    """The id SQLite would give the next row of ``table``: past its largest,
    and for an AUTOINCREMENT table past any it ever gave (sqlite_sequence)."""
    largest = db.session.execute(text(f"SELECT max(id) FROM {table.name}")).scalar() or 0
    if table.dialect_options["sqlite"].get("autoincrement"):
        given = db.session.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        ).scalar()
        largest = max(largest, given or 0)
    return int(largest) + 1


class SearchIndex:
    """SQLite's search index (migration 0008) during an import: filled with
    the stems the import prepared, in its own process or beside it, instead
    of by the trigger, which would stem every text again in this one. The
    trigger is dropped inside the import's transaction and made again from
    its own SQL before the commit, so a failed import leaves it as it was."""

    TRIGGER = "translations_search_insert"

    def __init__(self, trigger_sql: str) -> None:
        self.trigger_sql = trigger_sql
        self.suspended = False

    @classmethod
    def of_database(cls) -> SearchIndex | None:
        if db.engine.dialect.name != "sqlite":
            return None  # PostgreSQL's index is a generated column: nothing to do
        sql = db.session.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": cls.TRIGGER},
        ).scalar()
        return cls(sql) if sql else None

    def suspend(self) -> None:
        """Drop the trigger: only after a first insert, which begins the
        import's transaction (SQLite's own DDL does not)."""
        if not self.suspended:
            db.session.execute(text(f"DROP TRIGGER {self.TRIGGER}"))
            self.suspended = True

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Index ``rows`` ({"rowid", "title", "body"}: stems)."""
        db.session.execute(
            text(f"INSERT INTO {SQLITE_INDEX}(rowid, title, body) VALUES (:rowid, :title, :body)"),
            rows,
        )

    def resume(self) -> None:
        if self.suspended:
            db.session.execute(text(self.trigger_sql))
            self.suspended = False


# The setting that PostgreSQL's content-version trigger reads (migration 0022).
BULK_WRITE_SETTING = "ist.bulk_write"


@contextmanager
def bulk_write_settings() -> Iterator[None]:
    """Around an import's writes, inside its transaction, on PostgreSQL: the
    content version's trigger holds off, and the version rises once at the
    end, before the commit; and long texts are compressed with LZ4.

    psycopg's executemany sends each row as a statement of its own, which
    fired the per-statement trigger once a row; each rise left a version of
    site_state's row that nothing can prune until the commit, so each next
    rise walked them all, and an import slowed as it went. pglz compressing
    bodies and search texts was a sixth of the server's time, where LZ4
    costs a fraction (it is PostgreSQL 14's other choice, when built with
    it). Both settings end with the transaction, on failure too."""
    if db.engine.dialect.name != "postgresql":
        yield  # SQLite's row triggers update their row in place
        return
    setting = text("SELECT set_config(:name, :value, true)")
    db.session.execute(setting, {"name": BULK_WRITE_SETTING, "value": "on"})
    if db.session.execute(
        text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    ).scalar():
        db.session.execute(setting, {"name": "default_toast_compression", "value": "lz4"})
    yield
    db.session.execute(setting, {"name": BULK_WRITE_SETTING, "value": "off"})
    db.session.execute(
        update(SiteState)
        .where(SiteState.id == 1)
        .values(content_version=SiteState.content_version + 1)
    )
