"""Survey waves over the API: the programme's waves, one wave with its items, and responses
imported from another survey tool, all or nothing, by the response import's checks and
writer (transform.wave_data)."""

import hashlib
import json
from collections import Counter
from datetime import date
from typing import Annotated

from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from transform import clock
from transform.access import ProgrammeAccess, programme_access_or_404
from transform.answers import ItemSpec
from transform.api.blueprint import api, via
from transform.api.problems import ApiProblem
from transform.api.schemas import IsoDate, Page, SyncQuery, UtcDateTime, changed_since, page_of
from transform.api.spec import ID_MAX
from transform.extensions import db
from transform.import_problems import PROBLEMS_LISTED, ImportRefused, Problem
from transform.models import InstrumentKind, Response, Role, Wave, WaveStatus, WaveTeam
from transform.scoring.anonymity import effective_threshold
from transform.wave_data import service
from transform.wave_data.import_files import Row, Table
from transform.wave_data.importing import (
    COMMENT_MAX,
    ColumnMapping,
    TeamMatch,
    check_responses,
)
from transform.wave_data.queries import answer_specs, team_refs
from transform.wave_groups import group_names
from transform.waves.queries import count_label, wave_or_404

TAG = "Surveys"
MAX_RESPONSES = 2_000
#: Columns of the table built from the JSON, before one column per item.
FIELDS = ("team_id", "submitted_on", "comment")
DONT_KNOW = "don't know"


ItemCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
AnswerValue = Annotated[int, Field(ge=1, le=7, strict=True)]


class InstrumentRef(BaseModel):
    id: int
    name: str
    kind: InstrumentKind


class TargetTeam(BaseModel):
    id: int
    name: str


class WaveItem(BaseModel):
    id: int
    name: str
    instrument: InstrumentRef
    status: WaveStatus
    opens_on: date
    closes_on: date
    updated_at: UtcDateTime = Field(description="When it last changed: see updated_since.")
    responses: int | None = Field(
        ge=0,
        description="Responses received so far, all teams; null while there are fewer than "
        "the programme's anonymity threshold (never an exact small count).",
    )
    responses_label: str = Field(
        description='The count as the pages say it: the number, or "fewer than 5".'
    )
    target_teams: list[TargetTeam] = Field(
        description="The teams the wave surveys, by name as they stood when it opened."
    )


class SurveyItem(BaseModel):
    id: int
    code: str = Field(description="The key of the item's answer in an import.")
    text: str
    dimension: str = Field(
        description="An ADKAR element, a readiness subscale or a custom dimension."
    )
    scale_points: int = Field(description="Answers run from 1 to this (5 or 7).")
    is_reverse: bool
    is_required: bool
    allows_dont_know: bool = Field(description="Whether null (don't know) is an answer.")


class WaveDetail(WaveItem):
    items: list[SurveyItem] = Field(description="The instrument's items in their order.")


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    team_id: int = Field(
        ge=1, le=ID_MAX, strict=True, description="One of the teams the wave surveys."
    )
    submitted_on: IsoDate = Field(description="Within the wave's opening and closing days.")
    answers: dict[ItemCode, AnswerValue | None] = Field(
        min_length=1,
        max_length=200,
        description="Item code to answer on the item's scale; null is don't know (where "
        "the item allows it); a missing optional item is unanswered.",
    )
    comment: str | None = Field(None, max_length=COMMENT_MAX, pattern=r"^[^\x00]*$")


class ResponsesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    responses: list[ResponseIn] = Field(min_length=1, max_length=MAX_RESPONSES)


class TeamCount(BaseModel):
    team_id: int
    responses: int = Field(ge=1)


class ResponsesImported(BaseModel):
    responses: int = Field(ge=1)
    answers: int = Field(ge=0)
    per_team: list[TeamCount] = Field(description="Responses imported per team, by team id.")


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/waves",
    summary="List the programme's survey waves",
    tag=TAG,
    description="Newest first, with each wave's instrument, status and response count.",
    query=SyncQuery,
    response=Page[WaveItem],
    errors=(404,),
)
def list_waves(programme_id: int, query: SyncQuery):
    access = programme_access_or_404(programme_id)
    counts = _response_counts(access)
    waves = (
        select(Wave)
        .where(Wave.programme_id == access.programme.id)
        .options(selectinload(Wave.instrument), selectinload(Wave.teams).joinedload(WaveTeam.team))
        .order_by(Wave.opens_on.desc(), Wave.id.desc())
    )
    waves = changed_since(waves, Wave.updated_at, query.updated_since)
    return page_of(waves, query, lambda wave: _wave_item(wave, counts.get(wave.id, 0)))


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/waves/<int:wave_id>",
    summary="Read a survey wave with its items",
    tag=TAG,
    response=WaveDetail,
    errors=(404,),
)
def get_wave(programme_id: int, wave_id: int):
    access, wave = wave_or_404(programme_id, wave_id)
    count = _response_counts(access, wave.id).get(wave.id, 0)
    items = [
        SurveyItem.model_validate(item, from_attributes=True) for item in wave.instrument.items
    ]
    return WaveDetail(**_wave_item(wave, count).model_dump(), items=items)


@api.operation(
    "POST",
    "/programmes/<int:programme_id>/waves/<int:wave_id>/responses",
    summary="Import survey responses, all or nothing",
    tag=TAG,
    description="Responses collected by another survey tool, each tagged with its team and "
    "day only. Every response is checked first (a team the wave surveys, a day within the "
    "wave, every required item answered on its scale, only the instrument's items); one "
    "bad response refuses them all with 422 and the path of each problem. The same batch "
    "sent twice is refused with 409: it would count every respondent twice. PMO admins "
    "only, as the import page.",
    body=ResponsesIn,
    response=ResponsesImported,
    status=201,
    errors=(403, 404, 409, 413),
)
def import_responses(programme_id: int, wave_id: int, body: ResponsesIn):
    _access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    try:
        service.refuse_padding(wave, current_user)
    except service.CollectionRefused as refused:
        raise ApiProblem(409, refused.problems[0].message) from None
    items = answer_specs(wave)
    table, mapping, paths = _table(body.responses, items)
    _check(body.responses, wave, items, table, mapping, paths)
    digest = hashlib.sha256(
        json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    try:
        summary = service.import_responses(
            wave, table, mapping, clock.today(), digest, current_user, via()
        )
    except ImportRefused:
        # Every row passed the checks above: what is left is the same batch sent again.
        raise ApiProblem(
            409,
            "These responses were already imported into this wave; importing them again "
            "would count every response twice.",
        ) from None
    counts = Counter(response.team_id for response in body.responses)
    return ResponsesImported(
        responses=summary.responses,
        answers=summary.answers,
        per_team=[TeamCount(team_id=team, responses=n) for team, n in sorted(counts.items())],
    )


def _response_counts(access: ProgrammeAccess, wave_id: int | None = None) -> dict[int, int]:
    query = (
        select(Response.wave_id, func.count(Response.id))
        .join(Wave, Wave.id == Response.wave_id)
        .where(Wave.programme_id == access.programme.id)
        .group_by(Response.wave_id)
    )
    if wave_id is not None:
        query = query.where(Wave.id == wave_id)
    return dict(db.session.execute(query).all())


def _wave_item(wave: Wave, responses: int) -> WaveItem:
    threshold = effective_threshold(wave.programme.anonymity_threshold)
    groups = group_names(wave.id)
    teams = sorted(
        (group for group in groups.values() if group.is_target),
        key=lambda group: (group.name, group.team_id),
    )
    return WaveItem(
        id=wave.id,
        name=wave.name,
        instrument=InstrumentRef(
            id=wave.instrument.id, name=wave.instrument.name, kind=wave.instrument.kind
        ),
        status=wave.status,
        opens_on=wave.opens_on,
        closes_on=wave.closes_on,
        updated_at=wave.updated_at,
        responses=responses if responses == 0 or responses >= threshold else None,
        responses_label=count_label(responses, threshold),
        target_teams=[TargetTeam(id=team.team_id, name=team.name) for team in teams],
    )


# The JSON as the table a file import reads, so its checks and writer serve unchanged


def _table(
    responses: list[ResponseIn], items: list[ItemSpec]
) -> tuple[Table, ColumnMapping, dict[str, str]]:
    """The responses as a table (a row per response, its index as the line), the mapping
    of its columns, and the request path of each column's label."""
    headers = (*FIELDS, *(f"answers/{item.code}" for item in items))
    rows = tuple(
        Row(
            index,
            (
                str(response.team_id),
                response.submitted_on.isoformat(),
                response.comment or "",
                *(_cell(response.answers, item.code) for item in items),
            ),
        )
        for index, response in enumerate(responses)
    )
    table = Table(headers, rows)
    mapping = ColumnMapping(
        items={item.id: len(FIELDS) + position for position, item in enumerate(items)},
        team=0,
        team_match=TeamMatch.ID,
        day=1,
        comment=2,
    )
    return table, mapping, dict(zip(table.labels(), headers, strict=True))


def _cell(answers: dict[str, int | None], code: str) -> str:
    if code not in answers:
        return ""
    value = answers[code]
    return DONT_KNOW if value is None else str(value)


def _check(
    responses: list[ResponseIn],
    wave: Wave,
    items: list[ItemSpec],
    table: Table,
    mapping: ColumnMapping,
    paths: dict[str, str],
) -> None:
    """Refuse with 422 listing every problem of every response: the import's own checks,
    and answers to items the instrument does not have."""
    codes = {item.code for item in items}
    problems = [
        Problem(f"{code} is not an item of this wave's survey.", index, f"answers/{code}")
        for index, response in enumerate(responses)
        for code in response.answers
        if code not in codes
    ]
    total = len(problems)
    try:
        check_responses(
            table, mapping, items, team_refs(wave), (wave.opens_on, wave.closes_on), wave.opens_on
        )
    except ImportRefused as refused:
        located = [Problem(p.message, p.line, paths.get(p.column, "")) for p in refused.problems]
        problems, total = problems + located, total + refused.total
    if not problems:
        return
    problems.sort(key=lambda problem: problem.line if problem.line is not None else -1)
    errors = [
        {"path": _path(problem), "message": problem.message}
        for problem in problems[:PROBLEMS_LISTED]
    ]
    detail = "Some responses are invalid; nothing was imported."
    if total > len(errors):
        detail += f" {total:,} problems; the first {len(errors):,} listed."
    raise ApiProblem(422, detail, errors)


def _path(problem: Problem) -> str:
    if problem.line is None:
        return "body/responses"
    return f"body/responses/{problem.line}/{problem.column}".rstrip("/")
