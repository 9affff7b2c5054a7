"""Roll-ups over the team tree: a parent's figures pool its whole subtree's respondents.

A parent team's figure is computed from the respondents of every team in its subtree
(itself included), pooled, exactly as if they were one team: never an average of its
children's averages, which would weigh a team of 3 like a team of 300.

`pooled` does it in one step for any per-respondent frame: each respondent's row is
repeated once for its own team and once for each ancestor, with `team_id` set to that
team, so a single group-by over the result gives every team's subtree figure (each
respondent appears depth-of-its-team times). A team id missing from `parents` is a root.
"""

from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from transform.scoring.adkar import ScalePoints, team_adoption

Parents = Mapping[int, int | None]


def lineages(parents: Parents, teams: Iterable[int] | None = None) -> dict[int, tuple[int, ...]]:
    """Each team with its ancestors, nearest first: (team, parent, grandparent, ...).

    Covers the teams of `parents` (keys and parents) and `teams`; a cycle is refused.
    """
    known = {*parents, *(p for p in parents.values() if p is not None), *(teams or ())}
    result: dict[int, tuple[int, ...]] = {}
    for team in known:
        path: list[int] = []
        node: int | None = team
        while node is not None and node not in result:
            if node in path:
                raise ValueError(f"the team tree has a cycle through team {node}")
            path.append(node)
            node = parents.get(node)
        tail = result[node] if node is not None else ()
        for position in range(len(path) - 1, -1, -1):
            tail = (path[position], *tail)
            result[path[position]] = tail
    return result


def subtree_members(parents: Parents) -> dict[int, set[int]]:
    """Each team's subtree: the team itself and every team below it."""
    members: dict[int, set[int]] = {}
    for team, lineage in lineages(parents).items():
        for ancestor in lineage:
            members.setdefault(ancestor, set()).add(team)
    return members


def subtree_counts(counts: Mapping[int, int], parents: Parents) -> dict[int, int]:
    """Each team's pooled n: its own respondents plus those of every team below it."""
    lineage_of = lineages(parents, counts)
    pooled_counts = dict.fromkeys(lineage_of, 0)
    for team, lineage in lineage_of.items():
        for ancestor in lineage:
            pooled_counts[ancestor] += counts.get(team, 0)
    return pooled_counts


def pooled(frame: pd.DataFrame, parents: Parents, team_column: str = "team_id") -> pd.DataFrame:
    """Every row once per team whose subtree holds it, `team_column` set to that team.

    The row's own team moves to `own_team_id`; the index is kept (and so repeats).
    """
    teams = pd.unique(frame[team_column].dropna())
    lineage = lineages(parents, (int(team) for team in teams))
    bridge = pd.DataFrame(
        [(team, ancestor) for team in teams for ancestor in lineage[int(team)]],
        columns=["own_team_id", "_rollup_team"],
    )
    if not len(bridge):
        bridge = bridge.astype({"own_team_id": frame[team_column].dtype})
    positions = pd.DataFrame({"own_team_id": frame[team_column].to_numpy()})
    positions["_row"] = range(len(frame))
    joined = positions.merge(bridge, on="own_team_id", how="inner", sort=False)
    result = frame.iloc[joined["_row"].to_numpy()].copy()
    result["own_team_id"] = joined["own_team_id"].to_numpy()
    result[team_column] = joined["_rollup_team"].to_numpy()
    return result


def rollup(
    frame: pd.DataFrame, parents: Parents, figure: Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """`figure` (a per-team function of a per-respondent frame) over each team's subtree."""
    return figure(pooled(frame, parents))


def rollup_adoption(
    elements: pd.DataFrame, parents: Parents, scale_points: ScalePoints = 5
) -> pd.DataFrame:
    """adkar.team_adoption of every team over its whole subtree's respondents."""
    return team_adoption(pooled(elements, parents), scale_points)
