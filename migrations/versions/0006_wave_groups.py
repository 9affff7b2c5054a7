"""wave groups: each opened wave's team tree frozen; one way of collecting per wave

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00

An opened wave keeps its groups (wave_group): its target teams and their ancestors with
name, parent and headcount as they stood when it opened. Waves opened before this
migration get them from the tree as it stands now, the best record there is, stamped
with the migration's time. A response's team_id is its group's team id and no longer a
foreign key, so that it outlives a merge. A wave collects through links or by import:
waves with only imported responses become import waves, with their first importer.
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TEAM = sa.table(
    'team',
    sa.column('id', sa.Integer),
    sa.column('name', sa.String),
    sa.column('parent_id', sa.Integer),
    sa.column('headcount', sa.Integer),
)
WAVE = sa.table(
    'wave',
    sa.column('id', sa.Integer),
    sa.column('status', sa.String),
    sa.column('collection', sa.String),
    sa.column('importer_id', sa.Integer),
    sa.column('groups_frozen_at', sa.DateTime),
)
WAVE_TEAM = sa.table('wave_team', sa.column('wave_id', sa.Integer), sa.column('team_id', sa.Integer))
RESPONSE = sa.table(
    'response',
    sa.column('wave_id', sa.Integer),
    sa.column('team_id', sa.Integer),
    sa.column('source', sa.String),
)
AUDIT = sa.table(
    'audit_event',
    sa.column('id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('entity', sa.String),
    sa.column('entity_id', sa.Integer),
    sa.column('user_id', sa.Integer),
)
GROUP = sa.table(
    'wave_group',
    sa.column('wave_id', sa.Integer),
    sa.column('team_id', sa.Integer),
    sa.column('parent_team_id', sa.Integer),
    sa.column('name', sa.String),
    sa.column('headcount', sa.Integer),
    sa.column('is_target', sa.Boolean),
)


def upgrade():
    op.create_table('wave_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('parent_team_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('is_target', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_wave_group_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wave_group')),
    sa.UniqueConstraint('wave_id', 'team_id', name=op.f('uq_wave_group_wave_id_team_id'))
    )
    with op.batch_alter_table('wave_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wave_group_wave_id'), ['wave_id'], unique=False)

    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collection', sa.Enum('links', 'import', name='wave_collection', native_enum=False, create_constraint=True), nullable=False, server_default='links'))
        batch_op.add_column(sa.Column('importer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('groups_frozen_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_wave_importer_id_user'), 'user', ['importer_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.alter_column('collection', server_default=None)

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_response_team_id_team'), type_='foreignkey')

    _backfill()


def _backfill() -> None:
    connection = op.get_bind()
    teams = {
        row.id: row for row in connection.execute(
            sa.select(TEAM.c.id, TEAM.c.name, TEAM.c.parent_id, TEAM.c.headcount)
        )
    }
    now = datetime.now(UTC).replace(tzinfo=None)
    waves = connection.execute(sa.select(WAVE.c.id).where(WAVE.c.status != 'draft')).scalars()
    for wave_id in list(waves):
        targets = set(connection.execute(
            sa.select(WAVE_TEAM.c.team_id).where(WAVE_TEAM.c.wave_id == wave_id)
        ).scalars())
        answered = set(connection.execute(
            sa.select(RESPONSE.c.team_id).where(RESPONSE.c.wave_id == wave_id).distinct()
        ).scalars())
        wanted = set()
        for team_id in targets | answered:
            while team_id is not None and team_id in teams and team_id not in wanted:
                wanted.add(team_id)
                team_id = teams[team_id].parent_id
        rows = [
            {
                'wave_id': wave_id,
                'team_id': team_id,
                'parent_team_id': teams[team_id].parent_id,
                'name': teams[team_id].name,
                'headcount': teams[team_id].headcount,
                'is_target': team_id in targets,
            }
            for team_id in sorted(wanted)
        ]
        if rows:
            connection.execute(GROUP.insert(), rows)
        sources = set(connection.execute(
            sa.select(RESPONSE.c.source).where(RESPONSE.c.wave_id == wave_id).distinct()
        ).scalars())
        values = {'groups_frozen_at': now}
        if sources == {'import'}:
            values['collection'] = 'import'
            values['importer_id'] = connection.execute(
                sa.select(AUDIT.c.user_id)
                .where(
                    AUDIT.c.action == 'wave.responses_imported',
                    AUDIT.c.entity == 'wave',
                    AUDIT.c.entity_id == wave_id,
                )
                .order_by(AUDIT.c.id)
                .limit(1)
            ).scalar()
        connection.execute(WAVE.update().where(WAVE.c.id == wave_id).values(**values))


def downgrade():
    connection = op.get_bind()
    known = sa.select(TEAM.c.id)
    connection.execute(RESPONSE.delete().where(RESPONSE.c.team_id.not_in(known)))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_response_team_id_team'), 'team', ['team_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_wave_importer_id_user'), type_='foreignkey')
        batch_op.drop_column('groups_frozen_at')
        batch_op.drop_column('importer_id')
        batch_op.drop_constraint(batch_op.f('ck_wave_wave_collection'), type_='check')
        batch_op.drop_column('collection')

    with op.batch_alter_table('wave_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wave_group_wave_id'))

    op.drop_table('wave_group')
