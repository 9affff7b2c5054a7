"""report data stamp: the cache key of draft reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_stamp', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_report_data_stamp'), ['data_stamp'], unique=False)


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_data_stamp'))
        batch_op.drop_column('data_stamp')
