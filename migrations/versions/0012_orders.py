"""三单制: village branch menus, household orders, party members' claims; party members
and their skills on `member`.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02 13:37:32.542691
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0012'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('branch_item',
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('details', sa.String(length=500), nullable=True),
    sa.Column('skills', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('menu_item_id', sa.String(length=36), nullable=True),
    sa.Column('policy_id', sa.String(length=36), nullable=True),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_branch_item_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_branch_item_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_branch_item_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_item'))
    )
    with op.batch_alter_table('branch_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_item_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_branch_item_village_code'), ['village_code'], unique=False)
        batch_op.create_index('ix_branch_item_village_seq', ['village_code', 'seq'], unique=False)

    op.create_table('household_order',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.String(length=36), nullable=False),
    sa.Column('placed_on', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
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
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_household_order_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_household_order_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_household_order_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_order'))
    )
    with op.batch_alter_table('household_order', schema=None) as batch_op:
        batch_op.create_index('ix_household_order_household_id', ['household_id'], unique=False)
        batch_op.create_index('ix_household_order_item_id', ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_order_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_order_village_code'), ['village_code'], unique=False)
        batch_op.create_index('ix_household_order_village_seq', ['village_code', 'seq'], unique=False)

    op.create_table('order_claim',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('claimed_on', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.String(length=24), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('fulfilled_on', sa.String(length=10), nullable=True),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('confirmed_on', sa.String(length=10), nullable=True),
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
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_order_claim_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_order_claim_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_order_claim_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_claim'))
    )
    with op.batch_alter_table('order_claim', schema=None) as batch_op:
        batch_op.create_index('ix_order_claim_member_id', ['member_id'], unique=False)
        batch_op.create_index('ix_order_claim_order_id', ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_claim_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_claim_village_code'), ['village_code'], unique=False)
        batch_op.create_index('ix_order_claim_village_seq', ['village_code', 'seq'], unique=False)

    with op.batch_alter_table('member', schema=None) as batch_op:
        # Nobody recorded so far is known to be a party member: no, no post, no skills.
        batch_op.add_column(sa.Column('party_member', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('has_post', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('skills', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, server_default='[]'))
    # The server defaults only filled the rows there were; the engine writes every field.
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.alter_column('party_member', server_default=None)
        batch_op.alter_column('has_post', server_default=None)
        batch_op.alter_column('skills', server_default=None)



def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('skills')
        batch_op.drop_column('has_post')
        batch_op.drop_column('party_member')

    with op.batch_alter_table('order_claim', schema=None) as batch_op:
        batch_op.drop_index('ix_order_claim_village_seq')
        batch_op.drop_index(batch_op.f('ix_order_claim_village_code'))
        batch_op.drop_index(batch_op.f('ix_order_claim_seq'))
        batch_op.drop_index('ix_order_claim_order_id')
        batch_op.drop_index('ix_order_claim_member_id')

    op.drop_table('order_claim')
    with op.batch_alter_table('household_order', schema=None) as batch_op:
        batch_op.drop_index('ix_household_order_village_seq')
        batch_op.drop_index(batch_op.f('ix_household_order_village_code'))
        batch_op.drop_index(batch_op.f('ix_household_order_seq'))
        batch_op.drop_index('ix_household_order_item_id')
        batch_op.drop_index('ix_household_order_household_id')

    op.drop_table('household_order')
    with op.batch_alter_table('branch_item', schema=None) as batch_op:
        batch_op.drop_index('ix_branch_item_village_seq')
        batch_op.drop_index(batch_op.f('ix_branch_item_village_code'))
        batch_op.drop_index(batch_op.f('ix_branch_item_seq'))

    op.drop_table('branch_item')
