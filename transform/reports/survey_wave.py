"""The survey wave report: who answered, what they said per dimension and team, how
reliable the scales were, and the comments anonymity allows.

Response rates are the wave page's; each team's dimension means pool its subtree's
respondents and pass the dashboard's disclosure control (a suppressed figure and its
n never reach the template); an ADKAR wave adds the dashboard's adoption figures.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from transform.charts import Bar, IntervalRow, bars_svg, intervals_svg
from transform.indices.service import TeamFigures, WaveDashboard, wave_dashboard
from transform.instruments.forms import dimension_label
from transform.loaders import WaveFrames, wave_frames
from transform.models import InstrumentKind, Programme
from transform.reports.content import ReportContent
from transform.reports.report_data import (
    WAVE_NOTE,
    TeamRow,
    wave_comments,
    wave_in_programme,
    wave_tree_rows,
)
from transform.scoring.adkar import ADKAR, mean_ci_by
from transform.scoring.anonymity import CellState, Disclosure, disclosure
from transform.scoring.estimate import Estimate
from transform.scoring.items import dimension_scores, dimensions
from transform.scoring.reliability import ALPHA_FLAG, alpha_by_dimension
from transform.scoring.rollup import pooled
from transform.waves.queries import WaveCounts, wave_counts

WHOLE_WAVE = -1
NO_SCORES = "no respondent answered enough of the dimension's items"


@dataclass(frozen=True)
class RateRow:
    team: str
    headcount: int
    #: The count as the wave page shows it: the number, or "hidden" (surveys.queries).
    responses: str
    #: Responses as a percentage of headcount; None without a headcount or when hidden.
    rate: float | None
    hidden: bool


@dataclass(frozen=True)
class ResultRow:
    team_id: int
    name: str
    depth: int
    state: CellState
    #: Pooled respondents; None when the figures are withheld.
    n: int | None = None
    #: Normalised (0-100) mean of each dimension, in the instrument's order.
    means: tuple[Estimate, ...] = ()
    #: The dashboard's figures for an ADKAR wave.
    adoption: TeamFigures | None = None


@dataclass(frozen=True)
class ReliabilityRow:
    dimension: str
    items: int
    alpha: Estimate
    is_flagged: bool


def build(
    programme: Programme, as_of: date, *, team_id: int | None = None, wave_id: int | None = None
) -> ReportContent:
    wave = wave_in_programme(programme, wave_id, as_of)
    frames = wave_frames(wave.id, as_of)
    keys = dimensions(frames.items) if len(frames.items) else []
    counts = wave_counts(wave, programme.anonymity_threshold, as_of)
    rates = _rates(counts)
    team_rows, depth_limit = wave_tree_rows(wave)
    scores = _scores(frames, keys)
    control = disclosure(
        scores.groupby("team_id").size().to_dict(), frames.parents, programme.anonymity_threshold
    )
    dashboard = (
        wave_dashboard(programme, wave, None, as_of)
        if wave.instrument.kind == InstrumentKind.ADKAR
        else None
    )
    total = _results(
        [TeamRow(WHOLE_WAVE, "All teams", 0)],
        scores.assign(team_id=WHOLE_WAVE),
        {WHOLE_WAVE: None},
        keys,
        {WHOLE_WAVE: control.total_state},
        {WHOLE_WAVE: len(scores)},
        {WHOLE_WAVE: dashboard.total} if dashboard else {},
    )[0]
    rows = _results(
        team_rows,
        scores,
        frames.parents,
        keys,
        {row.team_id: control.cell_state(row.team_id) for row in team_rows},
        control.pooled,
        {row.team_id: row for row in dashboard.rows} if dashboard else {},
    )
    reliability = _reliability(frames, keys, control)
    context = {
        "wave": wave,
        "instrument": wave.instrument.name,
        "kind": wave.instrument.kind.value,
        "threshold": control.threshold,
        "rates": rates,
        "responses": counts.total if counts.total_shown else None,
        "responses_label": counts.total_label,
        "people": counts.people,
        "dimensions": [dimension_label(key) for key in keys],
        "total": total,
        "rows": rows,
        "depth_limit": depth_limit,
        "means_chart": _means_chart(total, keys),
        "barrier_chart": _barrier_chart(dashboard),
        "barriers": _barriers(dashboard),
        "reliability": reliability,
        "alpha_flag": ALPHA_FLAG,
        "comments": wave_comments(programme, wave, as_of=as_of),
        "wave_note": WAVE_NOTE,
    }
    return ReportContent(
        template="reports/survey_wave.html",
        title=f"Survey wave report: {wave.name}",
        subtitle=f"{wave.instrument.name}: response rates, results by team and dimension, "
        "reliability and comments",
        sections=[
            ("summary", "Summary"),
            ("responses", "Response rates"),
            ("results", "Results by team and dimension"),
            ("reliability", "Reliability of the scales"),
            ("comments", "Comments"),
            ("method", "Method and anonymity"),
        ],
        context=context,
    )


def _rates(counts: WaveCounts) -> list[RateRow]:
    return [
        RateRow(r.name, r.headcount, r.count_label, r.rate, not r.count_shown)
        for r in counts.rates
    ]


def _scores(frames: WaveFrames, keys: list[str]) -> pd.DataFrame:
    """Each response's normalised (0-100) dimension scores, with its team."""
    if frames.answers.empty:
        return pd.DataFrame(columns=["team_id", *keys], dtype="float64")
    scores = dimension_scores(frames.answers, frames.items, normalised=True)
    return scores.reindex(columns=["team_id", *keys])


def _results(
    team_rows: list[TeamRow],
    scores: pd.DataFrame,
    parents,
    keys: list[str],
    states: dict[int, CellState],
    counts,
    adoption: dict[int, TeamFigures],
) -> list[ResultRow]:
    """Each team's dimension means over its subtree, for the teams whose figures are shown."""
    shown = [row for row in team_rows if states[row.team_id] == CellState.SHOWN]
    means: dict[str, list[Estimate]] = {}
    if shown:
        spread = pooled(scores, parents)
        teams = pd.Index([row.team_id for row in shown])
        means = {
            key: mean_ci_by(spread[key], spread["team_id"], teams, 0.0, 100.0, NO_SCORES)
            for key in keys
        }
    position = {row.team_id: index for index, row in enumerate(shown)}
    result = []
    for row in team_rows:
        state = states[row.team_id]
        if state != CellState.SHOWN:
            result.append(ResultRow(row.team_id, row.name, row.depth, state))
            continue
        at = position[row.team_id]
        result.append(
            ResultRow(
                row.team_id,
                row.name,
                row.depth,
                state,
                int(counts[row.team_id]),
                tuple(means[key][at] for key in keys),
                adoption.get(row.team_id),
            )
        )
    return result


def _reliability(frames: WaveFrames, keys: list[str], control: Disclosure):
    """Cronbach's alpha per dimension over the whole wave, when its figures are shown."""
    if control.total_state != CellState.SHOWN:
        return None
    alphas = alpha_by_dimension(frames.answers, frames.items)
    items = frames.items.groupby("dimension")["item_id"].nunique()
    return [
        ReliabilityRow(
            dimension_label(key),
            int(items[key]),
            alphas[key],
            alphas[key].value is not None and alphas[key].value < ALPHA_FLAG,
        )
        for key in keys
    ]


def _means_chart(total: ResultRow, keys: list[str]) -> str | None:
    if total.state != CellState.SHOWN:
        return None
    rows = [
        IntervalRow(dimension_label(key), e.value, e.ci_low, e.ci_high)
        for key, e in zip(keys, total.means, strict=True)
        if e.value is not None
    ]
    return intervals_svg(rows, "Whole-wave mean of each dimension, 0-100") if rows else None


def _barriers(dashboard: WaveDashboard | None) -> list[tuple[str, int]] | None:
    if dashboard is None or dashboard.total.state != CellState.SHOWN:
        return None
    labels = [element.capitalize() for element in ADKAR] + ["No barrier"]
    return list(zip(labels, dashboard.total.barriers, strict=True))


def _barrier_chart(dashboard: WaveDashboard | None) -> str | None:
    barriers = _barriers(dashboard)
    if not barriers or not sum(count for _, count in barriers):
        return None
    main = (dashboard.total.barrier_point or "").capitalize()
    return bars_svg(
        [
            Bar(
                name,
                count,
                "high" if name == "No barrier" else "low" if name == main else "neutral",
            )
            for name, count in barriers
        ],
        "Respondents by ADKAR barrier point",
    )
