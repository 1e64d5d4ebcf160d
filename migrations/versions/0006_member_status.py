"""members leave instead of being deleted: status (在册/死亡/迁出/婚嫁/分户), date, reason

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        # Every member recorded so far lives in the household: resident.
        batch.add_column(
            sa.Column("status", sa.String(24), nullable=False, server_default="resident")
        )
        batch.add_column(sa.Column("left_on", sa.String(10), nullable=True))
        batch.add_column(sa.Column("left_reason", sa.String(200), nullable=True))
    # The server default only filled the rows there were; the engine writes every field.
    with op.batch_alter_table("member") as batch:
        batch.alter_column("status", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.drop_column("left_reason")
        batch.drop_column("left_on")
        batch.drop_column("status")
