"""content version: a counter that triggers raise on every content change

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 14:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WATCHED = ("statements", "translations", "slug_redirects")
BUMP = "UPDATE site_state SET content_version = content_version + 1 WHERE id = 1"


def upgrade():
    op.create_table(
        "site_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_version", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_state")),
    )
    op.execute("INSERT INTO site_state (id, content_version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        # Once per statement, not per row: a bulk import bumps the version once.
        op.execute(
            "CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_bump_content_version "
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version()"
            )
    else:
        # SQLite has only row triggers, one per event.
        for table in WATCHED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_{event.lower()}_bump_content_version "
                    f"AFTER {event} ON {table} BEGIN {BUMP}; END"
                )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_bump_content_version ON {table}")
        op.execute("DROP FUNCTION bump_content_version()")
    else:
        for table in WATCHED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"DROP TRIGGER {table}_{event.lower()}_bump_content_version")
    op.drop_table("site_state")
