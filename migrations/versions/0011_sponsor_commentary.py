"""sponsor report commentary and headline figures; PMO recommendations on gates and RAID

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commentary', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('headline', sa.JSON(), nullable=True))
    with op.batch_alter_table('gate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation', sa.String(length=500), nullable=True))
    with op.batch_alter_table('raid_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('raid_item', schema=None) as batch_op:
        batch_op.drop_column('recommendation')
    with op.batch_alter_table('gate', schema=None) as batch_op:
        batch_op.drop_column('recommendation')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('headline')
        batch_op.drop_column('commentary')
