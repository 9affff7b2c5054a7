"""The team adoption report: one team's adoption story for a change agent's team huddle.

Its figures over the ADKAR waves opened by the as-of date (the team page's history, with
the forecast refitted to those waves), where people are stuck and how ready the team is
in the newest of them that shows its figures (the dashboard's), what change agents logged
by then, and the follow-ups still open. Suppressed figures read as words; survey comments appear
only for the team's own respondents, and only where the comment threshold allows.
"""

from dataclasses import dataclass
from datetime import date

from transform.charts import Bar, WaveFigure, adoption_history_svg, bars_svg
from transform.feedback import queries
from transform.feedback.themes_view import themes_context
from transform.indices.history import WavePoint, team_history
from transform.indices.service import TeamFigures, WaveDashboard, adkar_waves, wave_dashboard
from transform.models import Programme, Wave
from transform.reports.content import ReportContent
from transform.reports.report_data import (
    STATE_NOTE,
    WAVE_NOTE,
    impacted_team,
    opened_by,
    wave_comments,
)
from transform.scoring.adkar import ADKAR
from transform.scoring.anonymity import CellState
from transform.scoring.estimate import Estimate
from transform.scoring.forecast import Forecast, forecast_adoption

SECTIONS = [
    ("summary", "At a glance"),
    ("adoption", "Adoption over the waves"),
    ("barriers", "Barriers and readiness"),
    ("feedback", "Feedback and follow-ups"),
    ("method", "How to read this report"),
]
#: Recent feedback entries printed in full.
RECENT_ENTRIES = 8
SENTIMENT = {2: "Very positive", 1: "Positive", 0: "Neutral", -1: "Negative", -2: "Very negative"}


@dataclass(frozen=True)
class WaveRow:
    wave: str
    opens_on: date
    closes_on: date
    state: CellState
    n: int | None
    adoption_index: Estimate | None
    adoption_rate: Estimate | None
    elements: tuple[Estimate, ...]
    index_trend: Estimate | None
    rate_trend: Estimate | None


@dataclass(frozen=True)
class EntryRow:
    observed_on: date
    agent: str | None
    stage: str
    sentiment: str
    resistance: str
    barrier: str | None
    text: str


@dataclass(frozen=True)
class FollowUpRow:
    action: str
    owner: str | None
    due_on: date | None
    raised_on: date
    is_overdue: bool


def build(
    programme: Programme, as_of: date, *, team_id: int | None = None, wave_id: int | None = None
) -> ReportContent:
    team, impacted = impacted_team(programme, team_id)
    history = team_history(programme, team.id, as_of)
    points = [p for p in history.points if p.wave.opens_on <= as_of]
    shown = [p for p in points if _shown(p)]
    forecast = _forecast(programme, shown)
    waves = opened_by(adkar_waves(programme), as_of)
    latest = _latest_with_figures(programme, waves, team.id, as_of)
    figures = _row(latest, team.id)
    readiness = figures.readiness if figures and figures.state == CellState.SHOWN else None
    themes = themes_context(programme, queries.FeedFilters(team_id=team.id, date_to=as_of), as_of)
    follow_ups = _follow_ups(programme, team.id, as_of)
    context = {
        "team": team,
        "impact_level": impacted.impact_level.value,
        "go_live_on": impacted.go_live_on,
        "agents": [agent.name for agent in queries.team_agents(programme, team.id)],
        "threshold": history.threshold,
        "rows": [_wave_row(p) for p in points],
        "latest_shown": _wave_row(shown[-1]) if shown else None,
        "forecast": forecast,
        "comparison": history.comparison,
        "chart": _chart(points, programme, forecast),
        "latest": latest,
        "figures": figures,
        "sub_teams": _sub_teams(latest, team.id),
        "barrier_chart": _barrier_chart(figures),
        "barrier_point": _barrier_point(figures),
        "readiness": readiness,
        "elements": [element.capitalize() for element in ADKAR],
        "themes": themes,
        "entries": _entries(programme, team.id, as_of),
        "follow_ups": follow_ups,
        "overdue": sum(f.is_overdue for f in follow_ups),
        "comments": wave_comments(programme, latest.wave, team.id, as_of=as_of)
        if latest
        else None,
        "state_note": STATE_NOTE,
        "wave_note": WAVE_NOTE,
    }
    return ReportContent(
        template="reports/team_adoption.html",
        title=f"Team adoption report: {team.name}",
        subtitle="Where the team stands on the change, for the change agent's team huddle",
        sections=list(SECTIONS),
        context=context,
    )


def _shown(point: WavePoint) -> bool:
    return point.state == CellState.SHOWN and point.adoption_rate.value is not None


def _forecast(programme: Programme, shown: list[WavePoint]) -> Forecast | None:
    """The team page's forecast, fitted to the waves opened by the as-of date only."""
    if not shown:
        return None
    return forecast_adoption(
        [(p.wave.closes_on, p.adoption_rate.value, p.n) for p in shown],
        programme.target_adoption_rate,
        programme.starts_on,
    )


def _wave_row(point: WavePoint) -> WaveRow:
    return WaveRow(
        point.wave.name,
        point.wave.opens_on,
        point.wave.closes_on,
        point.state,
        point.n,
        point.adoption_index,
        point.adoption_rate,
        point.elements,
        point.index_trend,
        point.rate_trend,
    )


def _latest_with_figures(
    programme: Programme, waves: list[Wave], team_id: int, as_of: date
) -> WaveDashboard | None:
    """The dashboard of the newest wave that shows the team's figures, else of the newest."""
    newest = None
    for wave in waves:
        dashboard = wave_dashboard(programme, wave, team_id, as_of)
        newest = newest or dashboard
        row = _row(dashboard, team_id)
        if row is not None and row.state == CellState.SHOWN:
            return dashboard
    return newest


def _row(dashboard: WaveDashboard | None, team_id: int) -> TeamFigures | None:
    if dashboard is None:
        return None
    return next((row for row in dashboard.rows if row.team_id == team_id), None)


def _sub_teams(dashboard: WaveDashboard | None, team_id: int) -> list[TeamFigures]:
    """The rows below the team: the dashboard filtered to its subtree starts with it."""
    if dashboard is None or not dashboard.rows or dashboard.rows[0].team_id != team_id:
        return []
    return dashboard.rows[1:]


def _chart(points: list[WavePoint], programme: Programme, forecast: Forecast | None):
    def triple(e: Estimate | None):
        return None if e is None or e.value is None else (e.value, e.ci_low, e.ci_high)

    figures = [
        WaveFigure(p.wave.closes_on, triple(p.adoption_index), triple(p.adoption_rate))
        for p in points
        if p.state == CellState.SHOWN
    ]
    if not figures:
        return None
    curve = [(point.on, point.rate) for point in forecast.curve] if forecast else []
    return adoption_history_svg(
        figures, programme.target_adoption_rate, "Adoption index and rate by wave", curve
    )


def _barrier_point(figures: TeamFigures | None) -> tuple[str, int, int] | None:
    """The team's barrier point, the respondents stuck there and all respondents, when
    shown and an element."""
    if figures is None or figures.state != CellState.SHOWN:
        return None
    element = figures.barrier_point
    if element not in ADKAR:
        return None
    return element, figures.barriers[ADKAR.index(element)], sum(figures.barriers)


def _barrier_chart(figures: TeamFigures | None) -> str | None:
    if figures is None or figures.state != CellState.SHOWN or not sum(figures.barriers):
        return None
    main = figures.barrier_point
    labels = [element.capitalize() for element in ADKAR] + ["No barrier"]
    bars = [
        Bar(
            label,
            count,
            "high" if label == "No barrier" else "low" if label.lower() == main else "neutral",
        )
        for label, count in zip(labels, figures.barriers, strict=True)
    ]
    return bars_svg(bars, "Respondents by barrier point")


def _entries(programme: Programme, team_id: int, as_of: date) -> list[EntryRow]:
    filters = queries.FeedFilters(team_id=team_id, date_to=as_of)
    return [
        EntryRow(
            entry.observed_on,
            entry.agent.name if entry.agent else None,
            entry.observed_stage.label,
            SENTIMENT[entry.sentiment],
            entry.resistance.value,
            entry.barrier.label if entry.barrier.value != "none" else None,
            entry.text,
        )
        for entry in queries.feed(programme, filters, limit=RECENT_ENTRIES)
    ]


def _follow_ups(programme: Programme, team_id: int, as_of: date) -> list[FollowUpRow]:
    return [
        FollowUpRow(
            follow_up.action,
            follow_up.owner.name if follow_up.owner else None,
            follow_up.due_on,
            follow_up.entry.observed_on,
            follow_up.due_on is not None and follow_up.due_on < as_of,
        )
        for follow_up in queries.open_follow_ups(programme, team_id=team_id)
        if follow_up.entry.observed_on <= as_of
    ]
