"""The benefits register over the API, read-only: each initiative with its stage, value
totals in the programme's currency and value at risk."""

from pydantic import BaseModel, Field
from sqlalchemy import select

from transform import clock
from transform.access import programme_access_or_404
from transform.api.blueprint import api
from transform.api.schemas import Page, PageQuery, page_of
from transform.benefits.queries import BenefitFilters, RegisterRow, register
from transform.models import Initiative, InitiativeStage

TAG = "Benefits"


class InitiativeItem(BaseModel):
    id: int
    name: str
    stage: InitiativeStage
    workstream: str
    owner_id: int | None
    phase_id: int | None
    team_ids: list[int] = Field(description="The teams the initiative changes.")
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
    query=PageQuery,
    response=Page[InitiativeItem],
    errors=(404,),
)
def list_initiatives(programme_id: int, query: PageQuery):
    access = programme_access_or_404(programme_id)
    programme = access.programme
    rows = {
        row.initiative.id: row for row in register(programme, BenefitFilters(), clock.today()).rows
    }
    initiatives = (
        select(Initiative).where(Initiative.programme_id == programme_id).order_by(Initiative.id)
    )
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
        currency=currency,
        planned_net=row.planned.net,
        forecast_net=row.forecast.net,
        actual_net=row.actual.net,
        expected_net=row.expected,
        value_at_risk=row.risk.value,
    )
