"""The benefits register over the API: each initiative with its stage, value totals in the
programme's currency and value at risk; PMO admins add and change initiatives and record
their planned, forecast and actual values by the same service rules as the forms."""

from datetime import date

from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from transform import clock
from transform.access import ProgrammeAccess, programme_access_or_404
from transform.api.blueprint import api, via
from transform.api.problems import ApiProblem
from transform.api.schemas import (
    IsoDate,
    Page,
    RowId,
    SyncQuery,
    UtcDateTime,
    changed_since,
    page_of,
)
from transform.api.teams import trimmed_text
from transform.api.writes import field_errors, optional_text
from transform.benefits import queries, service
from transform.benefits.queries import BenefitFilters, RegisterRow, register
from transform.extensions import db
from transform.memberships.queries import programme_members
from transform.models import Initiative, InitiativeStage, Role, ValueKind, ValueType
from transform.teams.queries import impacted_teams

TAG = "Benefits"


class InitiativeItem(BaseModel):
    id: int
    name: str
    stage: InitiativeStage
    workstream: str
    owner_id: int | None
    phase_id: int | None
    team_ids: list[int] = Field(description="The teams the initiative changes.")
    updated_at: UtcDateTime = Field(description="When it last changed: see updated_since.")
    currency: str = Field(description="ISO 4217 code of every amount below.")
    planned_net: float = Field(description="Planned benefits less cost to achieve.")
    forecast_net: float
    actual_net: float
    expected_net: float = Field(description="Forecast net once there is a forecast, else plan.")
    value_at_risk: float | None = Field(
        description="Forecast benefits not yet realised × the share of its teams' respondents "
        "not adopted in the latest ADKAR wave; null without a shown team (README, Benefits)."
    )


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/initiatives",
    summary="List the programme's benefit initiatives with their value",
    tag=TAG,
    query=SyncQuery,
    response=Page[InitiativeItem],
    errors=(404,),
)
def list_initiatives(programme_id: int, query: SyncQuery):
    access = programme_access_or_404(programme_id)
    programme = access.programme
    rows = {
        row.initiative.id: row for row in register(programme, BenefitFilters(), clock.today()).rows
    }
    initiatives = (
        select(Initiative).where(Initiative.programme_id == programme_id).order_by(Initiative.id)
    )
    initiatives = changed_since(initiatives, Initiative.updated_at, query.updated_since)
    return page_of(initiatives, query, lambda i: _item(rows[i.id], programme.currency))


def _item(row: RegisterRow, currency: str) -> InitiativeItem:
    initiative = row.initiative
    return InitiativeItem(
        id=initiative.id,
        name=initiative.name,
        stage=initiative.stage,
        workstream=initiative.workstream,
        owner_id=initiative.owner_id,
        phase_id=initiative.phase_id,
        team_ids=[team.id for team in initiative.teams],
        updated_at=initiative.updated_at,
        currency=currency,
        planned_net=row.planned.net,
        forecast_net=row.forecast.net,
        actual_net=row.actual.net,
        expected_net=row.expected,
        value_at_risk=row.risk.value,
    )


class InitiativeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Shared mailbox triage",
                    "description": "One queue for the three mailboxes.",
                    "owner_id": 3,
                    "workstream": "Intake",
                    "team_ids": [11, 12],
                }
            ]
        },
    )

    name: trimmed_text(160)
    description: optional_text(5000) = ""
    owner_id: RowId | None = Field(None, description="A member of the programme.")
    workstream: optional_text(80) = ""
    phase_id: RowId | None = Field(None, description="A phase of the programme.")
    team_ids: list[RowId] = Field(
        [], max_length=500, description="Teams the programme impacts that it changes."
    )


class InitiativePatch(BaseModel):
    """The fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: trimmed_text(160) | None = None
    description: optional_text(5000) | None = None
    owner_id: RowId | None = None
    workstream: optional_text(80) | None = None
    phase_id: RowId | None = None
    team_ids: list[RowId] | None = Field(None, max_length=500)
    version: int | None = Field(
        None, description="The version read; another one now refuses the change with 409."
    )


class ValueIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "actual",
                    "value_type": "recurring_saving",
                    "month": "2026-10-01",
                    "amount": 15000,
                }
            ]
        },
    )

    kind: ValueKind
    value_type: ValueType
    month: IsoDate = Field(description="Any day of the month; stored as its first day.")
    amount: float = Field(
        strict=True,
        ge=-1e12,
        le=1e12,
        allow_inf_nan=False,
        description="In the programme's currency; never negative (a cost is a type).",
    )
    reason: optional_text(2000) = Field(
        "", description="Why a locked plan (from L3) changes: a re-baseline."
    )


class ValueOut(BaseModel):
    id: int
    initiative_id: int
    kind: ValueKind
    value_type: ValueType
    month: date
    amount: float
    currency: str
    confirmed: bool = Field(description="Confirmed by a finance approver: final.")


WRITE_RULES = (
    "PMO admins only, as on the Benefits pages. A refused value is 422 with the path of "
    "each field at fault (body/name, body/team_ids …); an archived programme is 403."
)


@api.operation(
    "POST",
    "/programmes/<int:programme_id>/initiatives",
    summary="Add an initiative to the benefits register",
    tag=TAG,
    description="Adds the initiative at L0. The owner must be a member of the programme, "
    "the phase one of its phases, the teams ones it impacts. " + WRITE_RULES,
    body=InitiativeIn,
    response=InitiativeItem,
    status=201,
    errors=(403, 404),
)
def create_initiative(programme_id: int, body: InitiativeIn):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    draft = service.InitiativeDraft(
        body.name,
        body.description,
        body.owner_id,
        body.workstream,
        body.phase_id,
        tuple(body.team_ids),
    )
    _check_choices(access, draft)
    initiative = service.create_initiative(access.programme, draft, via())
    return _item_of(access, initiative)


@api.operation(
    "PATCH",
    "/programmes/<int:programme_id>/initiatives/<int:initiative_id>",
    summary="Change an initiative of the benefits register",
    tag=TAG,
    description="Changes the fields sent (name, description, owner, workstream, phase, "
    "teams); its stage moves only by a decision in the app. Sent with the version read, "
    "the change is refused with 409 when someone changed the initiative since. " + WRITE_RULES,
    body=InitiativePatch,
    response=InitiativeItem,
    errors=(403, 404, 409),
)
def update_initiative(programme_id: int, initiative_id: int, body: InitiativePatch):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    initiative = _initiative_or_404(programme_id, initiative_id)
    if body.version is not None and body.version != initiative.version:
        raise ApiProblem(409, "Someone changed this initiative since you read it.")
    sent = body.model_dump(exclude_unset=True)
    if sent.get("name", "") is None:
        raise field_errors({"name": "The name cannot be removed."})
    current = {
        "name": initiative.name,
        "description": initiative.description,
        "owner_id": initiative.owner_id,
        "workstream": initiative.workstream,
        "phase_id": initiative.phase_id,
        "team_ids": [team.id for team in initiative.teams],
    }
    merged = current | {key: value for key, value in sent.items() if key in current}
    merged["description"] = merged["description"] or ""
    merged["workstream"] = merged["workstream"] or ""
    merged["team_ids"] = tuple(merged["team_ids"] or ())
    draft = service.InitiativeDraft(**merged)
    _check_choices(access, draft)
    try:
        service.update_initiative(initiative, draft, via())
    except StaleDataError:
        db.session.rollback()
        raise ApiProblem(409, "The initiative changed while it was being saved.") from None
    return _item_of(access, initiative)


@api.operation(
    "POST",
    "/programmes/<int:programme_id>/initiatives/<int:initiative_id>/values",
    summary="Record a planned, forecast or actual value of an initiative",
    tag=TAG,
    description="Sets one month's amount of a value type and kind, replacing the amount "
    "recorded before, under the stage rules: forecasts from L3, actuals from L4, nothing "
    "at L5; a month within the programme; amounts positive (a cost is the type "
    "cost_to_achieve); from L3 a change to the plan needs a reason (a re-baseline); an "
    "actual finance confirmed is final. " + WRITE_RULES,
    body=ValueIn,
    response=ValueOut,
    status=201,
    errors=(403, 404),
)
def record_value(programme_id: int, initiative_id: int, body: ValueIn):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    initiative = _initiative_or_404(programme_id, initiative_id)
    draft = service.ValueDraft(body.kind, body.value_type, body.month, body.amount, body.reason)
    try:
        entry = service.record_value(initiative, draft, current_user.id, via())
    except service.Refused as refusal:
        raise field_errors(refusal.errors) from None
    return ValueOut(
        id=entry.id,
        initiative_id=initiative.id,
        kind=entry.kind,
        value_type=entry.value_type,
        month=entry.month,
        amount=entry.amount,
        currency=access.programme.currency,
        confirmed=entry.is_confirmed,
    )


def _initiative_or_404(programme_id: int, initiative_id: int) -> Initiative:
    initiative = queries.find_initiative(programme_id, initiative_id)
    if initiative is None:
        raise ApiProblem(404, "The programme has no initiative with this id.")
    return initiative


def _check_choices(access: ProgrammeAccess, draft: service.InitiativeDraft) -> None:
    """The choices the form offers: an owner among the members, a phase of the programme,
    teams it impacts."""
    programme = access.programme
    errors = {}
    members = {user.id for user in programme_members(programme.id)}
    if draft.owner_id is not None and draft.owner_id not in members:
        errors["owner_id"] = "The owner must be a member of the programme."
    phases = {phase.id for phase in queries.phases(programme.id)}
    if draft.phase_id is not None and draft.phase_id not in phases:
        errors["phase_id"] = "Not a phase of this programme."
    teams = {team.id for team in impacted_teams(programme)}
    if any(team_id not in teams for team_id in draft.team_ids):
        errors["team_ids"] = "Only teams the programme impacts."
    elif len(set(draft.team_ids)) != len(draft.team_ids):
        errors["team_ids"] = "Each team once."
    if errors:
        raise field_errors(errors)


def _item_of(access: ProgrammeAccess, initiative: Initiative) -> InitiativeItem:
    """The initiative as the list shows it, with its value and value at risk."""
    latest = queries.latest_adoption(access.programme, clock.today())
    values = queries.initiative_values(initiative)
    row = RegisterRow(
        initiative,
        values.planned,
        values.forecast,
        values.actual,
        values.expected,
        queries.people_beside_value(initiative, latest).risk,
    )
    return _item(row, access.programme.currency)
