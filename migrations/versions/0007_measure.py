"""一户一策 measures as records of their own: what, who, how much, by when, progress, result

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('measure',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('owner', sa.String(length=50), nullable=True),
    sa.Column('funds', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('done_on', sa.String(length=10), nullable=True),
    sa.Column('result', sa.String(length=500), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_measure_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_measure_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_measure_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index('ix_measure_household_id', ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_village_code'), ['village_code'], unique=False)
        batch_op.create_index('ix_measure_village_seq', ['village_code', 'seq'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_village_seq')
        batch_op.drop_index(batch_op.f('ix_measure_village_code'))
        batch_op.drop_index(batch_op.f('ix_measure_seq'))
        batch_op.drop_index('ix_measure_household_id')

    op.drop_table('measure')
