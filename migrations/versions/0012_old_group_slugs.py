"""old group slugs: a topic's or an organisation's earlier addresses redirect

Published URLs never break: when a maintainer changes a topic's slug in a
language, or an organisation's slug, the old address answers with a 301 to
the new one, as slug_redirects does for statements.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

WATCHED = ("topic_old_slugs", "organisation_old_slugs")
BUMP = "UPDATE site_state SET content_version = content_version + 1 WHERE id = 1"


def upgrade():
    op.create_table(
        "topic_old_slugs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"],
            name=op.f("fk_topic_old_slugs_topic_id_topics"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_old_slugs")),
        sa.UniqueConstraint("language", "slug", name="uq_topic_old_slugs_language_slug"),
    )  # fmt: skip
    op.create_index(op.f("ix_topic_old_slugs_topic_id"), "topic_old_slugs", ["topic_id"])
    op.create_table(
        "organisation_old_slugs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_organisation_old_slugs_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_old_slugs")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisation_old_slugs_slug")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_organisation_old_slugs_organisation_id"),
        "organisation_old_slugs",
        ["organisation_id"],
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_bump_content_version "
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version()"
            )
    else:
        for table in WATCHED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_{event.lower()}_bump_content_version "
                    f"AFTER {event} ON {table} BEGIN {BUMP}; END"
                )


def downgrade():
    # The triggers go with their tables, on both databases.
    op.drop_index(op.f("ix_organisation_old_slugs_organisation_id"), "organisation_old_slugs")
    op.drop_table("organisation_old_slugs")
    op.drop_index(op.f("ix_topic_old_slugs_topic_id"), "topic_old_slugs")
    op.drop_table("topic_old_slugs")
