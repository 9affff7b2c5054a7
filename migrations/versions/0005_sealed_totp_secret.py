"""sealed totp secret: two-factor secrets stored sealed with a key from SECRET_KEY

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 23:55:00

Secrets stored in the clear by 0004 are sealed here, so this migration runs inside the
application (`flask db upgrade`), whose SECRET_KEY seals them; downgrading opens them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

USER = sa.table('user', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(USER.c.id, USER.c.totp_secret).where(USER.c.totp_secret.is_not(None))
    ).all()
    for user_id, secret in rows:
        connection.execute(
            USER.update().where(USER.c.id == user_id).values(totp_secret=change(secret))
        )


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column(
            'totp_secret',
            existing_type=sa.String(length=64),
            type_=sa.String(length=255),
            existing_nullable=True,
        )
    from transform.auth.sealed import seal

    _rewrite(seal)


def downgrade():
    from transform.auth.sealed import unseal

    _rewrite(unseal)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column(
            'totp_secret',
            existing_type=sa.String(length=255),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
