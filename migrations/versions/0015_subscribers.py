"""subscribers: email addresses, the languages and topics each wants, and how often

No content-version triggers: subscribers change no page.

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-28 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "frequency IN ('immediate', 'daily')", name=op.f("ck_subscribers_frequency_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribers")),
        sa.UniqueConstraint("email", name=op.f("uq_subscribers_email")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_subscribers_confirmed_at"), "subscribers", ["confirmed_at"])
    op.create_table(
        "subscriber_languages",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscribers.id"],
            name=op.f("fk_subscriber_languages_subscriber_id_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subscriber_id", "language", name=op.f("pk_subscriber_languages")),
    )
    op.create_index(op.f("ix_subscriber_languages_language"), "subscriber_languages", ["language"])
    op.create_table(
        "subscriber_topics",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscribers.id"],
            name=op.f("fk_subscriber_topics_subscriber_id_subscribers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_subscriber_topics_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subscriber_id", "topic_id", name=op.f("pk_subscriber_topics")),
    )
    op.create_index(op.f("ix_subscriber_topics_topic_id"), "subscriber_topics", ["topic_id"])


def downgrade():
    op.drop_table("subscriber_topics")
    op.drop_table("subscriber_languages")
    op.drop_table("subscribers")
