"""The org tree: everyone reads it; org editors replace it from an HR extract."""

import re
from typing import Annotated

from flask_login import current_user
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform.access import may_edit_shared_content
from transform.api.blueprint import api, via
from transform.api.problems import ApiProblem
from transform.api.schemas import Page, SyncQuery, UtcDateTime, changed_since, page_of
from transform.api.spec import ID_MAX
from transform.extensions import db
from transform.models import Team
from transform.teams import service
from transform.teams.importing import (
    EXTERNAL_ID_MAX,
    HEADCOUNT_MAX,
    NAME_MAX,
    ImportRefused,
    Problem,
    SourceRow,
)
from transform.teams.queries import may_change_team

TAG = "Teams"
MAX_TEAMS = 5_000
#: What _text accepts, for the document: some text, and no NUL (PostgreSQL cannot store it).
TEXT_PATTERN = r"^[^\x00]*[^\x00\s][^\x00]*$"


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


def trimmed_text(max_length: int):
    """A string checked as sent (so the document's lengths hold), kept without outer spaces."""
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length),
        AfterValidator(_text),
        Field(json_schema_extra={"pattern": TEXT_PATTERN}),
    ]


ExternalId = trimmed_text(EXTERNAL_ID_MAX)
TeamName = trimmed_text(NAME_MAX)


class TeamQuery(SyncQuery):
    model_config = ConfigDict(extra="ignore")

    parent_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="Only the direct children of this team."
    )
    external_id: str | None = Field(
        None,
        max_length=EXTERNAL_ID_MAX,
        pattern=r"^[^\x00]*$",
        description="Only the team with this HR team id (exact match).",
    )


class TeamOut(BaseModel):
    id: int
    external_id: str | None = Field(description="The HR system's identifier, if imported.")
    name: str
    parent_id: int | None
    parent_external_id: str | None = Field(description="The parent's HR team id, if any.")
    headcount: int
    version: int
    updated_at: UtcDateTime = Field(description="When it last changed: see updated_since.")


class TeamRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: ExternalId = Field(description="The HR system's team id.")
    name: TeamName
    parent_external_id: ExternalId | None = Field(
        None,
        description="The parent's external id: a team in this body or one that exists. "
        "Null or absent for a top-level team.",
    )
    headcount: int = Field(ge=0, le=HEADCOUNT_MAX, strict=True)


class TeamUpsert(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "teams": [
                        {"external_id": "HR-900", "name": "Shared Services", "headcount": 0},
                        {
                            "external_id": "HR-901",
                            "name": "Shared Services Payroll",
                            "parent_external_id": "HR-900",
                            "headcount": 12,
                        },
                    ]
                }
            ]
        },
    )

    teams: list[TeamRow] = Field(min_length=1, max_length=MAX_TEAMS)


class UpsertResult(BaseModel):
    created: int
    updated: int = Field(description="Teams whose name, headcount or parent changed.")
    unchanged: int
    moved: int = Field(description="Of the updated teams, those given another parent.")


@api.operation(
    "GET",
    "/teams",
    summary="List the org tree's teams",
    tag=TAG,
    description="The org tree is shared by every programme; any token may read it. "
    "Ordered by name. Filter by parent, by HR team id (external_id) or by change time "
    "(updated_since) for an incremental sync.",
    query=TeamQuery,
    response=Page[TeamOut],
)
def list_teams(query: TeamQuery):
    teams = select(Team).options(selectinload(Team.parent)).order_by(Team.name, Team.id)
    if query.parent_id is not None:
        teams = teams.where(Team.parent_id == query.parent_id)
    if query.external_id is not None:
        teams = teams.where(Team.external_id == query.external_id.strip())
    teams = changed_since(teams, Team.updated_at, query.updated_since)
    return page_of(teams, query, _team_out)


@api.operation(
    "GET",
    "/teams/<int:team_id>",
    summary="Read a team",
    tag=TAG,
    description="One team of the org tree, with its HR team id and its parent's.",
    response=TeamOut,
    errors=(404,),
)
def get_team(team_id: int):
    team = db.session.get(Team, team_id)
    if team is None:
        raise ApiProblem(404, "There is no team with this id.")
    return _team_out(team)


def _team_out(team: Team) -> dict:
    return {
        "id": team.id,
        "external_id": team.external_id,
        "name": team.name,
        "parent_id": team.parent_id,
        "parent_external_id": team.parent.external_id if team.parent else None,
        "headcount": team.headcount,
        "version": team.version,
        "updated_at": team.updated_at,
    }


@api.operation(
    "PUT",
    "/teams",
    summary="Create and update teams from an HR extract",
    tag=TAG,
    description="Upserts teams by external id, all or nothing: a team the body names is "
    "created or updated (name, headcount, parent); teams it does not name are left as "
    "they are. Any invalid team (a duplicate external id, an unknown parent, a cycle in "
    "the tree the body would make) refuses the whole body with 422, one error per team "
    "concerned, and nothing is written. Only site administrators and PMO admins, who "
    "edit the org chart in the app, may call it.",
    body=TeamUpsert,
    response=UpsertResult,
    errors=(403, 409, 413),
)
def upsert_teams(body: TeamUpsert):
    if not may_edit_shared_content():
        raise ApiProblem(403, "Only site administrators and PMO admins change the org chart.")
    rows = [
        SourceRow(
            line=index,
            team_id=row.external_id,
            name=row.name,
            parent_id=row.parent_external_id or "",
            headcount=str(row.headcount),
        )
        for index, row in enumerate(body.teams)
    ]
    try:
        summary = service.import_teams(
            rows, via=via(), may_change=lambda team_id: may_change_team(current_user, team_id)
        )
    except ImportRefused as refused:
        raise ApiProblem(
            422, "Some teams are invalid; nothing was saved. See errors.", _errors(refused)
        ) from None
    return {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "moved": summary.moved,
    }


def _errors(refused: ImportRefused) -> list[dict]:
    """One error per team a problem concerns, at the field the problem is about."""
    errors = []
    for problem in refused.problems:
        message = _api_wording(problem.message)
        if not problem.lines:
            errors.append({"path": "body/teams", "message": message})
        for index in problem.lines:
            errors.append({"path": f"body/teams/{index}/{_field(problem)}", "message": message})
    return errors


def _field(problem: Problem) -> str:
    # The planner names its checks in words; the body's own checks come first, so what
    # reaches here is a duplicate id, or a parent that is unknown, itself, or a cycle.
    text = problem.message.lower()
    if text.endswith(" is its own parent."):
        return "parent_external_id"
    if text.startswith(("team id ", "the team id ")):
        return "external_id"
    if text.startswith(("headcount ", "the headcount ")):
        return "headcount"
    if text.startswith("the name "):
        return "name"
    return "parent_external_id"


#: The planner speaks of spreadsheet rows and a file; here its line numbers are indexes
#: into `teams`. Anchored, so that team ids quoted in a message are left alone.
_WORDING = (
    (
        re.compile(r"^Team id (.*) is also on row (\d+)\.$", re.S),
        r"External id \1 is also at index \2.",
    ),
    (
        re.compile(r"^Parent id (.*) is neither in the file nor an existing team\.$", re.S),
        r"Parent external id \1 is neither in the body nor an existing team.",
    ),
    (re.compile(r"^Rows ([\d, ]+) form a cycle:"), r"Indexes \1 form a cycle:"),
    (re.compile(r"^Row (\d+) forms a cycle:"), r"Index \1 forms a cycle:"),
)


def _api_wording(message: str) -> str:
    for pattern, replacement in _WORDING:
        message = pattern.sub(replacement, message, count=1)
    return message
