"""roles: admin, editor or translator, and a translator's languages

Every maintainer before roles becomes an admin: they could do everything.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), server_default="admin", nullable=False)
        )
        batch_op.add_column(
            sa.Column("may_publish", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_users_role_known"), "role IN ('admin', 'editor', 'translator')"
        )
    op.create_table(
        "user_languages",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_languages_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "language", name=op.f("pk_user_languages")),
    )


def downgrade():
    op.drop_table("user_languages")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_known"), type_="check")
        batch_op.drop_column("may_publish")
        batch_op.drop_column("role")
