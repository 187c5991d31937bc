"""topics: named, per-language groups of statements, with pages and feeds

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Readers see topics on pages and feeds: every change raises the content
# version, as migration 0003 does for statements.
WATCHED = ("topics", "topic_names", "statement_topics")
BUMP = "UPDATE site_state SET content_version = content_version + 1 WHERE id = 1"


def _add_triggers(tables):
    if op.get_bind().dialect.name == "postgresql":
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {table}_bump_content_version "
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version()"
            )
        return
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_bump_content_version "
                f"AFTER {event} ON {table} BEGIN {BUMP}; END"
            )


def _drop_triggers(tables):
    if op.get_bind().dialect.name == "postgresql":
        for table in tables:
            op.execute(f"DROP TRIGGER {table}_bump_content_version ON {table}")
        return
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER {table}_{event.lower()}_bump_content_version")


def upgrade():
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
    )
    op.create_table(
        "topic_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_topic_names_name_not_empty")),
        sa.CheckConstraint("slug <> ''", name=op.f("ck_topic_names_slug_not_empty")),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_topic_names_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_names")),
        sa.UniqueConstraint("language", "slug", name="uq_topic_names_language_slug"),
        sa.UniqueConstraint("topic_id", "language", name="uq_topic_names_topic_language"),
    )
    op.create_index(op.f("ix_topic_names_topic_id"), "topic_names", ["topic_id"], unique=False)
    op.create_table(
        "statement_topics",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_topics_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_statement_topics_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", "topic_id", name=op.f("pk_statement_topics")),
    )
    op.create_index(
        op.f("ix_statement_topics_topic_id"), "statement_topics", ["topic_id"], unique=False
    )
    _add_triggers(WATCHED)


def downgrade():
    _drop_triggers(WATCHED)
    op.drop_index(op.f("ix_statement_topics_topic_id"), table_name="statement_topics")
    op.drop_table("statement_topics")
    op.drop_index(op.f("ix_topic_names_topic_id"), table_name="topic_names")
    op.drop_table("topic_names")
    op.drop_table("topics")
