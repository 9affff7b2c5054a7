"""A team's adoption over the programme's waves: figures, trend, forecast, observed stage.

Each wave's figures pool the team's subtree and pass the same disclosure control as the
dashboard; a wave whose figure is suppressed contributes nothing to trends or forecasts.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from transform.extensions import db
from transform.indices.service import adkar_waves
from transform.loaders import wave_frames
from transform.models import FeedbackEntry, Programme, Wave
from transform.scoring.adkar import ADKAR, StageComparison, observed_vs_survey, respondent_adoption
from transform.scoring.anonymity import CellState, disclosure, effective_threshold
from transform.scoring.estimate import Estimate
from transform.scoring.forecast import Forecast, forecast_adoption
from transform.scoring.items import dimension_scale_points, dimension_scores
from transform.scoring.rollup import pooled, rollup_adoption
from transform.scoring.trend import rate_trend, trend


@dataclass(frozen=True)
class WavePoint:
    wave: Wave
    state: CellState
    n: int | None = None
    adoption_index: Estimate | None = None
    adoption_rate: Estimate | None = None
    elements: tuple[Estimate, ...] = ()
    index_trend: Estimate | None = None
    rate_trend: Estimate | None = None


@dataclass(frozen=True)
class TeamHistory:
    points: list[WavePoint]
    forecast: Forecast | None
    comparison: StageComparison | None
    threshold: int


def team_history(programme: Programme, team_id: int, as_of: date) -> TeamHistory:
    """The team's figures in each ADKAR wave opened by `as_of`, oldest first, with trend and
    forecast; only responses submitted and feedback observed by then count."""
    points: list[WavePoint] = []
    previous = None  # (progress series, adopted, determined) of the last shown wave
    for wave in reversed(adkar_waves(programme, opened_by=as_of)):
        point, current = _wave_point(programme, wave, team_id, previous, as_of)
        points.append(point)
        previous = current or previous
    shown = [p for p in points if p.state == CellState.SHOWN and p.adoption_rate.value is not None]
    forecast = (
        forecast_adoption(
            [(p.wave.closes_on, p.adoption_rate.value, p.n) for p in shown],
            programme.target_adoption_rate,
            programme.starts_on,
        )
        if shown
        else None
    )
    latest = shown[-1].adoption_index if shown else None
    return TeamHistory(
        points,
        forecast,
        _comparison(programme, team_id, latest, as_of),
        effective_threshold(programme.anonymity_threshold),
    )


def _wave_point(programme, wave, team_id, previous, as_of):
    frames = wave_frames(wave.id, as_of)
    scale = int(dimension_scale_points(frames.items).max()) if len(frames.items) else 5
    elements = dimension_scores(frames.answers, frames.items).reindex(columns=["team_id", *ADKAR])
    control = disclosure(
        elements.groupby("team_id").size().to_dict(), frames.parents, programme.anonymity_threshold
    )
    state = control.cell_state(team_id)
    if state != CellState.SHOWN:
        return WavePoint(wave, state), None
    figures = rollup_adoption(elements, frames.parents, scale).loc[team_id]
    mine = pooled(elements, frames.parents)
    progress = respondent_adoption(mine[mine["team_id"] == team_id], scale)["progress"]
    determined = int(progress.notna().sum())
    adopted = int((progress == 100).sum())
    point = WavePoint(
        wave,
        state,
        int(figures["n"]),
        figures["adoption_index"],
        figures["adoption_rate"],
        tuple(figures[f"{element}_normalised"] for element in ADKAR),
        index_trend=trend(previous[0] if previous else None, progress),
        rate_trend=(
            rate_trend(previous[1], previous[2], adopted, determined)
            if previous
            else rate_trend(None, None, adopted, determined)
        ),
    )
    return point, (progress, adopted, determined)


def _comparison(programme: Programme, team_id: int, latest: Estimate | None, as_of: date):
    stage = db.session.scalar(
        select(FeedbackEntry.observed_stage)
        .where(
            FeedbackEntry.programme_id == programme.id,
            FeedbackEntry.team_id == team_id,
            FeedbackEntry.observed_on <= as_of,
        )
        .order_by(FeedbackEntry.observed_on.desc(), FeedbackEntry.id.desc())
        .limit(1)
    )
    if latest is None and stage is None:
        return None
    return observed_vs_survey(latest, stage.value if stage else None)


__all__ = ["TeamHistory", "WavePoint", "team_history"]
