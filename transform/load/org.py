"""The org tree as the heatmap needs it: every team in tree order, in one query."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from transform.extensions import db
from transform.models import Team


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str
    parent_name: str | None
    depth: int
    headcount: int
    change_capacity: int | None
    version: int


def org_teams() -> list[TeamInfo]:
    """Every team in tree order: each parent before its children, siblings by name."""
    records = db.session.execute(
        select(
            Team.id,
            Team.name,
            Team.parent_id,
            Team.headcount,
            Team.change_capacity,
            Team.version,
        ).order_by(Team.name, Team.id)
    ).all()
    names = {record.id: record.name for record in records}
    children: dict[int | None, list] = defaultdict(list)
    for record in records:
        parent = record.parent_id if record.parent_id in names else None
        children[parent].append(record)
    ordered: list[TeamInfo] = []
    seen: set[int] = set()
    # Roots first; then any team caught in a parent cycle, so that none goes missing.
    for root in [*children[None], *records]:
        stack = [(root, 0)]
        while stack:
            record, depth = stack.pop()
            if record.id in seen:
                continue
            seen.add(record.id)
            ordered.append(
                TeamInfo(
                    record.id,
                    record.name,
                    names.get(record.parent_id),
                    depth,
                    record.headcount,
                    record.change_capacity,
                    record.version,
                )
            )
            stack.extend((child, depth + 1) for child in reversed(children[record.id]))
    return ordered


def team_info(team_id: int) -> TeamInfo | None:
    """One team with its parent's name, or None."""
    parent = aliased(Team)
    record = db.session.execute(
        select(Team, parent.name)
        .outerjoin(parent, parent.id == Team.parent_id)
        .where(Team.id == team_id)
    ).first()
    if record is None:
        return None
    team, parent_name = record
    return TeamInfo(
        team.id,
        team.name,
        parent_name,
        0,
        team.headcount,
        team.change_capacity,
        team.version,
    )


def subtree(teams: list[TeamInfo], root_id: int) -> list[TeamInfo]:
    """The team and everything under it, in tree order."""
    for index, team in enumerate(teams):
        if team.id == root_id:
            end = index + 1
            while end < len(teams) and teams[end].depth > team.depth:
                end += 1
            return teams[index:end]
    return []
