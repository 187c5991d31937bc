"""stored excerpts: each translation keeps the excerpt listings and feeds show

Every listing and feed parsed each entry's body to cut its excerpt, the
largest part of rendering a front page afresh. The excerpt is now made once
when a translation is written (models._derive_texts and the import); this
fills it for the rows already stored, from their words (search_text, the
body's plain text since migration 0004).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# A frozen copy of content.excerpt_of_text: migrations must not change with the app.
EXCERPT_WORDS = 150
EXCERPT_SLACK = 15
ELLIPSIS = " ..."


def _excerpt(text, summary):
    if summary and summary.strip():
        return " ".join(summary.split())
    words = (text or "").split(" ")
    if len(words) <= EXCERPT_WORDS + EXCERPT_SLACK:
        return " ".join(words)
    return " ".join(words[:EXCERPT_WORDS]) + ELLIPSIS


def upgrade():
    op.add_column(
        "translations", sa.Column("excerpt", sa.Text(), server_default="", nullable=False)
    )
    connection = op.get_bind()
    # A thousand rows at a time, so a large site's texts are never all in memory.
    last_id = 0
    while rows := connection.execute(
        sa.text(
            "SELECT id, summary, search_text FROM translations "
            "WHERE id > :last ORDER BY id LIMIT 1000"
        ),
        {"last": last_id},
    ).all():
        connection.execute(
            sa.text("UPDATE translations SET excerpt = :excerpt WHERE id = :id"),
            [{"id": row.id, "excerpt": _excerpt(row.search_text, row.summary)} for row in rows],
        )
        last_id = rows[-1].id


def downgrade():
    op.drop_column("translations", "excerpt")
