"""Changes to the benefits register: each flushes and leaves an audit event; the request
commits. A refused change raises Refused naming the form field it belongs to."""

from dataclasses import dataclass
from datetime import date

from transform import clock
from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import (
    IllegalTransition,
    Initiative,
    InitiativeStage,
    Programme,
    Role,
    SupersededAmount,
    Team,
    ValueEntry,
    ValueKind,
    ValueRebaseline,
    ValueType,
)

AUDITED_FIELDS = ("name", "description", "owner_id", "workstream", "phase_id")


class Refused(ValueError):
    """A change the rules do not allow: a message per form field to show it at."""

    def __init__(self, field: str, message: str, **more: str):
        super().__init__(message)
        self.errors = {field: message, **more}


@dataclass(frozen=True)
class InitiativeDraft:
    name: str
    description: str
    owner_id: int | None
    workstream: str
    phase_id: int | None
    team_ids: tuple[int, ...]


def create_initiative(
    programme: Programme, draft: InitiativeDraft, via: str = "web"
) -> Initiative:
    """Add an initiative to the programme's register, at L0."""
    initiative = Initiative(programme_id=programme.id, stage=InitiativeStage.L0)
    _apply(initiative, draft)
    db.session.add(initiative)
    db.session.flush()
    record_change(
        "initiative.created", initiative, programme.id, after=_audited(initiative), via=via
    )
    return initiative


def update_initiative(
    initiative: Initiative, draft: InitiativeDraft, via: str = "web"
) -> Initiative:
    """Change an initiative's description, owner, grouping and teams."""
    before = _audited(initiative)
    _apply(initiative, draft)
    after = _audited(initiative)
    if after != before:
        db.session.flush()
        record_change(
            "initiative.updated",
            initiative,
            initiative.programme_id,
            before=before,
            after=after,
            via=via,
        )
    return initiative


def move_stage(
    initiative: Initiative, stage: InitiativeStage, role: Role, by_id: int, reason: str
) -> None:
    """Move the initiative to a stage as a decision of the user with this role.

    The PMO moves L0..L4; only a finance approver signs L5 off (or reopens it), and only
    once there are actuals and every one of them is confirmed.
    """
    touches_l5 = InitiativeStage.L5 in (stage, initiative.stage)
    if touches_l5 and role != Role.FINANCE:
        raise Refused("stage", "Only a finance approver signs off (or reopens) L5.")
    if not touches_l5 and role != Role.ADMIN:
        raise Refused("stage", "The PMO moves initiatives between L0 and L4.")
    if stage == InitiativeStage.L5 and initiative.stage == InitiativeStage.L4:
        actuals = [e for e in initiative.entries if e.kind == ValueKind.ACTUAL]
        if not actuals:
            raise Refused("stage", "There are no actuals to sign off yet.")
        if any(not entry.is_confirmed for entry in actuals):
            raise Refused("stage", "Confirm every actual before signing off L5.")
    before = initiative.stage
    try:
        move = initiative.move_to(stage, by_id, reason)
    except IllegalTransition as error:
        field = "reason" if stage.index < before.index else "stage"
        raise Refused(field, str(error)) from error
    db.session.flush()
    record_change(
        "initiative.stage_moved",
        initiative,
        initiative.programme_id,
        before={"stage": before.value},
        after={"stage": stage.value, "reason": move.reason},
    )


@dataclass(frozen=True)
class ValueDraft:
    kind: ValueKind
    value_type: ValueType
    month: date
    amount: float
    reason: str


def record_value(
    initiative: Initiative, draft: ValueDraft, by_id: int, via: str = "web"
) -> ValueEntry:
    """Set one month's amount of a type and kind, under the stage rules (README,
    "Benefits"); a change to the plan from L3 is a re-baseline with its reason."""
    programme = initiative.programme
    month = draft.month.replace(day=1)
    _check_value(initiative, draft, month, programme)
    entry = next(
        (
            e
            for e in initiative.entries
            if e.kind == draft.kind and e.value_type == draft.value_type and e.month == month
        ),
        None,
    )
    if entry is not None and entry.is_confirmed:
        raise Refused("amount", "Finance confirmed this actual; it can no longer change.")
    before = entry.amount if entry is not None else None
    if before == draft.amount:
        return entry
    rebaseline = draft.kind == ValueKind.PLANNED and initiative.stage.plan_is_locked
    if rebaseline and not draft.reason.strip():
        raise Refused(
            "reason",
            "The plan is locked from L3: say why it changes (a re-baseline, kept on record).",
        )
    if entry is None:
        entry = ValueEntry(
            kind=draft.kind, value_type=draft.value_type, month=month, amount=draft.amount
        )
        initiative.entries.append(entry)
    else:
        # Kept so that a report as of a day before this change shows the amount of then.
        entry.superseded.append(
            SupersededAmount(
                amount=before, entered_at=entry.entered_at, entered_by_id=entry.entered_by_id
            )
        )
    entry.amount = draft.amount
    entry.entered_by_id = by_id
    entry.entered_at = clock.utcnow()
    state = {"month": month.isoformat(), "type": draft.value_type.value}
    if rebaseline:
        initiative.rebaselines.append(
            ValueRebaseline(
                changed_by_id=by_id,
                reason=draft.reason.strip(),
                before=state | {"amount": before},
                after=state | {"amount": draft.amount},
            )
        )
    db.session.flush()
    record_change(
        "value.recorded",
        entry,
        programme.id,
        before=None if before is None else state | {"kind": draft.kind.value, "amount": before},
        after=state | {"kind": draft.kind.value, "amount": draft.amount},
        via=via,
    )
    return entry


def _check_value(initiative: Initiative, draft: ValueDraft, month: date, programme) -> None:
    """Refuse the value with every rule it breaks, each at its field."""
    errors = {}
    if draft.amount < 0:
        errors["amount"] = (
            "Enter a cost to achieve as a positive amount."
            if draft.value_type.is_cost
            else "Enter savings and revenue as positive amounts; a cost goes in as "
            "“Cost to achieve”, also positive."
        )
    if month > programme.ends_on or month < programme.starts_on.replace(day=1):
        errors["month"] = (
            f"Choose a month within the programme, {programme.starts_on:%B %Y} to "
            f"{programme.ends_on:%B %Y}."
        )
    stage = initiative.stage
    if stage == InitiativeStage.L5:
        errors["kind"] = "L5 is signed off: finance reopens it before values change."
    elif draft.kind == ValueKind.FORECAST and not stage.takes_forecast:
        errors["kind"] = f"Forecasts start at L3; this initiative is at {stage.value}."
    elif draft.kind == ValueKind.ACTUAL and not stage.takes_actuals:
        errors["kind"] = f"Actuals start at L4; this initiative is at {stage.value}."
    if errors:
        (field, message), *_ = errors.items()
        raise Refused(field, message, **errors)


def confirm_actuals(initiative: Initiative, by_id: int) -> int:
    """Confirm every actual not yet confirmed, as the finance approver; how many."""
    now = clock.utcnow()
    pending = [e for e in initiative.entries if e.kind == ValueKind.ACTUAL and not e.is_confirmed]
    for entry in pending:
        entry.confirmed_at = now
        entry.confirmed_by_id = by_id
    if pending:
        db.session.flush()
        record_change(
            "value.actuals_confirmed",
            initiative,
            initiative.programme_id,
            after={"entries": [entry.id for entry in pending]},
        )
    return len(pending)


def set_value_target(programme: Programme, currency: str, target: float | None) -> None:
    """Set the programme's currency and the net value it is to realise."""
    before = snapshot(programme, "currency", "value_target")
    programme.currency = currency
    programme.value_target = target
    after = snapshot(programme, "currency", "value_target")
    if after != before:
        db.session.flush()
        record_change("programme.value_target", programme, programme.id, before, after)


def _apply(initiative: Initiative, draft: InitiativeDraft) -> None:
    initiative.name = draft.name.strip()
    initiative.description = draft.description.strip()
    initiative.owner_id = draft.owner_id
    initiative.workstream = draft.workstream.strip()
    initiative.phase_id = draft.phase_id
    initiative.teams = [db.session.get(Team, team_id) for team_id in draft.team_ids]


def _audited(initiative: Initiative) -> dict:
    return snapshot(initiative, *AUDITED_FIELDS) | {
        "team_ids": sorted(team.id for team in initiative.teams)
    }
