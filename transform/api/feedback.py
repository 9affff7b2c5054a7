"""Change agents' feedback log: members read it; agents log for the teams they cover."""

from datetime import date

from flask_login import current_user
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform import clock
from transform.access import programme_access_or_404
from transform.api.blueprint import api, via
from transform.api.problems import ApiProblem
from transform.api.schemas import IsoDate, Page, SyncQuery, UtcDateTime, changed_since, page_of
from transform.api.spec import ID_MAX
from transform.api.teams import trimmed_text
from transform.feedback import queries, service
from transform.models import Adkar, BarrierCategory, FeedbackEntry, Resistance
from transform.orgtree import load_parents, subtree_ids

TAG = "Feedback"
TEXT_MAX = 5000


ObservationText = trimmed_text(TEXT_MAX)


class FeedbackQuery(SyncQuery):
    model_config = ConfigDict(extra="ignore")

    team_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="Only entries about this team and its sub-teams."
    )
    date_from: IsoDate | None = Field(None, description="Observed on or after this date.")
    date_to: IsoDate | None = Field(None, description="Observed on or before this date.")

    @field_validator("date_to")
    @classmethod
    def _range_ordered(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("date_from")
        if value is not None and start is not None and value < start:
            raise ValueError("The end of the range is before its start.")
        return value


class FeedbackOut(BaseModel):
    id: int
    team_id: int
    agent_id: int | None = Field(description="The change agent who logged it.")
    agent_name: str | None = Field(description="Null if the agent's account was deleted.")
    observed_on: date
    observed_stage: Adkar = Field(description="The ADKAR element the team is working on.")
    sentiment: int = Field(ge=-2, le=2, description="-2 very negative to +2 very positive.")
    resistance: Resistance
    barrier: BarrierCategory
    text: str
    created_at: UtcDateTime
    updated_at: UtcDateTime = Field(description="When it last changed: see updated_since.")
    version: int


class FeedbackIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "team_id": 11,
                    "observed_on": "2026-11-20",
                    "observed_stage": "knowledge",
                    "sentiment": 1,
                    "barrier": "skills_gap",
                    "text": "Two people still book matters in the old system.",
                }
            ]
        },
    )

    team_id: int = Field(
        ge=1,
        le=ID_MAX,
        strict=True,
        description="A team the programme impacts that you may log for: as a change agent "
        "one you are assigned to, as a PMO admin any impacted team.",
    )
    observed_on: IsoDate = Field(
        description="Not in the future, and not before the programme started."
    )
    observed_stage: Adkar = Field(description="The ADKAR element the team is working on.")
    sentiment: int = Field(
        ge=-2, le=2, strict=True, description="-2 very negative to +2 very positive."
    )
    resistance: Resistance = Resistance.NONE
    barrier: BarrierCategory = BarrierCategory.NONE
    text: ObservationText = Field(description="What you observed.")

    @field_validator("observed_on")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > clock.today():
            raise ValueError("An observation cannot be dated in the future.")
        return value


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/feedback",
    summary="List a programme's feedback entries",
    tag=TAG,
    description="Every member of the programme reads its feedback log, as in the app. "
    "Newest observation first.",
    query=FeedbackQuery,
    response=Page[FeedbackOut],
    errors=(404,),
)
def list_feedback(programme_id: int, query: FeedbackQuery):
    access = programme_access_or_404(programme_id)
    entries = (
        select(FeedbackEntry)
        .where(FeedbackEntry.programme_id == access.programme.id)
        .options(selectinload(FeedbackEntry.agent))
        .order_by(FeedbackEntry.observed_on.desc(), FeedbackEntry.id.desc())
    )
    if query.team_id is not None:
        teams = subtree_ids(load_parents(), query.team_id)
        entries = entries.where(FeedbackEntry.team_id.in_(teams))
    if query.date_from is not None:
        entries = entries.where(FeedbackEntry.observed_on >= query.date_from)
    if query.date_to is not None:
        entries = entries.where(FeedbackEntry.observed_on <= query.date_to)
    entries = changed_since(entries, FeedbackEntry.updated_at, query.updated_since)
    return page_of(entries, query, _entry_out)


def _entry_out(entry: FeedbackEntry) -> dict:
    return {
        "id": entry.id,
        "team_id": entry.team_id,
        "agent_id": entry.agent_id,
        "agent_name": entry.agent.name if entry.agent else None,
        "observed_on": entry.observed_on,
        "observed_stage": entry.observed_stage,
        "sentiment": entry.sentiment,
        "resistance": entry.resistance,
        "barrier": entry.barrier,
        "text": entry.text,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "version": entry.version,
    }


@api.operation(
    "POST",
    "/programmes/<int:programme_id>/feedback",
    summary="Log a feedback entry",
    tag=TAG,
    description="Logs an observation of a team as the token's owner. Change agents log "
    "for the teams they are assigned to, PMO admins for any team the programme impacts; "
    "sponsors do not log. A team the programme does not impact is 404; one you may not "
    "log for is 403; an archived programme is 403.",
    body=FeedbackIn,
    response=FeedbackOut,
    status=201,
    errors=(403, 404),
)
def create_feedback(programme_id: int, body: FeedbackIn):
    access = programme_access_or_404(programme_id, for_write=True)
    if queries.impacted_team_or_none(access.programme, body.team_id) is None:
        raise ApiProblem(404, "The programme does not impact this team.")
    if body.team_id not in {team.id for team in queries.loggable_teams(access, current_user)}:
        raise ApiProblem(403, "You are not assigned to this team, so you cannot log for it.")
    if body.observed_on < access.programme.starts_on:
        raise ApiProblem(
            422,
            "Some values are invalid; see errors.",
            [{"path": "body/observed_on", "message": "The date is before the programme started."}],
        )
    observation = service.Observation(
        team_id=body.team_id,
        observed_on=body.observed_on,
        observed_stage=body.observed_stage,
        sentiment=body.sentiment,
        resistance=body.resistance,
        barrier=body.barrier,
        text=body.text,
    )
    entry = service.log_feedback(access.programme, current_user, observation, via=via())
    return _entry_out(entry)
