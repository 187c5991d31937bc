"""owed announcements: an index of the announcements whose last event the
job queue did not take

An update or delete that the queue could not take (Redis away) used to be
lost: the announcement was already updated or gone. Its row now says
``kind = 'owed'`` instead, and the minute task tells the channels what is
true by then. The index is partial, so it holds only those few rows and an
import's hundreds of thousands of announcements add nothing to it.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

OWED = sa.text("kind = 'owed'")


def upgrade():
    op.create_index(
        "ix_announcements_owed",
        "announcements",
        ["at"],
        sqlite_where=OWED,
        postgresql_where=OWED,
    )


def downgrade():
    op.drop_index("ix_announcements_owed", table_name="announcements")
    # What was owed is told as it was before this revision: not at all. The
    # rows stay announced, as their last queued event said.
    op.execute("UPDATE announcements SET kind = 'update' WHERE kind = 'owed'")
