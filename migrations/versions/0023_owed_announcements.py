"""owed announcements: an index of the announcements whose last event the
job queue did not take

An update or delete that the queue could not take (Redis away) used to be
lost: the announcement was already updated or gone. Its row now says
``kind = 'owed'`` instead, and a publish's ``kind = 'untold'`` (before, its
claim was released, and the minute task found it again only within 30 days
of its date); the minute task tells the channels what is true by then. The
index is partial, so it holds only those few rows and an import's hundreds
of thousands of announcements add nothing to it.

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

OWED_OR_UNTOLD = sa.text("kind IN ('owed', 'untold')")


def upgrade():
    op.create_index(
        "ix_announcements_owed",
        "announcements",
        ["at"],
        sqlite_where=OWED_OR_UNTOLD,
        postgresql_where=OWED_OR_UNTOLD,
    )


def downgrade():
    op.drop_index("ix_announcements_owed", table_name="announcements")
    # What was owed is told as it was before this revision: an update or a
    # delete not at all (the rows stay announced, as their last queued event
    # said), a publish by the minute task within 30 days of its date.
    op.execute("UPDATE announcements SET kind = 'update' WHERE kind = 'owed'")
    op.execute("DELETE FROM announcements WHERE kind = 'untold'")
