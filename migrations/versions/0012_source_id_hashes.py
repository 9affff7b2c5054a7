"""source id hashes: a wave's salt and the salted hashes of survey tools' response ids
already imported into it, to skip them when a grown export is imported again

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 17:05:00

The hashes sit apart from the responses: no column links them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('source_id_hash',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_source_id_hash_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('wave_id', 'id_hash', name=op.f('pk_source_id_hash'))
    )
    op.create_table('source_id_salt',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_source_id_salt_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('wave_id', name=op.f('pk_source_id_salt'))
    )


def downgrade():
    op.drop_table('source_id_salt')
    op.drop_table('source_id_hash')
