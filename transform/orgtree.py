"""The org tree as plain data: parents, subtrees, paths; loaded in one query."""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import select

from transform.extensions import db
from transform.models import Team


def load_parents() -> dict[int, int | None]:
    """Every team's parent id, keyed by team id."""
    return {
        team_id: parent_id
        for team_id, parent_id in db.session.execute(select(Team.id, Team.parent_id))
    }


def subtree_ids(parents: Mapping[int, int | None], root_id: int) -> set[int]:
    """The root and every team below it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for team_id, parent_id in parents.items():
        children[parent_id].append(team_id)
    found, stack = set(), [root_id]
    while stack:
        team_id = stack.pop()
        if team_id in found:
            continue
        found.add(team_id)
        stack.extend(children.get(team_id, ()))
    return found


def ancestors_first(parents: Mapping[int, int | None], team_ids: Iterable[int]) -> list[int]:
    """Team ids ordered so that every parent comes before its children (depth, then id)."""

    def depth(team_id: int) -> int:
        level, seen = 0, set()
        while parents.get(team_id) is not None and team_id not in seen:
            seen.add(team_id)
            team_id = parents[team_id]
            level += 1
        return level

    return sorted(team_ids, key=lambda team_id: (depth(team_id), team_id))
