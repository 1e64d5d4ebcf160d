"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 04:57:44.228588
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_TABLES = ["household", "member", "visit", "condition_map", "map_element", "spot_check"]


def upgrade() -> None:
    
    op.create_table('change_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_counter'))
    )
    op.create_table('county',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_county'))
    )
    op.create_table('record_conflict',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stored', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('incoming', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_conflict'))
    )
    with op.batch_alter_table('record_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_conflict_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_conflict_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_conflict_village_code'), ['village_code'], unique=False)

    op.create_table('record_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('changed', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('op', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('op_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('recorded_at_corrected', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_skew_s', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_history')),
    sa.UniqueConstraint('type', 'record_id', 'version', name=op.f('uq_record_history_type'))
    )
    with op.batch_alter_table('record_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_history_village_code'), ['village_code'], unique=False)

    op.create_table('sync_op',
    sa.Column('op_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('batch_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('op_id', name=op.f('pk_sync_op'))
    )
    with op.batch_alter_table('sync_op', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_op_user_id'), ['user_id'], unique=False)

    op.create_table('township',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('county_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['county.code'], name=op.f('fk_township_county_code_county')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_township'))
    )
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_township_county_code'), ['county_code'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('county_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('county_wide', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['county.code'], name=op.f('fk_user_county_code_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    op.create_table('device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_skew_s', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_device_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device')),
    sa.UniqueConstraint('user_id', 'device_id', name=op.f('uq_device_user_id'))
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_user_id'), ['user_id'], unique=False)

    op.create_table('user_township',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('township_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['township.code'], name=op.f('fk_user_township_township_code_township')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_township_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'township_code', name=op.f('pk_user_township'))
    )
    op.create_table('village',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('township_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('is_poor', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['township.code'], name=op.f('fk_village_township_code_township')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_village'))
    )
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_township_code'), ['township_code'], unique=False)

    op.create_table('condition_map',
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('group_code', sa.String(length=15), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_condition_map_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_condition_map_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_condition_map_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_condition_map'))
    )
    with op.batch_alter_table('condition_map', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_condition_map_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_condition_map_village_code'), ['village_code'], unique=False)

    op.create_table('household',
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('group_code', sa.String(length=15), nullable=True),
    sa.Column('head_name', sa.String(length=50), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('poverty_category', sa.String(length=24), nullable=False),
    sa.Column('poverty_status', sa.String(length=24), nullable=False),
    sa.Column('causes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('income_per_head', sa.Integer(), nullable=True),
    sa.Column('pairing_cadre', sa.String(length=50), nullable=True),
    sa.Column('relocated', sa.Boolean(), nullable=False),
    sa.Column('relief_loan', sa.Boolean(), nullable=False),
    sa.Column('measures', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('remark', sa.String(length=1000), nullable=True),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_household_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_household_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_household_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_village_code'), ['village_code'], unique=False)

    op.create_table('map_element',
    sa.Column('map_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('pen', sa.String(length=24), nullable=True),
    sa.Column('points', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('x', sa.Integer(), nullable=True),
    sa.Column('y', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=100), nullable=True),
    sa.Column('household_id', sa.String(length=36), nullable=True),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_map_element_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_map_element_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_map_element_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_map_element'))
    )
    with op.batch_alter_table('map_element', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_map_element_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_map_element_village_code'), ['village_code'], unique=False)

    op.create_table('member',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('relation', sa.String(length=24), nullable=False),
    sa.Column('sex', sa.String(length=24), nullable=True),
    sa.Column('birth_date', sa.String(length=10), nullable=True),
    sa.Column('health', sa.String(length=24), nullable=True),
    sa.Column('labour', sa.String(length=24), nullable=True),
    sa.Column('schooling', sa.String(length=24), nullable=True),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_member_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_member_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_member_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member'))
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_village_code'), ['village_code'], unique=False)

    op.create_table('refresh_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_pk', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['device_pk'], ['device.id'], name=op.f('fk_refresh_token_device_pk_device')),
    sa.ForeignKeyConstraint(['parent_id'], ['refresh_token.id'], name=op.f('fk_refresh_token_parent_id_refresh_token')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_token_token_hash'))
    )
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_token_device_pk'), ['device_pk'], unique=False)

    op.create_table('spot_check',
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=True),
    sa.Column('checked_at', sa.String(length=40), nullable=False),
    sa.Column('reached', sa.Boolean(), nullable=False),
    sa.Column('on_post', sa.Boolean(), nullable=True),
    sa.Column('back_on_post', sa.Boolean(), nullable=True),
    sa.Column('studied_documents', sa.Boolean(), nullable=True),
    sa.Column('talks_held', sa.Integer(), nullable=True),
    sa.Column('recent_work', sa.String(length=1000), nullable=True),
    sa.Column('remark', sa.String(length=1000), nullable=True),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('checked_at_corrected', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_skew_s', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_spot_check_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_spot_check_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_spot_check_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check'))
    )
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_check_village_code'), ['village_code'], unique=False)

    op.create_table('user_village',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_village_user_id_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_user_village_village_code_village')),
    sa.PrimaryKeyConstraint('user_id', 'village_code', name=op.f('pk_user_village'))
    )
    op.create_table('villager_group',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_villager_group_village_code_village')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_villager_group'))
    )
    with op.batch_alter_table('villager_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_villager_group_village_code'), ['village_code'], unique=False)

    op.create_table('visit',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('occurred_at', sa.String(length=40), nullable=False),
    sa.Column('gps', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('needs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('follow_up_on', sa.String(length=10), nullable=True),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('occurred_at_corrected', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_skew_s', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_visit_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_visit_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_visit_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_occurred_at_corrected'), ['occurred_at_corrected'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_village_code'), ['village_code'], unique=False)

    # Pulls read "changes since seq in these villages": one index serves that per village.
    for table in RECORD_TABLES:
        op.create_index(f"ix_{table}_village_seq", table, ["village_code", "seq"])
    op.create_index("ix_household_group_code", "household", ["group_code"])
    op.create_index("ix_member_household_id", "member", ["household_id"])
    op.create_index("ix_visit_household_id", "visit", ["household_id"])
    op.create_index("ix_map_element_map_id", "map_element", ["map_id"])
    op.create_index("ix_record_history_record", "record_history", ["record_id", "version"])
    op.bulk_insert(
        sa.table("change_counter", sa.column("id", sa.Integer), sa.column("value", sa.BigInteger)),
        [{"id": 1, "value": 0}],
    )


def downgrade() -> None:
    for table in RECORD_TABLES:
        op.drop_index(f"ix_{table}_village_seq", table_name=table)
    op.drop_index("ix_household_group_code", table_name="household")
    op.drop_index("ix_member_household_id", table_name="member")
    op.drop_index("ix_visit_household_id", table_name="visit")
    op.drop_index("ix_map_element_map_id", table_name="map_element")
    op.drop_index("ix_record_history_record", table_name="record_history")
    
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_village_code'))
        batch_op.drop_index(batch_op.f('ix_visit_seq'))
        batch_op.drop_index(batch_op.f('ix_visit_occurred_at_corrected'))

    op.drop_table('visit')
    with op.batch_alter_table('villager_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_villager_group_village_code'))

    op.drop_table('villager_group')
    op.drop_table('user_village')
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_village_code'))
        batch_op.drop_index(batch_op.f('ix_spot_check_seq'))

    op.drop_table('spot_check')
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_token_device_pk'))

    op.drop_table('refresh_token')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_village_code'))
        batch_op.drop_index(batch_op.f('ix_member_seq'))

    op.drop_table('member')
    with op.batch_alter_table('map_element', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_map_element_village_code'))
        batch_op.drop_index(batch_op.f('ix_map_element_seq'))

    op.drop_table('map_element')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_village_code'))
        batch_op.drop_index(batch_op.f('ix_household_seq'))

    op.drop_table('household')
    with op.batch_alter_table('condition_map', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_condition_map_village_code'))
        batch_op.drop_index(batch_op.f('ix_condition_map_seq'))

    op.drop_table('condition_map')
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_village_township_code'))

    op.drop_table('village')
    op.drop_table('user_township')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_user_id'))

    op.drop_table('device')
    op.drop_table('user')
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_township_county_code'))

    op.drop_table('township')
    with op.batch_alter_table('sync_op', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_op_user_id'))

    op.drop_table('sync_op')
    with op.batch_alter_table('record_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_history_village_code'))

    op.drop_table('record_history')
    with op.batch_alter_table('record_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_conflict_village_code'))
        batch_op.drop_index(batch_op.f('ix_record_conflict_status'))
        batch_op.drop_index(batch_op.f('ix_record_conflict_record_id'))

    op.drop_table('record_conflict')
    op.drop_table('county')
    op.drop_table('change_counter')
    
