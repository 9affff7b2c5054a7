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

import numpy as np
import pandas as pd

from transform.scoring.adkar import BARRIER_CODES, ScalePoints, adoption_frame, respondent_scores
from transform.scoring.subtrees import Subtrees

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

    The row's own team moves to `own_team_id`; the index is kept (and so repeats). Rows
    come in the frame's order, each followed by its repeats for its ancestors, nearest
    first; a row without a team is left out.
    """
    rows, ancestors = pooled_rows(frame[team_column], parents)
    result = frame.iloc[rows].copy()
    result["own_team_id"] = frame[team_column].to_numpy()[rows]
    # An empty frame keeps the object column a join of nothing has always given it.
    result[team_column] = ancestors if len(rows) else ancestors.astype(object)
    return result


def pooled_rows(teams: pd.Series, parents: Parents) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the rows `pooled` repeats, and the team each repeat counts for."""
    distinct = pd.unique(teams.dropna())
    lineage = lineages(parents, (int(team) for team in distinct))
    lengths = np.array([len(lineage[int(team)]) for team in distinct], dtype=np.int64)
    flat = np.fromiter(
        (ancestor for team in distinct for ancestor in lineage[int(team)]),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    starts = np.cumsum(lengths) - lengths
    code = pd.Index(distinct).get_indexer(teams)
    rows = np.flatnonzero(code >= 0)
    code = code[rows]
    repeats = lengths[code]
    total = int(repeats.sum())
    # Within each row's run of repeats, 0, 1, 2 ... picks its lineage nearest first.
    step = np.arange(total) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    return np.repeat(rows, repeats), flat[np.repeat(starts[code], repeats) + step]


def rollup(
    frame: pd.DataFrame, parents: Parents, figure: Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """`figure` (a per-team function of a per-respondent frame) over each team's subtree."""
    return figure(pooled(frame, parents))


def rollup_adoption(
    elements: pd.DataFrame, parents: Parents, scale_points: ScalePoints = 5
) -> pd.DataFrame:
    """adkar.team_adoption of every team over its whole subtree's respondents.

    The same figures as team_adoption of `pooled(elements, parents)`, from counts that
    add up the tree (subtrees.py) instead of a row per respondent and ancestor.
    """
    scores, codes = respondent_scores(elements, scale_points)
    tree = Subtrees(elements["team_id"].to_numpy(), parents)
    counts = tree.counts(codes, BARRIER_CODES)
    return adoption_frame(tree.teams, counts, tree.mean_intervals_of, scores, codes, scale_points)
