"""A wave's groups: the team tree frozen when the wave opens.

Survey platforms snapshot demographics at launch for the reason this module exists:
if moving, merging or renaming a team changed an opened wave's groups, reading a
parent's figures before and after the move would give away the moved team's. So when a
wave opens, its target teams and their ancestors are copied, as they stand then, into
WaveGroup rows (name, parent, headcount); every roll-up, anonymity check, name and
response rate of the wave reads those rows from then on.

A wave without groups is a draft, or one opened before groups were kept and not yet
backfilled: it reads the live tree.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from transform import clock
from transform.extensions import db
from transform.models import Team, Wave, WaveGroup, WaveStatus, WaveTeam
from transform.orgtree import load_parents


def freeze_groups(wave: Wave) -> list[WaveGroup]:
    """Copy the wave's targets and their ancestors as they stand now; flush only.

    Idempotent: a group already frozen is kept as it was, and a target added to the
    wave later is frozen as it stands when added.
    """
    targets = {wave_team.team_id for wave_team in wave.teams}
    parents = load_parents()
    wanted: set[int] = set()
    for team_id in targets:
        while team_id is not None and team_id not in wanted:
            wanted.add(team_id)
            team_id = parents.get(team_id)
    have = {group.team_id for group in wave.groups}
    rows = db.session.execute(
        select(Team.id, Team.name, Team.parent_id, Team.headcount).where(
            Team.id.in_(wanted - have)
        )
    ).all()
    added = [
        WaveGroup(
            team_id=team_id,
            parent_team_id=parent_id,
            name=name,
            headcount=headcount,
            is_target=team_id in targets,
        )
        for team_id, name, parent_id, headcount in rows
    ]
    wave.groups.extend(added)
    if wave.groups_frozen_at is None:
        wave.groups_frozen_at = clock.utcnow()
    db.session.flush()
    return added


def wave_parents(wave_id: int) -> dict[int, int | None]:
    """The wave's tree, team id to parent team id: frozen if it has groups, else live."""
    rows = db.session.execute(
        select(WaveGroup.team_id, WaveGroup.parent_team_id).where(WaveGroup.wave_id == wave_id)
    ).all()
    return dict(rows) if rows else load_parents()


@dataclass(frozen=True)
class GroupName:
    team_id: int
    name: str
    #: Whether the wave surveys this team (not only an ancestor of those it does).
    is_target: bool
    #: Whether the team still exists (a merged team's group lives on in the wave).
    exists: bool


def group_names(wave_id: int, team_ids: set[int] | None = None) -> dict[int, GroupName]:
    """The wave's groups by team id, with their names as they stood; live teams for a
    wave without groups."""
    query = select(WaveGroup.team_id, WaveGroup.name, WaveGroup.is_target).where(
        WaveGroup.wave_id == wave_id
    )
    if team_ids is not None:
        query = query.where(WaveGroup.team_id.in_(team_ids))
    rows = db.session.execute(query).all()
    if not rows and not has_groups(wave_id):
        return _live_names(wave_id, team_ids)
    live = set(db.session.scalars(select(Team.id).where(Team.id.in_([r[0] for r in rows]))))
    return {
        team_id: GroupName(team_id, name, is_target, team_id in live)
        for team_id, name, is_target in rows
    }


def has_groups(wave_id: int) -> bool:
    found = select(WaveGroup.id).where(WaveGroup.wave_id == wave_id).limit(1)
    return db.session.scalar(found) is not None


def _live_names(wave_id: int, team_ids: set[int] | None) -> dict[int, GroupName]:
    targets = set(db.session.scalars(select(WaveTeam.team_id).where(WaveTeam.wave_id == wave_id)))
    query = select(Team.id, Team.name)
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    return {
        team_id: GroupName(team_id, name, team_id in targets, True)
        for team_id, name in db.session.execute(query)
    }


def open_wave_groups(team_ids: set[int], on: date) -> list[tuple[Wave, WaveGroup]]:
    """The open waves (by status and dates) whose frozen groups include any of the teams."""
    return [
        (wave, group)
        for wave, group in db.session.execute(
            select(Wave, WaveGroup)
            .join(WaveGroup, WaveGroup.wave_id == Wave.id)
            .where(
                WaveGroup.team_id.in_(team_ids),
                Wave.status == WaveStatus.OPEN,
                Wave.closes_on >= on,
            )
            .order_by(Wave.closes_on, Wave.id)
        )
    ]
