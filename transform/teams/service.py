"""Changes to the org tree: each flushes and leaves an audit event; the request commits."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date

from sqlalchemy import and_, insert, select, update
from sqlalchemy.orm import aliased

from transform.audit import record_change, record_changes, snapshot
from transform.extensions import db
from transform.models import (
    AgentAssignment,
    FeedbackEntry,
    ImpactedTeam,
    Kpi,
    Report,
    SurveyLink,
    Team,
    TrainingRecord,
    WaveTeam,
)
from transform.tabular_files import FileRows
from transform.teams import importing
from transform.teams.hr_extract import Extract, PeopleColumns, team_rows
from transform.teams.importing import (
    ExistingTeam,
    ImportPlan,
    ImportRefused,
    Problem,
    SourceRow,
    TeamChange,
    TeamsReview,
)
from transform.teams.tree import OrgTree
from transform.value_reading import DecimalMark, decimal_mark_of_file

AUDITED_FIELDS = ("name", "external_id", "parent_id", "headcount", "change_capacity")
#: Rows that point at a team with no uniqueness to respect: moved in one statement each.
PLAIN_REFERENCES = (
    ("feedback entries", FeedbackEntry),
    ("KPIs", Kpi),
    ("survey links", SurveyLink),
    ("reports", Report),
)


@dataclass(frozen=True)
class TeamDraft:
    """The editable values of a team, already validated by the form."""

    name: str
    external_id: str | None
    parent_id: int | None
    headcount: int
    change_capacity: int | None


def create_team(draft: TeamDraft) -> Team:
    team = Team(**asdict(draft))
    db.session.add(team)
    db.session.flush()
    record_change("team.created", team, None, after=snapshot(team, *AUDITED_FIELDS))
    return team


def update_team(team: Team, draft: TeamDraft) -> Team:
    """Rename, re-identify, resize or move a team; its version refuses a stale write."""
    before = snapshot(team, *AUDITED_FIELDS)
    for name, value in asdict(draft).items():
        setattr(team, name, value)
    after = snapshot(team, *AUDITED_FIELDS)
    if after != before:
        db.session.flush()
        record_change("team.updated", team, None, before=before, after=after)
    return team


# Merging


def merge_refusal(
    tree: OrgTree, source_id: int, target_id: int, open_waves: list[tuple[str, date]] = ()
) -> str | None:
    """Why the source may not merge into the target, or None when it may.

    `open_waves` are the (name, close date) of open waves surveying the source: its
    links still take responses for its group, which a merge would cut from their team.
    """
    if source_id == target_id:
        return "A team cannot be merged into itself."
    if open_waves:
        name, closes_on = open_waves[0]
        source = tree.nodes[source_id].name
        return (
            f"{source} is surveyed by “{name}”, open until {closes_on.day} {closes_on:%b %Y}: "
            "its survey links must keep reaching its group. Merge it once the wave has "
            "closed; the wave keeps its groups as they stood when it opened either way."
        )
    if target_id in tree.descendant_ids(source_id):
        source, target = tree.nodes[source_id].name, tree.nodes[target_id].name
        return (
            f"{target} is inside {source}, so {source} cannot merge into it. "
            f"Merge {target} into {source} instead, or move {target} out first."
        )
    return None


@dataclass(frozen=True)
class MergeResult:
    #: (what, how many) moved from the merged team to the team it merged into.
    moved: list[tuple[str, int]]
    #: (what, how many) the target already had, so the merged team's copy was dropped.
    combined: list[tuple[str, int]]


def merge_teams(source: Team, target: Team) -> MergeResult:
    """Fold source into target: its children, everything pointing at it, its headcount.

    Where target already has the row that would result (impacted by the same
    programme, the same agent, the same wave, training on the same day), target's row
    is kept and source's dropped; training counts of the same day are added up.
    The source team is then deleted. The caller refuses merges into a descendant.
    """
    before = {"merged": snapshot(source, "id", *AUDITED_FIELDS)}
    before["into"] = snapshot(target, *AUDITED_FIELDS)
    moved = [("child teams", _move_children(source, target))]
    combined = []
    for label, mover in (
        ("programmes impacting it", _move_impacts),
        ("change-agent assignments", _move_assignments),
        ("training records", _move_training),
        ("survey waves targeting it", _move_wave_teams),
    ):
        count, dropped = mover(source.id, target.id)
        moved.append((label, count))
        combined.append((label, dropped))
    for label, model in PLAIN_REFERENCES:
        values = {"team_id": target.id}
        if hasattr(model, "version"):
            # Someone editing a moved row must reload rather than write the old team back.
            values["version"] = model.version + 1
        result = db.session.execute(
            update(model).where(model.team_id == source.id).values(**values),
            execution_options={"synchronize_session": False},
        )
        moved.append((label, result.rowcount))
    target.headcount += source.headcount
    db.session.expire(source, ["children"])
    db.session.delete(source)
    db.session.flush()
    result = MergeResult(
        moved=[item for item in moved if item[1]], combined=[item for item in combined if item[1]]
    )
    after = snapshot(target, *AUDITED_FIELDS) | {"moved": dict(result.moved)}
    record_change("team.merged", target, None, before=before, after=after)
    return result


def _move_children(source: Team, target: Team) -> int:
    result = db.session.execute(
        update(Team)
        .where(Team.parent_id == source.id)
        .values(parent_id=target.id, version=Team.version + 1),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def _move_impacts(source_id: int, target_id: int) -> tuple[int, int]:
    return _move_unique(ImpactedTeam, source_id, target_id, ("programme_id",))


def _move_assignments(source_id: int, target_id: int) -> tuple[int, int]:
    return _move_unique(AgentAssignment, source_id, target_id, ("programme_id", "user_id"))


def _move_training(source_id: int, target_id: int) -> tuple[int, int]:
    def add_up(kept: TrainingRecord, dropped: TrainingRecord) -> None:
        kept.people_trained += dropped.people_trained

    key = ("programme_id", "recorded_on")
    return _move_unique(TrainingRecord, source_id, target_id, key, add_up)


def _move_wave_teams(source_id: int, target_id: int) -> tuple[int, int]:
    links = {}

    def keep_link(kept: WaveTeam, dropped: WaveTeam) -> None:
        # The merged team's link keeps working for its people if target had none.
        if kept.team_link_hash is None and dropped.team_link_hash is not None:
            links[kept] = dropped.team_link_hash

    counts = _move_unique(WaveTeam, source_id, target_id, ("wave_id",), keep_link)
    db.session.flush()  # the dropped rows' hashes are gone before target takes one over
    for kept, link in links.items():
        kept.team_link_hash = link
    return counts


def _move_unique(model, source_id: int, target_id: int, key: tuple[str, ...], combine=None):
    """Move source's rows to target, dropping those whose key target already has.

    Returns (moved, dropped). Per team and kind these are few rows, so plain objects.
    """
    other = aliased(model)
    same_key = [getattr(model, name) == getattr(other, name) for name in key]
    pairs = db.session.execute(
        select(model, other)
        .outerjoin(other, and_(other.team_id == target_id, *same_key))
        .where(model.team_id == source_id)
    ).all()
    moved = dropped = 0
    for row, kept in pairs:
        if kept is None:
            row.team_id = target_id
            moved += 1
        else:
            if combine is not None:
                combine(kept, row)
            db.session.delete(row)
            dropped += 1
    db.session.flush()
    return moved, dropped


# Importing


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    #: Of the updated teams, those given a different parent.
    moved: int = 0


def review_import(source: FileRows[SourceRow], decimal_mark: DecimalMark | None) -> TeamsReview:
    """The file's rows checked against the org tree, writing nothing."""
    existing = [_existing(team) for team in db.session.scalars(select(Team))]
    file_mark = decimal_mark_of_file(source.delimiter)
    return importing.review_import(source.rows, existing, decimal_mark, file_mark)


def review_extract(extract: Extract, columns: PeopleColumns) -> TeamsReview:
    """A person-level HR extract's teams, counted and checked against the org tree as a
    team file is, writing nothing; every problem of both steps listed (then no plan)."""
    rows, problems = team_rows(extract, columns)
    review = review_import(FileRows(rows, None), None)
    if not problems:
        return review
    problems = sorted(problems + review.problems, key=lambda problem: problem.lines)
    return replace(review, plan=None, problems=problems)


def import_teams(
    rows: list[SourceRow],
    via: str = "import",
    may_change: Callable[[int], bool] = lambda _team_id: True,
) -> ImportSummary:
    """Create and update teams from rows, all or nothing; ImportRefused if bad.

    `via` is the source the audit trail records (the API passes its token's name).
    """
    teams = db.session.scalars(select(Team)).all()
    plan = importing.plan_import(rows, [_existing(t) for t in teams])
    return write_plan(plan, via, may_change)


def _existing(team: Team) -> ExistingTeam:
    return ExistingTeam(team.id, team.external_id, team.name, team.parent_id, team.headcount)


def _refuse_other_programmes_teams(plan: ImportPlan, may_change: Callable[[int], bool]) -> None:
    """A row that would change a team only other programmes use is refused like any bad
    row: that team is theirs to change (teams.queries.may_change_team)."""
    refused = [
        Problem(
            f"{change.name} ({change.external_id}) is used only by programmes you are not a "
            "PMO admin of: its row cannot change it.",
            change.line,
            subject=change.external_id,
        )
        for change in plan.updates
        if not may_change(change.team_id)
    ]
    if refused:
        raise ImportRefused(refused)


def write_plan(
    plan: ImportPlan,
    via: str = "import",
    may_change: Callable[[int], bool] = lambda _team_id: True,
) -> ImportSummary:
    """Create and update the teams of a checked plan; flush only.

    Every team is loaded once (the plan's check loaded them already, so this is the
    session's identity map), so the cost grows with the file, not with its queries.
    `may_change` says whether the importer may change an existing team.
    """
    _refuse_other_programmes_teams(plan, may_change)
    teams = db.session.scalars(select(Team)).all()
    ids = {team.external_id: team.id for team in teams if team.external_id}
    for batch in _batches(plan.creates):
        # One INSERT per batch of parents-first teams (the ORM would send one per team).
        values = [_new_team(change, ids) for change in batch]
        created = db.session.execute(insert(Team).returning(Team.id, Team.external_id), values)
        new_ids = dict((external_id, team_id) for team_id, external_id in created)
        ids.update(new_ids)
        record_changes(
            "team.created",
            Team.__tablename__,
            [(new_ids[row["external_id"]], None, _audited(row)) for row in values],
            via=via,
        )
    by_id = {team.id: team for team in teams}
    changed = []
    for change in plan.updates:
        team = by_id[change.team_id]
        before = snapshot(team, *AUDITED_FIELDS)
        team.name, team.headcount = change.name, change.headcount
        team.parent_id = ids[change.parent_external_id] if change.parent_external_id else None
        changed.append((team, before))
    db.session.flush()
    record_changes(
        "team.updated",
        Team.__tablename__,
        [(team.id, before, snapshot(team, *AUDITED_FIELDS)) for team, before in changed],
        via=via,
    )
    moved = sum(1 for team, before in changed if team.parent_id != before["parent_id"])
    return ImportSummary(len(plan.creates), len(plan.updates), plan.unchanged, moved)


def _batches(creates: list[TeamChange]) -> list[list[TeamChange]]:
    """Creates split wherever a team's new parent is in the batch so far (parents first)."""
    batches: list[list[TeamChange]] = [[]]
    in_batch: set[str] = set()
    for change in creates:
        if change.parent_external_id in in_batch:
            batches.append([])
            in_batch = set()
        batches[-1].append(change)
        in_batch.add(change.external_id)
    return [batch for batch in batches if batch]


def _new_team(change: TeamChange, ids: dict[str, int]) -> dict:
    """A new team's row, for a bulk INSERT (column defaults fill the rest)."""
    parent_id = ids[change.parent_external_id] if change.parent_external_id else None
    return {
        "external_id": change.external_id,
        "name": change.name,
        "headcount": change.headcount,
        "parent_id": parent_id,
        "change_capacity": None,
    }


def _audited(row: dict) -> dict:
    """What the audit trail keeps of a new team, as snapshot() writes it."""
    return {name: row[name] for name in AUDITED_FIELDS}
