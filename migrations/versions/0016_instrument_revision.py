"""instrument revision: a random stamp drawn anew at every change of an instrument, its
items or its translations, which the respondent page's cache keys on

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 19:45:00

Each existing instrument gets a random revision of its own.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

#: As transform.models.survey.RANDOM_ID_LIMIT.
RANDOM_LIMIT = 2**53


def upgrade():
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.BigInteger(), nullable=True))
    connection = op.get_bind()
    instrument = sa.table('instrument', sa.column('id', sa.Integer), sa.column('revision', sa.BigInteger))
    for (instrument_id,) in connection.execute(sa.select(instrument.c.id)).all():
        connection.execute(
            instrument.update()
            .where(instrument.c.id == instrument_id)
            .values(revision=secrets.randbelow(RANDOM_LIMIT - 1) + 1)
        )
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.alter_column('revision', existing_type=sa.BigInteger(), nullable=False)


def downgrade():
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.drop_column('revision')
