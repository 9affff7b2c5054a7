"""KPIs over the API: each KPI with its status, its checkpoints, and actuals pushed in bulk
from a BI tool, all or nothing, by the KPI import's rules and writer."""

from datetime import date
from typing import Annotated

from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

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
from transform.extensions import db
from transform.import_problems import PROBLEMS_LISTED, ImportRefused, Problem
from transform.kpis import actual_values
from transform.kpis.imports import name_key
from transform.kpis.loading import kpi_or_404
from transform.kpis.queries import KpiView, kpi_views
from transform.models import Direction, Kpi, Perspective
from transform.scoring.kpi import Status, Trend

TAG = "KPIs"
MAX_ACTUALS = 5_000


class KpiItem(BaseModel):
    id: int
    name: str
    unit: str
    direction: Direction
    perspective: Perspective
    team_id: int | None
    baseline_value: float
    baseline_on: date
    target_value: float
    target_on: date
    min_value: float | None = Field(description="Values below it are refused.")
    max_value: float | None = Field(description="Values above it are refused.")
    locked_at: UtcDateTime | None = Field(
        description="When the baseline was locked; later changes are re-baselines."
    )
    version: int
    updated_at: UtcDateTime = Field(description="When it last changed: see updated_since.")
    status: Status = Field(description="Of the latest actual against plan.")
    trend: Trend | None = Field(description="Against the reading before; null before two.")
    latest_actual: float | None
    latest_on: date | None
    progress: float | None = Field(
        description="Share of the way from baseline to target covered by the latest actual "
        "(0 at the baseline, 1 at the target), unclamped."
    )
    planned_progress: float | None = Field(
        description="The share the plan expected by the latest actual's date."
    )


class CheckpointItem(BaseModel):
    id: int
    on_date: date
    planned_value: float | None
    planned_at_lock: float | None = Field(
        description="The planned value when the baseline was locked."
    )
    actual_value: float | None
    version: int = Field(description="Send it back with an actual to refuse stale writes.")


class CheckpointList(BaseModel):
    kpi_id: int
    items: list[CheckpointItem]


class ActualIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kpi_id: RowId | None = Field(None, description="The KPI's id; or send its name as kpi.")
    kpi: trimmed_text(160) | None = Field(
        None,
        description="The KPI's name, matched as the file import matches it (case and "
        "spacing aside); a name two KPIs share is refused, listing their ids.",
    )
    on_date: IsoDate
    value: Annotated[float, Field(strict=True, allow_inf_nan=False)]
    version: RowId | None = Field(
        None,
        description="The checkpoint's version when it was read: if the checkpoint on that "
        "date is at another version (or does not exist), nothing is written (409).",
    )


class ActualsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"actuals": [{"kpi_id": 1, "on_date": "2026-11-30", "value": 10.0}]}]
        },
    )

    actuals: list[ActualIn] = Field(min_length=1, max_length=MAX_ACTUALS)


class ActualsPushed(BaseModel):
    received: int = Field(ge=0)
    created: int = Field(ge=0, description="Checkpoints created for new dates.")
    updated: int = Field(ge=0, description="Checkpoints whose actual was set or replaced.")
    unchanged: int = Field(ge=0, description="Actuals equal to the value already there.")
    kpis_changed: int = Field(ge=0)


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/kpis",
    summary="List the programme's KPIs with their status",
    tag=TAG,
    query=SyncQuery,
    response=Page[KpiItem],
    errors=(404,),
)
def list_kpis(programme_id: int, query: SyncQuery):
    access = programme_access_or_404(programme_id)
    views = {view.kpi.id: view for view in kpi_views(access.programme)}
    kpis = select(Kpi).where(Kpi.programme_id == programme_id).order_by(Kpi.id)
    kpis = changed_since(kpis, Kpi.updated_at, query.updated_since)
    return page_of(kpis, query, lambda kpi: _kpi_item(views[kpi.id]))


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/kpis/<int:kpi_id>/checkpoints",
    summary="List a KPI's checkpoints",
    tag=TAG,
    response=CheckpointList,
    errors=(404,),
)
def list_checkpoints(programme_id: int, kpi_id: int):
    _access, kpi = kpi_or_404(programme_id, kpi_id)
    items = [
        CheckpointItem(
            id=c.id,
            on_date=c.on_date,
            planned_value=c.planned_value,
            planned_at_lock=c.locked_planned_value,
            actual_value=c.actual_value,
            version=c.version,
        )
        for c in kpi.checkpoints
    ]
    return CheckpointList(kpi_id=kpi.id, items=items)


@api.operation(
    "POST",
    "/programmes/<int:programme_id>/kpis/actuals",
    summary="Push KPI actuals, all or nothing",
    tag=TAG,
    description="Sets each KPI's actual on a date, creating the checkpoint when there is "
    "none. Every value is checked first (a KPI of the programme, a date on or after its "
    "baseline, a value within its bounds, each KPI and date once); one bad value refuses "
    "them all with 422 and the path of each. An item sent with the checkpoint's version "
    "is refused with 409, and nothing written, when that checkpoint has moved on. PMO "
    "admins push any KPI's actuals, a KPI's owner that KPI's. One audit event per KPI "
    "changed.",
    body=ActualsIn,
    response=ActualsPushed,
    errors=(403, 404, 409, 413),
)
def push_actuals(programme_id: int, body: ActualsIn):
    access = programme_access_or_404(programme_id, for_write=True)
    kpis = actual_values.kpis_with_checkpoints(access.programme)
    kpi_ids = _kpi_ids(body.actuals, kpis)
    values = [
        actual_values.ActualValue(index, kpi_ids[index], item.on_date, item.value, item.version)
        for index, item in enumerate(body.actuals)
    ]
    _require_may_enter(access, kpis, values)
    try:
        actuals = actual_values.check_actual_values(values, actual_values.kpi_specs(kpis))
    except ImportRefused as refused:
        raise _refusal(422, "Some actuals are invalid; nothing was written.", refused) from None
    stale = actual_values.stale_values(values, kpis)
    if stale:
        detail = "Some checkpoints changed since they were read; nothing was written."
        raise _refusal(409, detail, _listed(stale))
    try:
        summary = actual_values.write_actuals(kpis, actuals, via(), {})
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise ApiProblem(
            409, "The KPIs changed while the actuals were being written; nothing was written."
        ) from None
    return ActualsPushed(
        received=summary.imported,
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        kpis_changed=summary.kpis_changed,
    )


def _require_may_enter(
    access: ProgrammeAccess, kpis: list[Kpi], values: list[actual_values.ActualValue]
) -> None:
    """PMO admins and a KPI's owner enter its actuals, as on the KPI's page."""
    if access.is_admin:
        return
    owners = {kpi.id: kpi.owner_id for kpi in kpis}
    refused = [
        Problem("Only a PMO admin or the KPI's owner enters its actuals.", item.line, "kpi_id")
        for item in values
        if item.kpi_id in owners and owners[item.kpi_id] != current_user.id
    ]
    if refused or current_user.id not in owners.values():
        detail = "Only PMO admins and a KPI's owner enter its actuals; nothing was written."
        raise _refusal(403, detail, _listed(refused))


def _kpi_ids(actuals: list[ActualIn], kpis: list[Kpi]) -> list[int]:
    """Each actual's KPI id, reading names as the file import does; 422 for a name that
    is no KPI's or that several KPIs share."""
    by_name: dict[str, list[Kpi]] = {}
    for kpi in kpis:
        by_name.setdefault(name_key(kpi.name), []).append(kpi)
    ids, problems = [], []
    for index, item in enumerate(actuals):
        if item.kpi is None:
            ids.append(item.kpi_id or 0)
            if item.kpi_id is None:
                problems.append(Problem("Name the KPI by kpi_id or kpi.", index, "kpi_id"))
            continue
        if item.kpi_id is not None:
            problems.append(Problem("Send kpi_id or kpi, not both.", index, "kpi"))
        matches = by_name.get(name_key(item.kpi), [])
        if len(matches) == 1:
            ids.append(matches[0].id)
            continue
        ids.append(0)
        if matches:
            listed = ", ".join(str(kpi.id) for kpi in matches)
            message = f"{len(matches)} KPIs are named “{item.kpi}” (ids {listed}): send kpi_id."
        else:
            message = f"“{item.kpi}” is not a KPI of this programme."
        problems.append(Problem(message, index, "kpi"))
    if problems:
        raise _refusal(422, "Some actuals are invalid; nothing was written.", _listed(problems))
    return ids


def _listed(problems: list[Problem]) -> ImportRefused:
    return ImportRefused(problems[:PROBLEMS_LISTED], len(problems))


def _refusal(status: int, detail: str, refused: ImportRefused) -> ApiProblem:
    if refused.unlisted:
        detail += f" {refused.total:,} problems; the first {len(refused.problems):,} listed."
    errors = [
        {"path": f"body/actuals/{problem.line}/{problem.column}", "message": problem.message}
        for problem in refused.problems
    ]
    return ApiProblem(status, detail, errors)


def kpi_item_of(access: ProgrammeAccess, kpi: Kpi) -> KpiItem:
    """One KPI as the list shows it, with its status."""
    views = {view.kpi.id: view for view in kpi_views(access.programme)}
    return _kpi_item(views[kpi.id])


def _kpi_item(view: KpiView) -> KpiItem:
    kpi = view.kpi
    return KpiItem(
        id=kpi.id,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        perspective=kpi.perspective,
        team_id=kpi.team_id,
        baseline_value=kpi.baseline_value,
        baseline_on=kpi.baseline_on,
        target_value=kpi.target_value,
        target_on=kpi.target_on,
        min_value=kpi.min_value,
        max_value=kpi.max_value,
        locked_at=kpi.locked_at,
        version=kpi.version,
        updated_at=kpi.updated_at,
        status=view.status.status,
        trend=view.status.trend,
        latest_actual=view.latest_actual,
        latest_on=view.latest_on,
        progress=view.progress,
        planned_progress=view.planned_progress,
    )
