"""Visit photos as records (their bytes live in the media directory, by SHA-256)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('photo',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime', sa.String(length=24), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.String(length=40), nullable=False),
    sa.Column('gps', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
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
    sa.Column('taken_at_corrected', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_skew_s', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_photo_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_photo_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_photo_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo'))
    )
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_seq'), ['seq'], unique=False)
        batch_op.create_index('ix_photo_sha256', ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_photo_village_code'), ['village_code'], unique=False)
        batch_op.create_index('ix_photo_village_seq', ['village_code', 'seq'], unique=False)
        batch_op.create_index('ix_photo_visit_id', ['visit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index('ix_photo_visit_id')
        batch_op.drop_index('ix_photo_village_seq')
        batch_op.drop_index(batch_op.f('ix_photo_village_code'))
        batch_op.drop_index('ix_photo_sha256')
        batch_op.drop_index(batch_op.f('ix_photo_seq'))

    op.drop_table('photo')
