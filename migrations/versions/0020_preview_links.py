"""preview_links: signed, expiring, revocable links to a draft or scheduled statement

No content-version triggers: a preview link changes no public page.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-28 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "preview_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_preview_links_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_preview_links_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preview_links")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_preview_links_statement_id"), "preview_links", ["statement_id"])


def downgrade():
    op.drop_index(op.f("ix_preview_links_statement_id"), table_name="preview_links")
    op.drop_table("preview_links")
