"""organisations: the member organisations that sign statements

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 10:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Signatories show on statement pages, in feeds and on their own pages.
WATCHED = ("organisations", "organisation_names", "statement_signatories")
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
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("web_address", sa.String(length=500), nullable=True),
        sa.CheckConstraint("name <> ''", name=op.f("ck_organisations_name_not_empty")),
        sa.CheckConstraint("slug <> ''", name=op.f("ck_organisations_slug_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisations_slug")),
    )
    op.create_table(
        "organisation_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_organisation_names_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_names_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_names")),
        sa.UniqueConstraint(
            "organisation_id", "language", name="uq_organisation_names_organisation_language"
        ),
    )
    op.create_index(
        op.f("ix_organisation_names_organisation_id"),
        "organisation_names",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "statement_signatories",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_signatories_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_statement_signatories_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "statement_id", "organisation_id", name=op.f("pk_statement_signatories")
        ),
    )
    op.create_index(
        op.f("ix_statement_signatories_organisation_id"),
        "statement_signatories",
        ["organisation_id"],
        unique=False,
    )
    _add_triggers(WATCHED)


def downgrade():
    _drop_triggers(WATCHED)
    op.drop_index(
        op.f("ix_statement_signatories_organisation_id"), table_name="statement_signatories"
    )
    op.drop_table("statement_signatories")
    op.drop_index(op.f("ix_organisation_names_organisation_id"), table_name="organisation_names")
    op.drop_table("organisation_names")
    op.drop_table("organisations")
