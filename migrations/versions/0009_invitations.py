"""invitations: wave rosters and mailings; random ids for responses and answers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


RANDOM_ID_COLUMNS = (("response", "id"), ("answer", "id"), ("answer", "response_id"))


def upgrade():
    # Responses and answers get random ids (transform.models.survey.random_id) instead of
    # ids in order of arrival; no database sequence numbers them any more.
    for table, column in RANDOM_ID_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.Integer(),
                type_=sa.BigInteger(),
                existing_nullable=False,
                server_default=None,
            )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS response_id_seq")
        op.execute("DROP SEQUENCE IF EXISTS answer_id_seq")
    op.create_table('wave_mailing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reminder_subject', sa.String(length=200), nullable=False),
    sa.Column('reminder_body', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=254), nullable=False),
    sa.Column('link_pattern', sa.String(length=500), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('reminder_days', sa.JSON(), nullable=False),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('delivery_problem', sa.Text(), nullable=True),
    sa.Column('delivery_problem_at', sa.DateTime(), nullable=True),
    sa.Column('closing_counts', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_wave_mailing_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wave_mailing')),
    sa.UniqueConstraint('wave_id', name=op.f('uq_wave_mailing_wave_id'))
    )
    op.create_table('roster_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('token_salt', sa.String(length=64), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'sent', 'refused', name='mail_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('is_reminder_queued', sa.Boolean(), nullable=False),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('refusal', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['survey_link.id'], name=op.f('fk_roster_entry_link_id_survey_link'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_roster_entry_team_id_team'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_roster_entry_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_entry')),
    sa.UniqueConstraint('link_id', name=op.f('uq_roster_entry_link_id')),
    sa.UniqueConstraint('wave_id', 'email', name=op.f('uq_roster_entry_wave_id_email'))
    )
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_entry_wave_id'), ['wave_id'], unique=False)



def downgrade():
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_entry_wave_id'))

    op.drop_table('roster_entry')
    op.drop_table('wave_mailing')
    # Ids drawn at random may not fit an INTEGER: a database with responses keeps them.
    for table, column in reversed(RANDOM_ID_COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
            )
