"""Methodology template changes that touch several rows; they flush, never commit."""

from dataclasses import dataclass
from itertools import count

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import (
    GateCriterionKind,
    MethodologyTemplate,
    Programme,
    TemplateActivity,
    TemplateGateCriterion,
    TemplatePhase,
)
from transform.ordering import move_child, next_position, remove_child

NAME_MAX = 120


class TemplateError(ValueError):
    """A template change the rules refuse, with a message for the user."""


@dataclass(frozen=True)
class TemplateSummary:
    template: MethodologyTemplate
    phase_count: int
    programme_count: int


def template_summaries() -> list[TemplateSummary]:
    """Every template with its phase count and how many programmes use it; built-ins first."""
    phases = (
        select(func.count(TemplatePhase.id))
        .where(TemplatePhase.template_id == MethodologyTemplate.id)
        .scalar_subquery()
    )
    programmes = (
        select(func.count(Programme.id))
        .where(Programme.template_id == MethodologyTemplate.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(MethodologyTemplate, phases, programmes).order_by(
            MethodologyTemplate.is_builtin.desc(), MethodologyTemplate.name
        )
    )
    return [TemplateSummary(*row) for row in rows]


def programme_count(template: MethodologyTemplate) -> int:
    return db.session.scalar(
        select(func.count(Programme.id)).where(Programme.template_id == template.id)
    )


def load_template(template_id: int) -> MethodologyTemplate | None:
    """The template with its phases, activities and criteria, ready to render."""
    phases = selectinload(MethodologyTemplate.phases)
    return db.session.scalar(
        select(MethodologyTemplate)
        .where(MethodologyTemplate.id == template_id)
        .options(
            phases.selectinload(TemplatePhase.activities),
            phases.selectinload(TemplatePhase.criteria),
        )
    )


def name_is_taken(name: str) -> bool:
    """True when another template has this name, ignoring case and outer spaces."""
    wanted = name.strip().lower()
    return (
        db.session.scalar(
            select(MethodologyTemplate.id)
            .where(func.lower(MethodologyTemplate.name) == wanted)
            .limit(1)
        )
        is not None
    )


def unique_name(base: str) -> str:
    """The name, or the name with " (2)", " (3)"… when taken; never over the length limit."""
    base = base[:NAME_MAX]
    if not name_is_taken(base):
        return base
    for number in count(2):
        suffix = f" ({number})"
        candidate = base[: NAME_MAX - len(suffix)] + suffix
        if not name_is_taken(candidate):
            return candidate
    raise AssertionError("unreachable")


def create_template(name: str, description: str = "") -> MethodologyTemplate:
    """Create an empty custom template."""
    template = MethodologyTemplate(name=name.strip(), description=description.strip())
    db.session.add(template)
    db.session.flush()
    record_change("created", template, None, after=snapshot(template, "name", "description"))
    return template


def copy_template(source: MethodologyTemplate) -> MethodologyTemplate:
    """A custom deep copy of any template, named "Copy of …" and made unique."""
    copy = MethodologyTemplate(
        name=unique_name(f"Copy of {source.name}"), description=source.description
    )
    for phase in source.phases:
        copy.phases.append(
            TemplatePhase(
                position=phase.position,
                name=phase.name,
                description=phase.description,
                duration_weeks=phase.duration_weeks,
                activities=[
                    TemplateActivity(
                        position=a.position, name=a.name, is_deliverable=a.is_deliverable
                    )
                    for a in phase.activities
                ],
                criteria=[
                    TemplateGateCriterion(
                        position=c.position, text=c.text, kind=c.kind, threshold=c.threshold
                    )
                    for c in phase.criteria
                ],
            )
        )
    db.session.add(copy)
    db.session.flush()
    after = snapshot(copy, "name") | {"copied_from_id": source.id, "copied_from": source.name}
    record_change("template.copied", copy, None, after=after)
    return copy


def template_from_programme(
    programme: Programme, name: str, description: str = ""
) -> MethodologyTemplate:
    """Save a programme's phases, activities and gate criteria as a custom template.

    Durations are the planned phase lengths in whole weeks (at least one); criteria
    that watch one of the programme's KPIs cannot travel and are left out.
    """
    template = MethodologyTemplate(name=name.strip(), description=description.strip())
    for position, phase in enumerate(programme.phases, start=1):
        days = (phase.planned_end - phase.planned_start).days + 1
        criteria = phase.gate.criteria if phase.gate else []
        portable = [c for c in criteria if c.kind != GateCriterionKind.KPI_ON_TRACK]
        template.phases.append(
            TemplatePhase(
                position=position,
                name=phase.name,
                description=phase.description,
                duration_weeks=max(1, round(days / 7)),
                activities=[
                    TemplateActivity(position=index, name=a.name, is_deliverable=a.is_deliverable)
                    for index, a in enumerate(phase.activities, start=1)
                ],
                criteria=[
                    TemplateGateCriterion(
                        position=index, text=c.text, kind=c.kind, threshold=c.threshold
                    )
                    for index, c in enumerate(portable, start=1)
                ],
            )
        )
    db.session.add(template)
    db.session.flush()
    after = snapshot(template, "name") | {"from_programme_id": programme.id}
    record_change("template.from_programme", template, None, after=after)
    return template


def delete_template(template: MethodologyTemplate) -> None:
    """Delete a custom template that no programme uses."""
    _refuse_builtin(template)
    used_by = programme_count(template)
    if used_by:
        noun = "programme uses" if used_by == 1 else "programmes use"
        raise TemplateError(f"{used_by} {noun} this template, so it cannot be deleted.")
    record_change("deleted", template, None, before=snapshot(template, "name", "description"))
    db.session.delete(template)
    db.session.flush()


def add_phase(
    template: MethodologyTemplate, name: str, description: str, duration_weeks: int
) -> TemplatePhase:
    _refuse_builtin(template)
    phase = TemplatePhase(
        position=next_position(template.phases),
        name=name.strip(),
        description=description.strip(),
        duration_weeks=duration_weeks,
    )
    template.phases.append(phase)
    db.session.flush()
    record_change("created", phase, None, after=_phase_snapshot(phase))
    return phase


def remove_phase(phase: TemplatePhase) -> None:
    """Remove a phase with its activities and criteria; later phases move up."""
    _refuse_builtin(phase.template)
    remove_child(phase.template, "phases", phase, _phase_snapshot(phase))


def move_phase(phase: TemplatePhase, offset: int) -> None:
    """Move a phase earlier (offset -1) or later (+1); at either end it stays put."""
    _refuse_builtin(phase.template)
    move_child(phase.template, "phases", phase, offset, _phase_snapshot)


def add_activity(phase: TemplatePhase, name: str, is_deliverable: bool) -> TemplateActivity:
    _refuse_builtin(phase.template)
    activity = TemplateActivity(
        position=next_position(phase.activities), name=name.strip(), is_deliverable=is_deliverable
    )
    phase.activities.append(activity)
    db.session.flush()
    record_change(
        "created", activity, None, after=snapshot(activity, "phase_id", "name", "is_deliverable")
    )
    return activity


def remove_activity(activity: TemplateActivity) -> None:
    _refuse_builtin(activity.phase.template)
    before = snapshot(activity, "phase_id", "name", "is_deliverable")
    remove_child(activity.phase, "activities", activity, before)


def add_criterion(
    phase: TemplatePhase, text: str, kind: GateCriterionKind, threshold: float | None
) -> TemplateGateCriterion:
    _refuse_builtin(phase.template)
    if kind == GateCriterionKind.KPI_ON_TRACK:
        raise TemplateError("A template cannot name a programme's KPI.")
    criterion = TemplateGateCriterion(
        position=next_position(phase.criteria), text=text.strip(), kind=kind, threshold=threshold
    )
    phase.criteria.append(criterion)
    db.session.flush()
    record_change("created", criterion, None, after=_criterion_snapshot(criterion))
    return criterion


def remove_criterion(criterion: TemplateGateCriterion) -> None:
    _refuse_builtin(criterion.phase.template)
    remove_child(criterion.phase, "criteria", criterion, _criterion_snapshot(criterion))


def _refuse_builtin(template: MethodologyTemplate) -> None:
    if template.is_builtin:
        raise TemplateError("Built-in templates are read-only; copy one to change it.")


def _phase_snapshot(phase: TemplatePhase) -> dict:
    return snapshot(phase, "template_id", "position", "name", "duration_weeks")


def _criterion_snapshot(criterion: TemplateGateCriterion) -> dict:
    return snapshot(criterion, "phase_id", "text", "kind", "threshold")
