"""Programmes the token's owner belongs to, their phases and stage gates: read only."""

from datetime import date
from typing import Annotated

from flask_login import current_user
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from transform import clock
from transform.access import programme_access_or_404
from transform.api.blueprint import api
from transform.api.schemas import Page, SyncQuery, UtcDateTime, changed_since, page_of
from transform.extensions import db
from transform.models import (
    Gate,
    GateCriterion,
    GateCriterionKind,
    GateDecision,
    GateDecisionKind,
    GateStatus,
    Membership,
    PhaseStatus,
    Programme,
    ProgrammeStatus,
    Role,
)
from transform.phases.queries import PhaseSummary, phase_summaries
from transform.scoring.schedule import Rag

TAG = "Programmes"


def _true_or_false(value):
    """A query string says true or false, nothing looser ("1", "yes", "on")."""
    if isinstance(value, str) and value not in ("true", "false"):
        raise ValueError("write true or false")
    return value


QueryBool = Annotated[bool, BeforeValidator(_true_or_false)]


class ProgrammeQuery(SyncQuery):
    model_config = ConfigDict(extra="ignore")

    include_archived: QueryBool = Field(False, description="Also list archived programmes.")


class ProgrammeOut(BaseModel):
    id: int
    name: str
    status: ProgrammeStatus
    starts_on: date
    ends_on: date
    role: Role = Field(description="The token owner's role in the programme.")
    updated_at: UtcDateTime = Field(description="When it last changed: see updated_since.")
    anonymity_threshold: int = Field(
        description="Smallest group of respondents whose scores are shown anywhere."
    )
    target_adoption_rate: float = Field(
        description="Percent of respondents with no ADKAR barrier that counts as adopted."
    )


class Schedule(BaseModel):
    planned_percent: float = Field(description="Share of the planned span elapsed today.")
    actual_percent: float = Field(description="Share of the phase's activities done.")
    variance: float = Field(description="Actual minus planned, in points; negative is behind.")
    rag: Rag


class CriterionOut(BaseModel):
    id: int
    position: int
    text: str
    kind: GateCriterionKind
    met: bool | None = Field(
        description="Ticked by the PMO, for checklist criteria; null for criteria the tool "
        "evaluates from data (the phase page shows their state and figures)."
    )
    threshold: float | None = Field(description="The figure a computed criterion compares to.")
    kpi_id: int | None = Field(description="The KPI a kpi_on_track criterion watches.")


class DecisionOut(BaseModel):
    decision: GateDecisionKind
    decided_at: UtcDateTime
    decided_by: str | None = Field(description="The sponsor's name; null if since deleted.")
    reason: str


class GateOut(BaseModel):
    id: int
    status: GateStatus
    submitted_at: UtcDateTime | None
    criteria: list[CriterionOut]
    decisions: list[DecisionOut] = Field(description="Every decision, oldest first.")


class PhaseOut(BaseModel):
    id: int
    position: int
    name: str
    status: PhaseStatus
    owner: str | None = Field(description="The phase owner's name.")
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    activities_total: int
    activities_done: int
    activities_overdue: int
    schedule: Schedule
    gate: GateOut | None


class PhaseList(BaseModel):
    items: list[PhaseOut] = Field(description="The programme's phases in order.")
    as_of: date = Field(description="The date the schedule figures are computed for.")


def programme_out(programme: Programme, role: Role) -> dict:
    return {
        "id": programme.id,
        "name": programme.name,
        "status": programme.status,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "role": role,
        "updated_at": programme.updated_at,
        "anonymity_threshold": programme.anonymity_threshold,
        "target_adoption_rate": programme.target_adoption_rate,
    }


@api.operation(
    "GET",
    "/programmes",
    summary="List your programmes",
    tag=TAG,
    description="The programmes the token's owner is a member of, with their role; newest "
    "start first. Archived programmes only with include_archived=true.",
    query=ProgrammeQuery,
    response=Page[ProgrammeOut],
)
def list_programmes(query: ProgrammeQuery):
    memberships = (
        select(Membership)
        .join(Membership.programme)
        .where(Membership.user_id == current_user.id)
        .options(contains_eager(Membership.programme))
        .order_by(Programme.starts_on.desc(), Programme.name, Programme.id)
    )
    memberships = changed_since(memberships, Programme.updated_at, query.updated_since)
    if not query.include_archived:
        memberships = memberships.where(Programme.status != ProgrammeStatus.ARCHIVED)
    return page_of(memberships, query, lambda m: programme_out(m.programme, m.role))


@api.operation(
    "GET",
    "/programmes/<int:programme_id>",
    summary="Get a programme",
    tag=TAG,
    description="404 unless the token's owner is a member of the programme.",
    response=ProgrammeOut,
    errors=(404,),
)
def get_programme(programme_id: int):
    access = programme_access_or_404(programme_id)
    return programme_out(access.programme, access.role)


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/phases",
    summary="List a programme's phases and gates",
    tag=TAG,
    description="Phases in order with planned and actual dates, activity counts, the "
    "schedule RAG as of today (green within 10 points of plan, amber 10-25 behind, red "
    "more), and each stage gate's criteria and decisions.",
    response=PhaseList,
    errors=(404,),
)
def list_phases(programme_id: int):
    access = programme_access_or_404(programme_id)
    today = clock.today()
    summaries = phase_summaries(access.programme, today)
    _load_gate_details([s.gate.id for s in summaries if s.gate is not None])
    return {"items": [_phase_out(summary) for summary in summaries], "as_of": today}


def _load_gate_details(gate_ids: list[int]) -> None:
    """Criteria and decisions of every gate in two queries, not two per phase."""
    if gate_ids:
        db.session.scalars(
            select(Gate)
            .where(Gate.id.in_(gate_ids))
            .options(
                selectinload(Gate.criteria),
                selectinload(Gate.decisions).selectinload(GateDecision.decided_by),
            )
        ).all()


def _phase_out(summary: PhaseSummary) -> dict:
    phase, gate = summary.phase, summary.gate
    return {
        "id": phase.id,
        "position": phase.position,
        "name": phase.name,
        "status": phase.status,
        "owner": phase.owner.name if phase.owner else None,
        "planned_start": phase.planned_start,
        "planned_end": phase.planned_end,
        "actual_start": phase.actual_start,
        "actual_end": phase.actual_end,
        "activities_total": summary.activities_total,
        "activities_done": summary.activities_done,
        "activities_overdue": summary.activities_overdue,
        "schedule": {
            "planned_percent": summary.schedule.planned_percent,
            "actual_percent": summary.schedule.actual_percent,
            "variance": summary.schedule.variance,
            "rag": summary.schedule.rag,
        },
        "gate": _gate_out(gate) if gate is not None else None,
    }


def _gate_out(gate: Gate) -> dict:
    return {
        "id": gate.id,
        "status": gate.status,
        "submitted_at": gate.submitted_at,
        "criteria": [_criterion_out(criterion) for criterion in gate.criteria],
        "decisions": [
            {
                "decision": decision.decision,
                "decided_at": decision.decided_at,
                "decided_by": decision.decided_by.name if decision.decided_by else None,
                "reason": decision.reason,
            }
            for decision in gate.decisions
        ],
    }


def _criterion_out(criterion: GateCriterion) -> dict:
    checklist = criterion.kind == GateCriterionKind.CHECKLIST
    return {
        "id": criterion.id,
        "position": criterion.position,
        "text": criterion.text,
        "kind": criterion.kind,
        "met": criterion.is_met if checklist else None,
        "threshold": criterion.threshold,
        "kpi_id": criterion.kpi_id,
    }
