"""The county's policy book (口袋书): the first county-wide record type.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:29:48.697944
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('policy',
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('standard', sa.String(length=2000), nullable=True),
    sa.Column('eligible', sa.String(length=1000), nullable=True),
    sa.Column('how_to_apply', sa.String(length=1000), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
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
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_policy_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_policy_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['county.code'], name=op.f('fk_policy_village_code_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy'))
    )
    with op.batch_alter_table('policy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_policy_village_code'), ['village_code'], unique=False)
        batch_op.create_index('ix_policy_village_seq', ['village_code', 'seq'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('policy', schema=None) as batch_op:
        batch_op.drop_index('ix_policy_village_seq')
        batch_op.drop_index(batch_op.f('ix_policy_village_code'))
        batch_op.drop_index(batch_op.f('ix_policy_seq'))

    op.drop_table('policy')
