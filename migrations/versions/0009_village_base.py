"""The village information base (小康信息库): the county's indicators, villages' values.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 13:38:44.907800
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicator",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("group", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=True),
        sa.Column(
            "options", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("rule", sa.String(length=24), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column(
            "met_options", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("shihao", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_device", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("updated_device", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_indicator_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user.id"], name=op.f("fk_indicator_updated_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["village_code"], ["county.code"], name=op.f("fk_indicator_village_code_county")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
    )
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_seq"), ["seq"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_indicator_village_code"), ["village_code"], unique=False
        )
        batch_op.create_index("ix_indicator_village_seq", ["village_code", "seq"], unique=False)

    op.create_table(
        "indicator_value",
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(length=36), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("value_number", sa.Float(), nullable=True),
        sa.Column("value_yes", sa.Boolean(), nullable=True),
        sa.Column("value_text", sa.String(length=200), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_device", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("updated_device", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_indicator_value_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user.id"], name=op.f("fk_indicator_value_updated_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["village_code"], ["village.code"], name=op.f("fk_indicator_value_village_code_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index("ix_indicator_value_indicator_id", ["indicator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_indicator_value_seq"), ["seq"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_indicator_value_village_code"), ["village_code"], unique=False
        )
        batch_op.create_index(
            "ix_indicator_value_village_seq", ["village_code", "seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_value_village_seq")
        batch_op.drop_index(batch_op.f("ix_indicator_value_village_code"))
        batch_op.drop_index(batch_op.f("ix_indicator_value_seq"))
        batch_op.drop_index("ix_indicator_value_indicator_id")

    op.drop_table("indicator_value")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_village_seq")
        batch_op.drop_index(batch_op.f("ix_indicator_village_code"))
        batch_op.drop_index(batch_op.f("ix_indicator_seq"))

    op.drop_table("indicator")
