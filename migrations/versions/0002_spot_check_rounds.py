"""spot-check rounds

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('spot_check_round',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('county_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('township_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=True),
    sa.Column('township_codes', JSON, nullable=False),
    sa.Column('county_wide', sa.Boolean(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn_by', sa.Integer(), nullable=False),
    sa.Column('cadres', JSON, nullable=False),
    sa.Column('inputs', JSON, nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['county.code'], name=op.f('fk_spot_check_round_county_code_county')),
    sa.ForeignKeyConstraint(['drawn_by'], ['user.id'], name=op.f('fk_spot_check_round_drawn_by_user')),
    sa.ForeignKeyConstraint(['township_code'], ['township.code'], name=op.f('fk_spot_check_round_township_code_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_round'))
    )
    # Indexes of a new table: batch mode on SQLite like every revision here (a plain
    # CREATE INDEX, no table copy, since the table is new).
    with op.batch_alter_table('spot_check_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_round_county_code'), ['county_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_check_round_drawn_at'), ['drawn_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('spot_check_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_round_drawn_at'))
        batch_op.drop_index(batch_op.f('ix_spot_check_round_county_code'))

    op.drop_table('spot_check_round')
