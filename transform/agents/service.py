"""Changes to the agent network: each flushes and leaves an audit event; the request commits."""

from datetime import date

from sqlalchemy.exc import IntegrityError

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import AgentAssignment, Programme

AUDITED_FIELDS = ("team_id", "user_id", "assigned_on")


class AlreadyAssigned(Exception):
    """The agent already covers the team in this programme."""


def assign(programme: Programme, agent_id: int, team_id: int, today: date) -> AgentAssignment:
    """Assign a change agent to a team from `today`; AlreadyAssigned if someone was quicker."""
    assignment = AgentAssignment(
        programme_id=programme.id, team_id=team_id, user_id=agent_id, assigned_on=today
    )
    try:
        with db.session.begin_nested():
            db.session.add(assignment)
            db.session.flush()
    except IntegrityError as error:
        raise AlreadyAssigned from error
    record_change(
        "agent.assigned", assignment, programme.id, after=snapshot(assignment, *AUDITED_FIELDS)
    )
    return assignment


def unassign(assignment: AgentAssignment) -> None:
    """End an agent's assignment to a team."""
    record_change(
        "agent.unassigned",
        assignment,
        assignment.programme_id,
        before=snapshot(assignment, *AUDITED_FIELDS),
    )
    db.session.delete(assignment)
    db.session.flush()
