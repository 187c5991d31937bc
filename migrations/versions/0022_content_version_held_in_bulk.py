"""content version held during a bulk import (PostgreSQL)

Each INSERT that psycopg's executemany sends is a statement of its own, so
the per-statement trigger of migration 0003 raised the content version once
per row an import wrote. Every raise is a new version of site_state's one
row, and within the import's transaction none of them can be pruned: each
next raise walked all those before it, and a 10,000-statement import spent
most of its time there. The trigger now does nothing while the transaction
has set ``ist.bulk_write`` (import_rows.held_content_version), and the
import raises the version once at its end. SQLite's row triggers update the
row in place and are left as they are.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 05:00:00

"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BUMP = "UPDATE site_state SET content_version = content_version + 1 WHERE id = 1"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION bump_content_version() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "IF current_setting('ist.bulk_write', true) = 'on' THEN RETURN NULL; END IF; "
            f"{BUMP}; RETURN NULL; END $$"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION bump_content_version() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
