"""Programme changes that touch several rows: creation from a methodology template."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import (
    Activity,
    Gate,
    GateCriterion,
    GateCriterionKind,
    Membership,
    MethodologyTemplate,
    Phase,
    Programme,
    ProgrammeStatus,
    Response,
    Role,
    User,
    Wave,
)
from transform.templating import format_date


@dataclass(frozen=True)
class ProgrammeDraft:
    name: str
    starts_on: date
    ends_on: date
    description: str = ""
    organisation: str = ""
    target_adoption_rate: float = 80.0
    anonymity_threshold: int = 5
    comment_threshold: int = 10


def create_programme_from_template(
    draft: ProgrammeDraft, template: MethodologyTemplate, creator: User
) -> Programme:
    """Create a programme with the template's phases, activities, deliverables and gates.

    Planned phase dates split the programme's span in proportion to each template
    phase's typical duration, so the plan always fits the programme's dates.
    The creator becomes the programme's first PMO admin.
    """
    programme = Programme(
        name=draft.name.strip(),
        description=draft.description.strip(),
        organisation=draft.organisation.strip(),
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        target_adoption_rate=draft.target_adoption_rate,
        anonymity_threshold=draft.anonymity_threshold,
        comment_threshold=max(draft.comment_threshold, draft.anonymity_threshold),
        template=template,
    )
    spans = _phase_spans(
        draft.starts_on, draft.ends_on, [p.duration_weeks for p in template.phases]
    )
    for template_phase, (start, end) in zip(template.phases, spans, strict=True):
        phase = Phase(
            position=template_phase.position,
            name=template_phase.name,
            description=template_phase.description,
            planned_start=start,
            planned_end=end,
            owner=creator,
        )
        for activity in template_phase.activities:
            phase.activities.append(
                Activity(
                    position=activity.position,
                    name=activity.name,
                    is_deliverable=activity.is_deliverable,
                    due_on=end,
                )
            )
        phase.gate = Gate(
            criteria=[
                GateCriterion(
                    position=criterion.position,
                    text=criterion.text,
                    kind=criterion.kind,
                    threshold=criterion.threshold,
                )
                for criterion in template_phase.criteria
                if criterion.kind != GateCriterionKind.KPI_ON_TRACK
            ]
        )
        programme.phases.append(phase)
    programme.memberships.append(Membership(user=creator, role=Role.ADMIN))
    db.session.add(programme)
    db.session.flush()
    return programme


def _phase_spans(start: date, end: date, weights: list[int]) -> list[tuple[date, date]]:
    """Consecutive (start, end) date ranges covering start..end in proportion to weights."""
    total_days = (end - start).days + 1
    total_weight = sum(weights) or 1
    spans = []
    cursor = start
    elapsed_weight = 0
    for index, weight in enumerate(weights):
        elapsed_weight += weight
        if index == len(weights) - 1:
            span_end = end
        else:
            offset = round(total_days * elapsed_weight / total_weight) - 1
            span_end = max(cursor, start + timedelta(days=offset))
        spans.append((cursor, min(span_end, end)))
        cursor = min(span_end + timedelta(days=1), end)
    return spans


class ProgrammeRuleBroken(ValueError):
    """An edit that would leave the programme inconsistent; `field` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


PROGRAMME_FIELDS = (
    "name",
    "organisation",
    "description",
    "starts_on",
    "ends_on",
    "target_adoption_rate",
    "anonymity_threshold",
    "comment_threshold",
    "people_per_agent",
)


def update_programme(programme: Programme, changes: dict) -> None:
    """Apply a PMO's edit of the programme's settings; flush only.

    The programme's dates must still contain every phase's planned dates, and the end
    may not come before the start; the comment threshold never drops below the score
    threshold.
    """
    starts_on, ends_on = changes["starts_on"], changes["ends_on"]
    if ends_on < starts_on:
        raise ProgrammeRuleBroken("ends_on", "The end date must not be before the start date.")
    if programme.phases:
        first = min(p.planned_start for p in programme.phases)
        last = max(p.planned_end for p in programme.phases)
        if starts_on > first:
            raise ProgrammeRuleBroken(
                "starts_on",
                f"A phase is planned to start on {format_date(first)}; start no later.",
            )
        if ends_on < last:
            raise ProgrammeRuleBroken(
                "ends_on", f"A phase is planned to end on {format_date(last)}; end no earlier."
            )
    for setting in ("anonymity_threshold", "comment_threshold"):
        if changes[setting] < getattr(programme, setting) and _has_responses(programme):
            raise ProgrammeRuleBroken(
                setting,
                "Survey responses exist: anonymity thresholds can be raised but never lowered.",
            )
    if changes["comment_threshold"] < changes["anonymity_threshold"]:
        raise ProgrammeRuleBroken("comment_threshold", "Must be at least the anonymity threshold.")
    before = snapshot(programme, *PROGRAMME_FIELDS)
    for name in PROGRAMME_FIELDS:
        value = changes[name]
        setattr(programme, name, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    record_change(
        "programme.updated",
        programme,
        programme.id,
        before,
        snapshot(programme, *PROGRAMME_FIELDS),
    )


def set_archived(programme: Programme, archived: bool) -> None:
    """Archive (read-only, hidden from the default list) or restore the programme."""
    before = snapshot(programme, "status")
    programme.status = ProgrammeStatus.ARCHIVED if archived else ProgrammeStatus.ACTIVE
    db.session.flush()
    record_change(
        "programme.archived" if archived else "programme.restored",
        programme,
        programme.id,
        before,
        snapshot(programme, "status"),
    )


def _has_responses(programme: Programme) -> bool:
    return (
        db.session.scalar(
            select(Response.id)
            .join(Wave, Wave.id == Response.wave_id)
            .where(Wave.programme_id == programme.id)
            .limit(1)
        )
        is not None
    )
