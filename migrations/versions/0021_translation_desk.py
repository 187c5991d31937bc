"""translation desk: drafts beside translations, a version per translation,
and the original's text each translation was made from

Translations saved before keep source_markdown NULL: the desk shows them the
whole original and the old updated_at comparison says whether they are out
of date.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28 19:10:00

"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch copy: the copy would lose the triggers on
    # translations (content version, search index).
    op.add_column(
        "translations", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.add_column("translations", sa.Column("source_markdown", sa.Text(), nullable=True))
    op.add_column(
        "translations",
        sa.Column("text_sha256", sa.String(length=64), server_default="", nullable=False),
    )
    op.add_column("translations", sa.Column("source_sha256", sa.String(length=64), nullable=True))
    _fingerprint_translations()
    op.create_table(
        "translation_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), server_default="", nullable=False),
        sa.Column("slug", sa.String(length=200), server_default="", nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("markdown", sa.Text(), server_default="", nullable=False),
        sa.Column("image_alt", sa.String(length=500), server_default="", nullable=False),
        sa.Column("image_caption", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("image_credit", sa.String(length=300), server_default="", nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("needs_review", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("source_markdown", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_translation_drafts_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_translation_drafts_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_drafts")),
        sa.UniqueConstraint(
            "statement_id", "language", name="uq_translation_drafts_statement_language"
        ),
    )
    with op.batch_alter_table("translation_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_translation_drafts_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_translation_drafts_statement_id"), ["statement_id"], unique=False
        )


def _fingerprint_translations():
    # models.source_text_of and text_fingerprint, as they are at this revision.
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, title, summary, body, body_source FROM translations")
    ).all()
    fingerprints = []
    for row in rows:
        summary = f"{row.summary}\n\n" if row.summary is not None else ""
        body = row.body_source if row.body_source is not None else row.body
        text = f"# {row.title}\n\n{summary}{body}"
        fingerprints.append({"sha": hashlib.sha256(text.encode()).hexdigest(), "id": row.id})
    if fingerprints:
        # One executemany, not a round trip a row.
        bind.execute(
            sa.text("UPDATE translations SET text_sha256 = :sha WHERE id = :id"), fingerprints
        )


def downgrade():
    with op.batch_alter_table("translation_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_translation_drafts_statement_id"))
        batch_op.drop_index(batch_op.f("ix_translation_drafts_author_id"))
    op.drop_table("translation_drafts")
    op.drop_column("translations", "source_sha256")
    op.drop_column("translations", "text_sha256")
    op.drop_column("translations", "source_markdown")
    op.drop_column("translations", "version")
