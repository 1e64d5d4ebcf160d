"""who exported what, when, and whether with whole ID numbers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("county_code", sa.String(6), sa.ForeignKey("county.code"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.Column("device_pk", sa.Integer(), sa.ForeignKey("device.id"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("township_code", sa.String(9), nullable=True),
        sa.Column("village_code", sa.String(12), nullable=True),
        sa.Column("id_numbers_whole", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_export_log_user_id", "export_log", ["user_id"])
    op.create_index("ix_export_log_at", "export_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_export_log_at", table_name="export_log")
    op.drop_index("ix_export_log_user_id", table_name="export_log")
    op.drop_table("export_log")
