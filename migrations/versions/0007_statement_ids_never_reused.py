"""statement ids never reused: AUTOINCREMENT on SQLite

SQLite gives a new row the largest id plus one, so deleting the newest
statement let the next one take its id, and feed readers then took the new
statement for an edit of the old (entry ids hold the statement id).
AUTOINCREMENT never hands out an id twice. PostgreSQL's sequences never
did. SQLite cannot add it to a table, so the table is rebuilt the way
SQLite's documentation describes (foreign keys are off during migrations,
see env.py), with its indexes and content-version triggers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 10:00:00

"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = "id, published_at, original_language, status, version"
BUMP = "UPDATE site_state SET content_version = content_version + 1 WHERE id = 1"


def _rebuild(primary_key: str) -> None:
    op.execute(
        "CREATE TABLE statements_rebuilt ("
        f"id INTEGER NOT NULL {primary_key}, "
        "published_at DATETIME NOT NULL, "
        "original_language VARCHAR(16) NOT NULL, "
        "status VARCHAR(16) DEFAULT 'published' NOT NULL, "
        "version INTEGER DEFAULT '1' NOT NULL, "
        + ("CONSTRAINT pk_statements PRIMARY KEY (id), " if not primary_key else "")
        + "CONSTRAINT ck_statements_status_known CHECK (status IN ('draft', 'published')))"
    )
    op.execute(f"INSERT INTO statements_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM statements")
    op.execute("DROP TABLE statements")
    op.execute("ALTER TABLE statements_rebuilt RENAME TO statements")
    op.execute("CREATE INDEX ix_statements_published_at ON statements (published_at)")
    op.execute(
        "CREATE INDEX ix_statements_status_published_at ON statements (status, published_at)"
    )
    for event in ("INSERT", "UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER statements_{event.lower()}_bump_content_version "
            f"AFTER {event} ON statements BEGIN {BUMP}; END"
        )


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("PRIMARY KEY AUTOINCREMENT")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("")
