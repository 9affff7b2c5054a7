"""A wave's adoption figures per team, ready for a page or a PDF: plain data only.

Figures come from the scoring core over the wave's respondents, rolled up by pooling
each team's subtree; disclosure control is applied here, before anything reaches a
template, so a suppressed figure never leaves this module.
"""

from dataclasses import dataclass, replace
from datetime import date

from transform.indices.readiness import ReadinessView, TeamReadiness, readiness_view
from transform.indices.waves import opened_waves
from transform.loaders import wave_frames
from transform.models import (
    InstrumentKind,
    Programme,
    Wave,
)
from transform.scoring.adkar import ADKAR, team_barrier_point
from transform.scoring.anonymity import CellState, disclosure
from transform.scoring.estimate import Estimate
from transform.scoring.items import dimension_scale_points, dimension_scores
from transform.scoring.reliability import alpha_by_dimension
from transform.scoring.rollup import rollup_adoption
from transform.wave_groups import group_names

WHOLE_WAVE = -1
#: Past this many rows the dashboard shows the tree's upper levels only: a heatmap of
#: thousands of teams reads as noise, and the team filter opens any subtree below.
MAX_ROWS = 250


@dataclass(frozen=True)
class TeamName:
    id: int
    #: As the team stood when the wave opened.
    name: str
    #: Whether the team still exists (a group outlives a team merged away).
    exists: bool = True


@dataclass(frozen=True)
class TeamFigures:
    team_id: int
    name: str
    depth: int
    state: CellState
    #: Pooled respondents; None when the figure is suppressed (n would give it away).
    n: int | None = None
    adoption_index: Estimate | None = None
    adoption_rate: Estimate | None = None
    #: Normalised (0-100) team mean of each ADKAR element, in ADKAR order.
    elements: tuple[Estimate, ...] = ()
    #: Respondents per barrier point (each element, then "none").
    barriers: tuple[int, ...] = ()
    readiness: TeamReadiness | None = None
    #: Whether the team still exists; a wave's group outlives a team merged away since.
    team_exists: bool = True

    @property
    def barrier_point(self) -> str | None:
        """The team's barrier point (scoring.adkar.team_barrier_point); None when shown
        figures have none, or when the figures are not shown."""
        if not self.elements:
            return None
        return team_barrier_point(self.elements)


@dataclass(frozen=True)
class WaveDashboard:
    wave: Wave
    threshold: int
    total: TeamFigures
    rows: list[TeamFigures]
    #: Cronbach's alpha of each ADKAR element over the wave (None when suppressed).
    reliability: dict[str, Estimate] | None
    readiness: ReadinessView
    #: The deepest level shown when the tree was cut at MAX_ROWS; None when all is shown.
    depth_limit: int | None = None
    #: The teams the wave (and filter) covers, shown or not.
    team_count: int = 0


def adkar_waves(programme: Programme, opened_by: date | None = None) -> list[Wave]:
    """The programme's opened ADKAR waves, newest first (those opened by a day, if given)."""
    return opened_waves(programme, InstrumentKind.ADKAR, opened_by)


def readiness_date(wave: Wave, as_of: date) -> date:
    """Readiness sits beside a wave as it stood when the wave closed (as of `as_of` if that
    comes first)."""
    return min(wave.closes_on, as_of)


def wave_dashboard(
    programme: Programme, wave: Wave, root_team_id: int | None, as_of: date
) -> WaveDashboard:
    """The wave's figures as of a day: only the responses submitted by then count."""
    frames, scale, elements, control = _scored_wave(programme, wave, as_of)
    # Rows as dicts: one conversion instead of a DataFrame lookup per team.
    adoption = rollup_adoption(elements, frames.parents, scale)
    every_row = _team_rows(wave, frames.parents, root_team_id)
    team_rows, depth_limit = _cut_at_depth(every_row, MAX_ROWS)
    readiness = readiness_view(
        programme,
        readiness_date(wave, as_of),
        frames.parents,
        adoption,
        [team.id for team, _ in team_rows],
    )
    pooled = adoption.to_dict("index")
    total = _whole_wave(elements, scale, control.total_state)
    rows = [
        replace(
            _figures(
                team.id,
                team.name,
                depth,
                control.cell_state(team.id),
                pooled,
                readiness.teams.get(team.id),
            ),
            team_exists=team.exists,
        )
        for team, depth in team_rows
    ]
    reliability = (
        {d: a for d, a in alpha_by_dimension(frames.answers, frames.items).items() if d in ADKAR}
        if control.total_state == CellState.SHOWN
        else None
    )
    return WaveDashboard(
        wave,
        control.threshold,
        total,
        rows,
        reliability,
        readiness,
        depth_limit,
        len(every_row),
    )


def wave_total(programme: Programme, wave: Wave, as_of: date) -> TeamFigures:
    """The whole wave's figures alone as of a day, under the dashboard's disclosure control."""
    frames, scale, elements, control = _scored_wave(programme, wave, as_of)
    return _whole_wave(elements, scale, control.total_state)


def _scored_wave(programme: Programme, wave: Wave, as_of: date):
    """The wave's frames as of a day, scale, each respondent's ADKAR element scores, and
    what of them may be shown."""
    frames = wave_frames(wave.id, as_of)
    scale = int(dimension_scale_points(frames.items).max()) if len(frames.items) else 5
    elements = dimension_scores(frames.answers, frames.items)
    elements = elements.reindex(columns=["team_id", *ADKAR])
    own_counts = elements.groupby("team_id").size().to_dict()
    control = disclosure(own_counts, frames.parents, programme.anonymity_threshold)
    return frames, scale, elements, control


def _whole_wave(elements, scale: int, state: CellState) -> TeamFigures:
    whole = rollup_adoption(
        elements.assign(team_id=WHOLE_WAVE), {WHOLE_WAVE: None}, scale
    ).to_dict("index")
    return _figures(WHOLE_WAVE, "All teams", 0, state, whole, None)


def _cut_at_depth(
    rows: list[tuple[TeamName, int]], limit: int
) -> tuple[list[tuple[TeamName, int]], int | None]:
    """The rows down to the deepest level that keeps them within `limit` (the top level
    always), and that level; all the rows and None when they fit."""
    if len(rows) <= limit:
        return rows, None
    per_depth: dict[int, int] = {}
    for _, depth in rows:
        per_depth[depth] = per_depth.get(depth, 0) + 1
    deepest, shown = 0, 0
    for depth in sorted(per_depth):
        shown += per_depth[depth]
        if shown > limit and depth > 0:
            break
        deepest = depth
    return [row for row in rows if row[1] <= deepest], deepest


def _figures(
    team_id: int,
    name: str,
    depth: int,
    state: CellState,
    adoption: dict[int, dict],
    readiness: TeamReadiness | None,
) -> TeamFigures:
    if state != CellState.SHOWN or team_id not in adoption:
        return TeamFigures(team_id, name, depth, state)
    row = adoption[team_id]
    return TeamFigures(
        team_id,
        name,
        depth,
        state,
        int(row["n"]),
        row["adoption_index"],
        row["adoption_rate"],
        tuple(row[f"{element}_normalised"] for element in ADKAR),
        tuple(int(row[f"barrier_{name}"]) for name in (*ADKAR, "none")),
        readiness,
    )


def _team_rows(
    wave: Wave, parents: dict[int, int | None], root_team_id: int | None
) -> list[tuple[TeamName, int]]:
    """The wave's groups (its teams and their ancestors as they stood when it opened),
    depth first, limited to a subtree if asked."""
    groups = group_names(wave.id)
    targets = {team_id for team_id, group in groups.items() if group.is_target}
    shown = set()
    for team_id in targets:
        while team_id is not None and team_id not in shown:
            shown.add(team_id)
            team_id = parents.get(team_id)
    # Ids and names only: thousands of Team objects would cost more than the scoring.
    teams = {
        team_id: TeamName(team_id, groups[team_id].name, groups[team_id].exists)
        for team_id in shown
        if team_id in groups
    }
    shown &= set(teams)
    children: dict[int | None, list[int]] = {}
    for team_id in shown:
        parent = parents.get(team_id)
        children.setdefault(parent if parent in shown else None, []).append(team_id)
    start = [root_team_id] if root_team_id in shown else children.get(None, [])
    ordered: list[tuple[TeamName, int]] = []
    stack = [(team_id, 0) for team_id in sorted(start, key=lambda i: teams[i].name, reverse=True)]
    while stack:
        team_id, depth = stack.pop()
        ordered.append((teams[team_id], depth))
        below = sorted(children.get(team_id, []), key=lambda i: teams[i].name, reverse=True)
        stack.extend((child, depth + 1) for child in below)
    return ordered
