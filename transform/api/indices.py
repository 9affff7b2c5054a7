"""A wave's adoption and readiness indices over the API, per team, exactly as the adoption
dashboard computes them (transform.indices.service.wave_dashboard). Disclosure control
is applied there: a team below the anonymity threshold gets its state and a message here,
never a number, not even its n. Figures go out rounded, by the Score and Coefficient types
of transform.api.schemas."""

from datetime import date
from typing import Generic, Literal, TypeVar

from flask import abort
from pydantic import BaseModel, ConfigDict, Field

from transform import clock
from transform.access import programme_access_or_404
from transform.api.blueprint import api
from transform.api.problems import ApiProblem
from transform.api.schemas import Coefficient, Score
from transform.api.spec import ID_MAX
from transform.indices.readiness import TeamReadiness
from transform.indices.service import TeamFigures, wave_dashboard
from transform.models import InstrumentKind, WaveStatus
from transform.scoring.adkar import ADKAR, UNDETERMINED
from transform.scoring.anonymity import CellState
from transform.scoring.bands import Band
from transform.scoring.estimate import Estimate
from transform.scoring.readiness import COMPONENT_LABELS, COMPONENTS
from transform.teams.queries import external_ids_of
from transform.wave_groups import wave_parents
from transform.waves.queries import wave_or_none

TAG = "Indices"
NOT_ADKAR = "Indices exist for ADKAR waves only."
NOT_OPENED = "This wave has not opened; its indices exist once it opens."


class IndicesQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    team_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="Only this team and the teams below it."
    )


#: What an estimate's value and bounds are sent as: a Score or a Coefficient.
Figure = TypeVar("Figure")


class _Estimate(BaseModel, Generic[Figure]):
    value: Figure | None = Field(description="Null when it cannot be estimated; see reason.")
    ci_low: Figure | None
    ci_high: Figure | None
    n: int = Field(ge=0)
    reason: str | None = Field(description="Why the value or the interval is missing.")


class IndexEstimate(_Estimate[Score]):
    """A score on 0-100, to one decimal, with its 95% interval and the respondents behind it."""


class AgreementEstimate(_Estimate[Coefficient]):
    """Within-team agreement rwg(j) on 0-1, to two decimals, with the respondents behind it."""


class AdkarElements(BaseModel):
    """The team's mean score on each ADKAR element, normalised to 0-100, to one decimal."""

    awareness: IndexEstimate
    desire: IndexEstimate
    knowledge: IndexEstimate
    ability: IndexEstimate
    reinforcement: IndexEstimate


class ReadinessComponent(BaseModel):
    name: Literal[COMPONENTS]
    label: str = Field(description="How pages and reports name the component.")
    value: Score | None = Field(
        description="0-100 to one decimal, higher is better for every component; null when "
        "it has no data. change_load is the change load headroom: 100 less the team's "
        "change load in % of its capacity this month (100 = nothing else changing, 0 = at "
        "or over capacity)."
    )
    weight: Coefficient = Field(description="The programme's weight for it, 0-1 to two decimals.")
    effective_weight: Coefficient = Field(
        description="Its share of the index once missing components dropped out, 0-1 to two "
        "decimals (rounded, the shares may not add up to exactly 1)."
    )
    reason: str | None


class ReadinessIndex(BaseModel):
    value: Score | None = Field(
        description="0-100 to one decimal; null when no component has data."
    )
    band: Band | None = Field(
        description="The band of the value as pages show it, in whole points with halves "
        "rounded up (69.5 shows 70): ready from 70, caution from 50, else not ready."
    )
    reason: str | None
    reweighted: bool = Field(description="Whether a missing component's weight moved.")
    components: list[ReadinessComponent]
    commitment: IndexEstimate = Field(description="The change commitment subscale.")
    efficacy: IndexEstimate = Field(description="The change efficacy subscale.")
    agreement: AgreementEstimate = Field(description="rwg(j) over the readiness items.")
    change_load_percent: Score | None = Field(
        description="The team's change load this month in % of its capacity (over 100 when "
        "overloaded), to one decimal; the change_load component is its headroom, 100 less "
        "it, at least 0."
    )


class WaveFigures(BaseModel):
    state: CellState = Field(
        description="shown; below_threshold (fewer respondents than the programme's "
        "anonymity threshold, or withheld so that such a figure cannot be recovered); "
        "no_data. Only a shown entry carries figures: the others have null n and figures."
    )
    message: str | None = Field(description="Why nothing is shown, in words.")
    n: int | None = Field(description="Respondents pooled over the team and those below it.")
    adoption_index: IndexEstimate | None = Field(
        description="Mean ADKAR progress, 0-100 to one decimal."
    )
    adoption_rate: IndexEstimate | None = Field(
        description="Percentage of respondents with no ADKAR barrier, to one decimal."
    )
    elements: AdkarElements | None
    barrier_point: Literal[(*ADKAR, UNDETERMINED)] | None = Field(
        description=(
            "The team's barrier point: the first ADKAR element whose team mean is at or "
            "below 50 of 100; null when none is, unknown when an element before it has no "
            "mean."
        )
    )


class TeamIndices(WaveFigures):
    team_id: int
    external_id: str | None = Field(description="The team's HR team id, if it has one.")
    name: str
    parent_id: int | None = Field(
        description="The team's parent as it stood when the wave opened (its groups are "
        "frozen then)."
    )
    depth: int = Field(ge=0, description="0 for the top teams listed.")
    readiness: ReadinessIndex | None


class WaveRef(BaseModel):
    id: int
    name: str
    status: WaveStatus
    opens_on: date
    closes_on: date


class ReadinessWeights(BaseModel):
    """The programme's weight for each readiness component, 0-1 to two decimals."""

    readiness_survey: Coefficient
    adkar: Coefficient
    agent_coverage: Coefficient
    training: Coefficient
    change_load: Coefficient


class WaveIndices(BaseModel):
    wave: WaveRef
    threshold: int = Field(description="The anonymity threshold applied.")
    total: WaveFigures = Field(description="The whole wave, every team pooled.")
    teams: list[TeamIndices] = Field(
        description="The wave's teams and their ancestors, depth first, as the dashboard."
    )
    team_count: int = Field(ge=0, description="The teams the wave (and filter) covers.")
    depth_limit: int | None = Field(
        description="When the tree is too large, the deepest level listed: filter by "
        "team_id to see below it. Null when every team is listed."
    )
    readiness_as_of: date = Field(description="The wave's close, or today while it is open.")
    readiness_wave_id: int | None = Field(
        description="The readiness survey wave the readiness index uses; null if none."
    )
    readiness_weights: ReadinessWeights


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/waves/<int:wave_id>/indices",
    summary="Read a wave's adoption and readiness indices per team",
    tag=TAG,
    description="The adoption dashboard's figures: per team the adoption index and rate "
    "with n and 95% CI, the five ADKAR element means, the main barrier and the readiness "
    "index with its band and components, plus the whole wave. A team below the anonymity "
    "threshold has state below_threshold, a message and no figures. Scores on 0-100 "
    "(indices, rates in percent, element and subscale means, readiness and its components, "
    "and their interval bounds) come to one decimal; weights and the agreement rwg(j), on "
    "0-1, to two; n is a whole number. Indices exist for opened ADKAR waves only: any other "
    "wave is 404. Send the ETag back in If-None-Match to get 304 while nothing changed.",
    query=IndicesQuery,
    response=WaveIndices,
    errors=(404,),
    etag=True,
)
def wave_indices(programme_id: int, wave_id: int, query: IndicesQuery):
    access = programme_access_or_404(programme_id)
    wave = wave_or_none(access.programme, wave_id)
    if wave is None:
        abort(404)
    if wave.instrument.kind != InstrumentKind.ADKAR:
        raise ApiProblem(404, NOT_ADKAR)
    if wave.status == WaveStatus.DRAFT:
        raise ApiProblem(404, NOT_OPENED)
    dashboard = wave_dashboard(access.programme, wave, query.team_id, clock.today())
    if query.team_id is not None and (
        not dashboard.rows or dashboard.rows[0].team_id != query.team_id
    ):
        raise ApiProblem(
            422,
            "Some values are invalid; see errors.",
            [{"path": "query/team_id", "message": "Not a team this wave surveys or above one."}],
        )
    # The wave's tree as it stood when it opened, as the figures pool it.
    parents = wave_parents(wave.id)
    external_ids = external_ids_of([row.team_id for row in dashboard.rows])
    readiness = dashboard.readiness
    return WaveIndices(
        wave=WaveRef.model_validate(wave, from_attributes=True),
        threshold=dashboard.threshold,
        total=_figures(dashboard.total, dashboard.threshold),
        teams=[
            TeamIndices(
                team_id=row.team_id,
                external_id=external_ids.get(row.team_id),
                name=row.name,
                parent_id=parents.get(row.team_id),
                depth=row.depth,
                readiness=_readiness(row.readiness) if _shown(row) else None,
                **_figures(row, dashboard.threshold).model_dump(),
            )
            for row in dashboard.rows
        ],
        team_count=dashboard.team_count,
        depth_limit=dashboard.depth_limit,
        readiness_as_of=readiness.as_of,
        readiness_wave_id=readiness.wave.id if readiness.wave else None,
        readiness_weights=ReadinessWeights(**readiness.weights),
    )


def _shown(figures: TeamFigures) -> bool:
    return figures.state == CellState.SHOWN and figures.n is not None


def _figures(figures: TeamFigures, threshold: int) -> WaveFigures:
    """A row's figures; words and nulls only when it is not shown."""
    if not _shown(figures):
        message = (
            f"fewer than {threshold} responses"
            if figures.state == CellState.BELOW_THRESHOLD
            else "no responses"
        )
        return WaveFigures(
            state=figures.state,
            message=message,
            n=None,
            adoption_index=None,
            adoption_rate=None,
            elements=None,
            barrier_point=None,
        )
    return WaveFigures(
        state=figures.state,
        message=None,
        n=figures.n,
        adoption_index=_estimate(figures.adoption_index),
        adoption_rate=_estimate(figures.adoption_rate),
        elements=AdkarElements(
            **{name: _estimate(e) for name, e in zip(ADKAR, figures.elements, strict=True)}
        ),
        barrier_point=figures.barrier_point,
    )


def _estimate(
    estimate: Estimate | None, model: type[BaseModel] = IndexEstimate
) -> BaseModel | None:
    if estimate is None:
        return None
    return model(
        value=estimate.value,
        ci_low=estimate.ci_low,
        ci_high=estimate.ci_high,
        n=estimate.n,
        reason=estimate.reason,
    )


def _readiness(readiness: TeamReadiness | None) -> ReadinessIndex | None:
    if readiness is None:
        return None
    result = readiness.result
    return ReadinessIndex(
        value=result.value,
        band=result.band,
        reason=result.reason,
        reweighted=result.is_reweighted,
        components=[
            ReadinessComponent(
                name=part.name,
                label=COMPONENT_LABELS[part.name],
                value=part.value,
                weight=part.weight,
                effective_weight=part.effective_weight,
                reason=part.reason,
            )
            for part in result.components
        ],
        commitment=_estimate(readiness.commitment),
        efficacy=_estimate(readiness.efficacy),
        agreement=_estimate(readiness.agreement, AgreementEstimate),
        change_load_percent=readiness.load_percent,
    )
