"""What the assessment, team and wave reports share: look-ups by id, tree order, comments.

Anonymity here is the scoring core's: survey comments are grouped by the team that
answered (never pooled up the tree, so no group can be recovered by subtraction) and
shown only for a team whose raw rows may be published and that has at least the
comment threshold of responses, as the wave export decides.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from transform.extensions import db
from transform.feedback.queries import impacted_team_or_none
from transform.models import (
    Gate,
    GateDecision,
    ImpactedTeam,
    Phase,
    Programme,
    Response,
    Team,
    Wave,
    WaveStatus,
)
from transform.phases.history import decisions_as_of, gate_status_as_of, gate_submissions
from transform.scoring.anonymity import (
    CellState,
    comment_visible,
    effective_threshold,
    withheld_rows,
)
from transform.wave_groups import group_names, wave_parents

#: Past this many rows a report's team table keeps the tree's upper levels, as the
#: dashboard does: a PDF of thousands of rows helps nobody.
MAX_TEAM_ROWS = 250
STATE_NOTE = (
    "Everything here stands as it did on the as-of date: phases by their actual dates, "
    "gates by their submissions and decisions, RAID items as they were then (from the audit "
    "trail), activities done, feedback observed, KPI actuals dated and survey responses "
    "submitted by that date. Follow-up statuses and ticked gate checklists are shown as "
    "recorded when the report was generated: the tool keeps no history of them."
)
WAVE_NOTE = (
    "A survey wave counts once it has opened by the as-of date; its figures count the "
    "responses submitted by that date, so the report reads the same whenever it is rendered."
)


@dataclass(frozen=True)
class TeamRow:
    team_id: int
    name: str
    depth: int


@dataclass(frozen=True)
class TeamComments:
    team: str
    comments: list[str]


@dataclass(frozen=True)
class Comments:
    threshold: int
    #: Teams whose comments may be shown, by name, with their comments sorted.
    shown: list[TeamComments]
    #: Teams of the wave whose comments are not shown, by name.
    withheld: list[str]


@dataclass(frozen=True)
class ActivityAsOf:
    name: str
    is_deliverable: bool
    owner: str | None
    due_on: date | None
    #: The day it was done, if by the as-of date.
    done_on: date | None
    is_overdue: bool
    notes: str


@dataclass(frozen=True)
class PhaseAsOf:
    """A phase as it stood on a date, from its dated records; criteria as recorded."""

    name: str
    description: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    status: str
    activities: list[ActivityAsOf]
    gate_status: str | None
    #: (text, met) of each gate criterion; met is None for those evaluated from data.
    criteria: list[tuple[str, bool | None]]
    decisions: list[GateDecision]
    #: From the actual start to the actual end (or the as-of date); None before it started.
    window: tuple[date, date] | None


def wave_in_programme(programme: Programme, wave_id: int | None, as_of: date) -> Wave:
    """The programme's wave, opened by the as-of date; LookupError otherwise."""
    wave = (
        db.session.scalar(
            select(Wave).where(Wave.id == wave_id, Wave.programme_id == programme.id)
        )
        if wave_id is not None
        else None
    )
    if wave is None:
        raise LookupError(f"no survey wave {wave_id} in this programme")
    if wave.status == WaveStatus.DRAFT or wave.opens_on > as_of:
        raise LookupError(f"survey wave {wave_id} had not opened by {as_of.isoformat()}")
    return wave


def impacted_team(programme: Programme, team_id: int | None) -> tuple[Team, ImpactedTeam]:
    """A team the programme impacts; LookupError otherwise."""
    found = impacted_team_or_none(programme, team_id) if team_id is not None else None
    if found is None:
        raise LookupError(f"team {team_id} is not impacted by this programme")
    return found


def opened_by(waves: list[Wave], as_of: date) -> list[Wave]:
    """The waves (newest first, as listed) that had opened by the as-of date."""
    return [wave for wave in waves if wave.opens_on <= as_of]


def withheld_label(state: CellState, threshold: int) -> str:
    """How a figure that is not shown reads: never a number."""
    if state == CellState.NO_DATA:
        return "No responses"
    return f"Fewer than {threshold} responses here or in a neighbouring team"


def wave_tree_rows(wave: Wave, limit: int = MAX_TEAM_ROWS) -> tuple[list[TeamRow], int | None]:
    """The wave's groups (its teams and their ancestors as they stood when it opened)
    depth first by name, cut as `tree_rows` cuts."""
    groups = group_names(wave.id)
    targets = {team_id for team_id, group in groups.items() if group.is_target}
    names = {team_id: group.name for team_id, group in groups.items()}
    return tree_rows(targets, wave_parents(wave.id), limit, names)


def tree_rows(
    team_ids: set[int],
    parents: dict[int, int | None],
    limit: int = MAX_TEAM_ROWS,
    names: dict[int, str] | None = None,
) -> tuple[list[TeamRow], int | None]:
    """The teams and their ancestors depth first by name, cut to the upper levels that
    fit in `limit` rows; and the deepest level kept when cut (None when all fit). Names
    are today's unless given."""
    shown: set[int] = set()
    for team_id in team_ids:
        while team_id is not None and team_id not in shown:
            shown.add(team_id)
            team_id = parents.get(team_id)
    if names is None:
        names = dict(
            db.session.execute(select(Team.id, Team.name).where(Team.id.in_(shown))).all()
        )
    shown &= set(names)
    children: dict[int | None, list[int]] = {}
    for team_id in shown:
        parent = parents.get(team_id)
        children.setdefault(parent if parent in shown else None, []).append(team_id)
    rows: list[TeamRow] = []
    stack = [(t, 0) for t in sorted(children.get(None, []), key=names.get, reverse=True)]
    while stack:
        team_id, depth = stack.pop()
        rows.append(TeamRow(team_id, names[team_id], depth))
        below = sorted(children.get(team_id, []), key=names.get, reverse=True)
        stack.extend((child, depth + 1) for child in below)
    if len(rows) <= limit:
        return rows, None
    per_depth = Counter(row.depth for row in rows)
    deepest, kept = 0, 0
    for depth in sorted(per_depth):
        kept += per_depth[depth]
        if kept > limit and depth > 0:
            break
        deepest = depth
    return [row for row in rows if row.depth <= deepest], deepest


def wave_comments(
    programme: Programme, wave: Wave, team_id: int | None = None, *, as_of: date
) -> Comments:
    """The wave's comments submitted by the day, by answering team, where anonymity
    allows; one team's if given."""
    rows = db.session.execute(
        select(Response.team_id, Response.comment).where(
            Response.wave_id == wave.id, Response.submitted_on <= as_of
        )
    ).all()
    counts = Counter(row.team_id for row in rows)
    groups = group_names(wave.id, set(counts))
    names = {team: groups[team].name if team in groups else f"Team {team}" for team in counts}
    threshold = programme.anonymity_threshold
    withheld = withheld_rows(counts, wave_parents(wave.id), threshold)
    allowed = {
        team
        for team, count in counts.items()
        if team not in withheld and comment_visible(count, programme.comment_threshold, threshold)
    }
    texts: dict[int, list[str]] = {}
    for row in rows:
        if row.team_id in allowed and row.comment and row.comment.strip():
            texts.setdefault(row.team_id, []).append(row.comment.strip())
    wanted = set(counts) if team_id is None else {team_id} & set(counts)
    return Comments(
        threshold=max(effective_threshold(threshold), programme.comment_threshold),
        # Sorted, not in the order they came in, which could tell who wrote what.
        shown=sorted(
            (
                TeamComments(names[team], sorted(texts[team], key=str.casefold))
                for team in wanted
                if team in texts
            ),
            key=lambda group: group.team.casefold(),
        ),
        withheld=sorted((names[team] for team in wanted - allowed), key=str.casefold),
    )


def phase_as_of(phase: Phase, as_of: date) -> PhaseAsOf:
    """The phase's dates, status, activities and gate as they stood on the as-of date."""
    started = phase.actual_start if phase.actual_start and phase.actual_start <= as_of else None
    ended = (
        phase.actual_end if started and phase.actual_end and phase.actual_end <= as_of else None
    )
    activities = []
    for activity in phase.activities:
        done = activity.done_on if activity.done_on and activity.done_on <= as_of else None
        late = done is None and activity.due_on is not None and activity.due_on < as_of
        owner = activity.owner.name if activity.owner else None
        activities.append(
            ActivityAsOf(
                activity.name,
                activity.is_deliverable,
                owner,
                activity.due_on,
                done,
                late,
                activity.notes,
            )
        )
    gate = phase.gate
    decisions = decisions_as_of(gate, as_of) if gate else []
    criteria = [
        (c.text, c.is_met if c.kind.value == "checklist" else None)
        for c in (gate.criteria if gate else [])
    ]
    return PhaseAsOf(
        phase.name,
        phase.description,
        phase.planned_start,
        phase.planned_end,
        started,
        ended,
        "Complete" if ended else "In progress" if started else "Not started",
        activities,
        _gate_status(gate, as_of),
        criteria,
        decisions,
        (started, ended or as_of) if started else None,
    )


def _gate_status(gate: Gate | None, as_of: date) -> str | None:
    """The gate's status on the date, from its submissions and dated decisions."""
    if gate is None:
        return None
    submissions = gate_submissions(gate.phase.programme_id).get(gate.id, [])
    return gate_status_as_of(gate, as_of, submissions).value
