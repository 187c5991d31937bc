"""lead images: cleaned originals, their renditions, one per statement, and
what the image says in each language

Images live in the database, so that every process on every machine reads
them the same way. New tables raise the content version like the others
(migration 0003): pages show these images.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

WATCHED = ("images", "renditions", "statement_images")
BUMP = "UPDATE site_state SET content_version = content_version + 1 WHERE id = 1"
# Frozen copies of images.ALT_MAX_LENGTH and its siblings.
TEXT_COLUMNS = (("image_alt", 500), ("image_caption", 1000), ("image_credit", 300))


def upgrade():
    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
        sa.UniqueConstraint("sha256", name=op.f("uq_images_sha256")),
    )
    op.create_table(
        "renditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["image_id"],
            ["images.id"],
            name=op.f("fk_renditions_image_id_images"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renditions")),
        sa.UniqueConstraint("image_id", "width", "media_type", name="uq_renditions_image_size"),
    )
    op.create_table(
        "statement_images",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["image_id"], ["images.id"], name=op.f("fk_statement_images_image_id_images")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_images_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_statement_images")),
    )
    op.create_index(
        op.f("ix_statement_images_image_id"), "statement_images", ["image_id"], unique=False
    )
    for name, length in TEXT_COLUMNS:
        op.add_column("translations", sa.Column(name, sa.String(length=length), nullable=True))
    _create_triggers()


def _create_triggers():
    if op.get_bind().dialect.name == "postgresql":
        # bump_content_version() is migration 0003's.
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
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_bump_content_version ON {table}")
    else:
        for table in WATCHED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"DROP TRIGGER {table}_{event.lower()}_bump_content_version")
    for name, _length in reversed(TEXT_COLUMNS):
        op.drop_column("translations", name)
    op.drop_index(op.f("ix_statement_images_image_id"), table_name="statement_images")
    op.drop_table("statement_images")
    op.drop_table("renditions")
    op.drop_table("images")
