"""visits by their author (supervision evidence reads a cadre's visits)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_visit_created_by", "visit", ["created_by"])


def downgrade() -> None:
    op.drop_index("ix_visit_created_by", table_name="visit")
