"""clean control characters: remove from stored text what XML 1.0 forbids

A vertical tab pasted from Word, or a control character that came by import,
made lxml refuse every feed holding that text. The editor and the import now
clean text on its way in; this cleans what was stored before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 08:00:00

"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# A frozen copy of content.clean_text: migrations must not change with the app.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = {"\x0b": "\n", "\x0c": "\n"}
# Slugs are left out: their shape (lower-case letters, digits, hyphens) was always checked.
COLUMNS = ("title", "summary", "body", "body_source", "search_text")


def _clean(text):
    if text is None or _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(lambda found: _BREAKS.get(found.group(), ""), text)


def upgrade():
    connection = op.get_bind()
    columns = ", ".join(COLUMNS)
    assignments = ", ".join(f"{name} = :{name}" for name in COLUMNS)
    # A thousand rows at a time, so a large site's texts are never all in memory;
    # only rows that change are written, so a clean site is only read.
    last_id = 0
    while rows := connection.execute(
        sa.text(f"SELECT id, {columns} FROM translations WHERE id > :last ORDER BY id LIMIT 1000"),
        {"last": last_id},
    ).all():
        changed = []
        for row in rows:
            cleaned = {name: _clean(getattr(row, name)) for name in COLUMNS}
            if any(cleaned[name] != getattr(row, name) for name in COLUMNS):
                changed.append({"id": row.id, **cleaned})
        if changed:
            connection.execute(
                sa.text(f"UPDATE translations SET {assignments} WHERE id = :id"), changed
            )
        last_id = rows[-1].id


def downgrade():
    # What was removed cannot be put back, and nothing needs it.
    pass
