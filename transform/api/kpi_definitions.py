"""KPI definitions over the API: PMO admins add and edit KPIs by the KPI form's rules;
a locked KPI whose baseline or target moves is re-baselined with the reason sent."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm.exc import StaleDataError

from transform.access import ProgrammeAccess, programme_access_or_404
from transform.api.blueprint import api, via
from transform.api.kpis import TAG, KpiItem, kpi_item_of
from transform.api.problems import ApiProblem
from transform.api.schemas import IsoDate, RowId
from transform.api.teams import trimmed_text
from transform.api.writes import field_errors, optional_text, patch_fields
from transform.extensions import db
from transform.kpis import service
from transform.kpis.loading import kpi_or_404
from transform.memberships.queries import programme_members
from transform.models import Direction, Kpi, Perspective, Role
from transform.scoring.kpi import value_problem
from transform.teams.queries import impacted_teams

Number = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-1e15, le=1e15)]
Points = Annotated[float, Field(strict=True, ge=0, le=100)]


class KpiIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Invoice turnaround",
                    "unit": "days",
                    "direction": "lower",
                    "perspective": "internal_process",
                    "baseline_value": 12,
                    "baseline_on": "2026-03-02",
                    "target_value": 5,
                    "target_on": "2026-12-18",
                }
            ]
        },
    )

    name: trimmed_text(160)
    description: optional_text(2000) = ""
    unit: trimmed_text(40)
    direction: Direction
    perspective: Perspective
    team_id: RowId | None = Field(None, description="A team the programme impacts.")
    owner_id: RowId | None = Field(None, description="A member of the programme.")
    baseline_value: Number
    baseline_on: IsoDate
    target_value: Number = Field(description="Not equal to the baseline.")
    target_on: IsoDate = Field(description="After the baseline date.")
    min_value: Number | None = Field(None, description="Values below it are refused.")
    max_value: Number | None = Field(None, description="Above min_value.")
    at_risk_points: Points | None = Field(
        None, description="At risk when behind plan by more than this many points."
    )
    off_track_points: Points | None = Field(None, description="At least at_risk_points.")


class KpiPatch(BaseModel):
    """The fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: trimmed_text(160) | None = None
    description: optional_text(2000) | None = None
    unit: trimmed_text(40) | None = None
    direction: Direction | None = None
    perspective: Perspective | None = None
    team_id: RowId | None = None
    owner_id: RowId | None = None
    baseline_value: Number | None = None
    baseline_on: IsoDate | None = None
    target_value: Number | None = None
    target_on: IsoDate | None = None
    min_value: Number | None = None
    max_value: Number | None = None
    at_risk_points: Points | None = None
    off_track_points: Points | None = None
    reason: optional_text(2000) = Field(
        "", description="Why a locked KPI's baseline or target moves (a re-baseline)."
    )
    version: int | None = Field(
        None, description="The version read; another one now refuses the change with 409."
    )


REQUIRED = (
    "name",
    "unit",
    "direction",
    "perspective",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
)
WRITE_RULES = (
    "PMO admins only, as on the KPI pages, by the KPI form's rules; audited as the "
    "token's. A refused value is 422 with the path of each field at fault."
)


@api.operation(
    "POST",
    "/programmes/<int:programme_id>/kpis",
    summary="Add a KPI",
    tag=TAG,
    description="Adds the KPI without planned checkpoints (the plan is a straight line "
    "from baseline to target until checkpoints are planned in the app). A KPI added "
    "after the programme's first gate approval is locked at once. " + WRITE_RULES,
    body=KpiIn,
    response=KpiItem,
    status=201,
    errors=(403, 404),
)
def create_kpi(programme_id: int, body: KpiIn):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    values = body.model_dump()
    _check(access, values)
    kpi = service.create_kpi(access.programme, _draft(values), None, via=via())
    return kpi_item_of(access, kpi)


@api.operation(
    "PATCH",
    "/programmes/<int:programme_id>/kpis/<int:kpi_id>",
    summary="Edit a KPI's definition",
    tag=TAG,
    description="Changes the fields sent. A locked KPI (after the first gate approval) "
    "whose baseline or target moves needs a reason and is re-baselined. Sent with the "
    "version read, the change is refused with 409 when someone changed it since. " + WRITE_RULES,
    body=KpiPatch,
    response=KpiItem,
    errors=(403, 404, 409),
)
def update_kpi(programme_id: int, kpi_id: int, body: KpiPatch):
    access, kpi = kpi_or_404(programme_id, kpi_id, Role.ADMIN, for_write=True)
    sent = patch_fields(
        body, kpi.version, "this KPI", REQUIRED, exclude=frozenset({"version", "reason"})
    )
    values = _values_of(kpi) | sent
    values["description"] = values["description"] or ""
    _check(access, values)
    moved = any(values[name] != getattr(kpi, name) for name in service.BASELINE_FIELDS)
    if kpi.locked_at is not None and moved and not body.reason:
        raise field_errors(
            {"reason": "The baseline is locked since the first gate: say why it changes."}
        )
    try:
        service.update_kpi(kpi, _draft(values), body.reason, via())
    except StaleDataError:
        db.session.rollback()
        raise ApiProblem(409, "The KPI changed while it was being saved.") from None
    return kpi_item_of(access, kpi)


def _values_of(kpi: Kpi) -> dict:
    names = (*REQUIRED, "description", "team_id", "owner_id", "min_value", "max_value")
    values = {name: getattr(kpi, name) for name in names}
    values["at_risk_points"] = _points(kpi.at_risk_tolerance)
    values["off_track_points"] = _points(kpi.off_track_tolerance)
    return values


def _check(access: ProgrammeAccess, values: dict) -> None:
    """The KPI form's checks, each at its field."""
    errors = {}
    if values["target_value"] == values["baseline_value"]:
        errors["target_value"] = "The target must differ from the baseline."
    if values["target_on"] <= values["baseline_on"]:
        errors["target_on"] = "The target date must come after the baseline date."
    low, high = values["min_value"], values["max_value"]
    if low is not None and high is not None and high <= low:
        errors["max_value"] = "The highest value must be above the lowest."
    else:
        for name in ("baseline_value", "target_value"):
            problem = value_problem(values[name], low, high, values["unit"])
            if problem and name not in errors:
                errors[name] = f"The value {problem}."
    at_risk, off_track = values["at_risk_points"], values["off_track_points"]
    if at_risk is not None and off_track is not None and off_track < at_risk:
        errors["off_track_points"] = "Off track must be at least as far behind as at risk."
    teams = {team.id for team in impacted_teams(access.programme)}
    if values["team_id"] is not None and values["team_id"] not in teams:
        errors["team_id"] = "Only a team the programme impacts."
    members = {user.id for user in programme_members(access.programme)}
    if values["owner_id"] is not None and values["owner_id"] not in members:
        errors["owner_id"] = "The owner must be a member of the programme."
    if errors:
        raise field_errors(errors)


def _draft(values: dict) -> service.KpiDraft:
    return service.KpiDraft(
        name=values["name"],
        description=values["description"],
        unit=values["unit"],
        direction=values["direction"],
        perspective=values["perspective"],
        team_id=values["team_id"],
        owner_id=values["owner_id"],
        baseline_value=values["baseline_value"],
        baseline_on=values["baseline_on"],
        target_value=values["target_value"],
        target_on=values["target_on"],
        min_value=values["min_value"],
        max_value=values["max_value"],
        at_risk_tolerance=_fraction(values["at_risk_points"]),
        off_track_tolerance=_fraction(values["off_track_points"]),
    )


def _points(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 4)


def _fraction(points: float | None) -> float | None:
    return None if points is None else points / 100
