"""Drop the indexes others cover: each record table's village_code (the prefix of its
(village_code, seq)), and record_history's (record_id, version) and village_code (every
read of the history names the type and the record: the unique (type, record_id, version)).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The record tables at 0014 (each made with the index). A table added by a later revision
# is made from the models, which no longer declare it.
RECORD_TABLES = (
    "household",
    "member",
    "visit",
    "condition_map",
    "map_element",
    "spot_check",
    "measure",
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
        op.drop_index(f"ix_{table}_village_code", table_name=table)
    op.drop_index("ix_record_history_record", table_name="record_history")
    op.drop_index("ix_record_history_village_code", table_name="record_history")


def downgrade() -> None:
    op.create_index("ix_record_history_village_code", "record_history", ["village_code"])
    op.create_index("ix_record_history_record", "record_history", ["record_id", "version"])
    for table in RECORD_TABLES:
        op.create_index(f"ix_{table}_village_code", table, ["village_code"])
