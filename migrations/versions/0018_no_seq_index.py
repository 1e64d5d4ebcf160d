"""Drop each record table's index on ``seq`` alone: every read of changes names the villages
(``(village_code, seq)`` serves it, backend/sync/pull.py), so it served no query, and it cost
every push two index writes a changed record (the old number out, the new one in).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The record tables at 0017, each made with the index.
RECORD_TABLES = (
    "household",
    "member",
    "visit",
    "condition_map",
    "map_element",
    "spot_check",
    "measure",
    "measure_photo",
    "policy",
    "indicator",
    "indicator_value",
    "menu_item",
    "branch_item",
    "household_order",
    "order_claim",
    "loan",
    "loan_dividend",
    "photo",
)


def upgrade() -> None:
    for table in RECORD_TABLES:
        op.drop_index(f"ix_{table}_seq", table_name=table)


def downgrade() -> None:
    for table in RECORD_TABLES:
        op.create_index(f"ix_{table}_seq", table, ["seq"])
