"""channel events: the translations announced to the channels of reach, and
the deliveries made

Every translation already visible counts as announced, so that upgrading a
site does not announce its whole archive to every hub and subscriber.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 15:30:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "announcements",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("statement_id", "language", name=op.f("pk_announcements")),
    )
    op.create_table(
        "delivered_keys",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_delivered_keys")),
    )
    # 'published' is content.PUBLISHED, frozen here.
    now = sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True))
    op.get_bind().execute(
        sa.text(
            "INSERT INTO announcements (statement_id, language, kind, at) "
            "SELECT t.statement_id, t.language, 'publish', :now FROM translations t "
            "JOIN statements s ON s.id = t.statement_id "
            "WHERE s.status = 'published' AND s.published_at <= :now"
        ).bindparams(now)
    )


def downgrade():
    op.drop_table("delivered_keys")
    op.drop_table("announcements")
