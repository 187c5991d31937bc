"""activitypub: the actors' keys, their followers, verified remote actors,
activities waiting for a key, and the articles announced

None of these raises the content version: no page shows them.

Revision ID: 0016
Revises: 0013
Create Date: 2026-11-28 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Frozen copies of fediverse_models.URL_MAX_LENGTH and ACTOR_NAME_MAX_LENGTH.
URL = 2048
NAME = 16


def upgrade():
    op.create_table(
        "actor_keys",
        sa.Column("name", sa.String(length=NAME), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_actor_keys")),
    )
    op.create_table(
        "remote_actors",
        sa.Column("key_id", sa.String(length=URL), nullable=False),
        sa.Column("actor_id", sa.String(length=URL), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("inbox", sa.String(length=URL), nullable=False),
        sa.Column("shared_inbox", sa.String(length=URL), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_remote_actors")),
    )
    op.create_index(op.f("ix_remote_actors_actor_id"), "remote_actors", ["actor_id"])
    op.create_table(
        "followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_name", sa.String(length=NAME), nullable=False),
        sa.Column("actor_id", sa.String(length=URL), nullable=False),
        sa.Column("inbox", sa.String(length=URL), nullable=False),
        sa.Column("shared_inbox", sa.String(length=URL), nullable=True),
        sa.Column("followed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_name"],
            ["actor_keys.name"],
            name=op.f("fk_followers_actor_name_actor_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followers")),
        sa.UniqueConstraint("actor_name", "actor_id", name="uq_followers_actor"),
    )
    op.create_index(op.f("ix_followers_actor_name"), "followers", ["actor_name"])
    op.create_table(
        "pending_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_name", sa.String(length=NAME), nullable=False),
        sa.Column("key_id", sa.String(length=URL), nullable=False),
        sa.Column("target", sa.String(length=URL), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_activities")),
    )
    op.create_table(
        "sent_articles",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.String(length=URL), nullable=False),
        sa.PrimaryKeyConstraint("statement_id", "language", name=op.f("pk_sent_articles")),
    )


def downgrade():
    op.drop_table("sent_articles")
    op.drop_table("pending_activities")
    op.drop_index(op.f("ix_followers_actor_name"), table_name="followers")
    op.drop_table("followers")
    op.drop_index(op.f("ix_remote_actors_actor_id"), table_name="remote_actors")
    op.drop_table("remote_actors")
    op.drop_table("actor_keys")
