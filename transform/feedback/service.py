"""Logging feedback and moving follow-ups along; services flush, the request commits."""

from dataclasses import dataclass
from datetime import date

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import (
    Adkar,
    BarrierCategory,
    FeedbackEntry,
    FollowUp,
    FollowUpStatus,
    Programme,
    Resistance,
    User,
)

ENTRY_FIELDS = (
    "team_id",
    "observed_on",
    "observed_stage",
    "sentiment",
    "resistance",
    "barrier",
    "text",
)


@dataclass(frozen=True)
class Observation:
    team_id: int
    observed_on: date
    observed_stage: Adkar
    sentiment: int
    resistance: Resistance
    barrier: BarrierCategory
    text: str
    follow_up_action: str | None = None
    follow_up_owner_id: int | None = None
    follow_up_due_on: date | None = None


def log_feedback(
    programme: Programme, agent: User, observation: Observation, via: str = "web"
) -> FeedbackEntry:
    """Record an observation, and its follow-up (owned by the agent unless named).

    `via` is the source the audit trail records (the API passes its token's name).
    """
    entry = FeedbackEntry(
        programme_id=programme.id,
        team_id=observation.team_id,
        agent_id=agent.id,
        observed_on=observation.observed_on,
        observed_stage=observation.observed_stage,
        sentiment=observation.sentiment,
        resistance=observation.resistance,
        barrier=observation.barrier,
        text=observation.text.strip(),
    )
    if observation.follow_up_action and observation.follow_up_action.strip():
        entry.follow_ups.append(
            FollowUp(
                action=observation.follow_up_action.strip(),
                owner_id=observation.follow_up_owner_id or agent.id,
                due_on=observation.follow_up_due_on,
            )
        )
    db.session.add(entry)
    db.session.flush()
    after = snapshot(entry, *ENTRY_FIELDS)
    record_change("feedback.created", entry, programme.id, None, after, via=via)
    return entry


def set_follow_up_status(follow_up: FollowUp, status: FollowUpStatus, programme_id: int) -> None:
    before = snapshot(follow_up, "status")
    follow_up.status = status
    db.session.flush()
    record_change(
        "follow_up.updated", follow_up, programme_id, before, snapshot(follow_up, "status")
    )
