"""Logging feedback and moving follow-ups along; services flush, the request commits."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

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


FOLLOW_UP_FIELDS = ("action", "owner_id", "due_on", "status", "external_ref")


class RefTaken(ValueError):
    """Another follow-up of the programme already has this ticket key."""


@dataclass(frozen=True)
class FollowUpDraft:
    """A follow-up's values as a ticket sync sends them, already validated."""

    action: str
    owner_id: int | None
    due_on: date | None
    status: FollowUpStatus
    external_ref: str | None


def add_follow_up(entry: FeedbackEntry, draft: FollowUpDraft, via: str = "web") -> FollowUp:
    """A follow-up action on a feedback entry; audited as the entry's programme's."""
    _check_ref(entry.programme_id, draft.external_ref, None)
    follow_up = FollowUp(entry_id=entry.id, **_follow_up_values(draft))
    db.session.add(follow_up)
    db.session.flush()
    after = snapshot(follow_up, *FOLLOW_UP_FIELDS)
    record_change("follow_up.created", follow_up, entry.programme_id, None, after, via=via)
    return follow_up


def update_follow_up(follow_up: FollowUp, draft: FollowUpDraft, via: str = "web") -> FollowUp:
    """Change a follow-up; its version column refuses the write if someone saved first."""
    programme_id = follow_up.entry.programme_id
    _check_ref(programme_id, draft.external_ref, follow_up.id)
    before = snapshot(follow_up, *FOLLOW_UP_FIELDS)
    for name, value in _follow_up_values(draft).items():
        setattr(follow_up, name, value)
    after = snapshot(follow_up, *FOLLOW_UP_FIELDS)
    if after != before:
        db.session.flush()
        record_change("follow_up.updated", follow_up, programme_id, before, after, via=via)
    return follow_up


def _follow_up_values(draft: FollowUpDraft) -> dict:
    return {
        "action": draft.action.strip(),
        "owner_id": draft.owner_id,
        "due_on": draft.due_on,
        "status": draft.status,
        "external_ref": draft.external_ref,
    }


def _check_ref(programme_id: int, external_ref: str | None, follow_up_id: int | None) -> None:
    if external_ref is None:
        return
    holder = db.session.scalar(
        select(FollowUp.id)
        .join(FeedbackEntry, FeedbackEntry.id == FollowUp.entry_id)
        .where(FeedbackEntry.programme_id == programme_id, FollowUp.external_ref == external_ref)
    )
    if holder is not None and holder != follow_up_id:
        raise RefTaken(f"Follow-up {holder} of this programme already has this reference.")
