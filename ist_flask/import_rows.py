"""How an import's rows go into the database fast, inside its one transaction:
many rows an INSERT with their ids known, and the search index filled
directly. statement_import.py decides what to write; this module writes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert, text

from .extensions import db
from .search import SQLITE_INDEX


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
