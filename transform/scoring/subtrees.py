"""Figures over every team's subtree from counts, without repeating respondents.

rollup.pooled repeats each respondent once per ancestor, so a wave of 40,000 respondents
in a deep tree becomes half a million rows before anything is summed. Here each
respondent is counted once, for their own team: how many of a team's own respondents
have each barrier point, and each distinct score. Counts add up the tree exactly (they
are integers), level by level from the deepest, and a subtree's n, mean and variance
follow from its counts of each distinct value:

- n is the sum of the counts;
- the sum is taken exactly: each distinct value is split in two halves of 26 bits
  (Dekker), so that count x half is exact and the halves' sums add up without rounding
  on any wave of fewer than millions of respondents, and the two sums are added once.
  Scores that are whole, halves or quarters (every adoption progress, an element of two
  or four items) have an empty lower half, so the sum is exactly the pooled rows' sum
  and the mean the same to the last bit; other scores (thirds) get the correctly
  rounded sum, where adding the rows one by one could drift by an ulp;
- the two-pass sum of squares is taken per distinct value, count x (value - mean)^2.

Teams are those whose subtree holds a respondent, sorted by id, as a group-by of the
pooled rows would give them; a team missing from `parents` is a root.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from transform.scoring.stats import bounded_mean_bounds_of, check_bounded

#: Veltkamp's splitter for doubles: 2^27 + 1 splits 53 bits into two halves of 26.
_SPLITTER = 134217729.0


class Subtrees:
    """The team tree of one set of respondents, as arrays over its teams."""

    def __init__(self, own_team: np.ndarray, parents: Mapping[int, int | None]) -> None:
        """`own_team`: each respondent's team (NaN when none); `parents`: the team tree,
        where a team missing from it is a root. A cycle is refused."""
        known = ~pd.isna(own_team)
        members = {int(team) for team in pd.unique(own_team[known])}
        frontier = list(members)
        while frontier:
            above = []
            for team in frontier:
                parent = parents.get(team)
                if parent is not None and parent not in members:
                    members.add(parent)
                    above.append(parent)
            frontier = above
        self.teams = pd.Index(sorted(members), name="team_id")
        #: Each respondent's own team as its position in `teams`, -1 for none.
        self.own = np.full(len(own_team), -1, dtype=np.int64)
        self.own[known] = self.teams.get_indexer(own_team[known])
        parent_ids = np.array(
            [parents.get(team) for team in self.teams.tolist()], dtype=np.float64
        )
        parent_code = self.teams.get_indexer(parent_ids) if len(members) else np.empty(0, int)
        depth = _depths(parent_code)
        # Deepest level first; within a level, children grouped by parent for reduceat.
        self._levels = []
        for level in range(int(depth.max()) if len(members) else 0, 1, -1):
            children = np.flatnonzero(depth == level)
            children = children[np.argsort(parent_code[children], kind="stable")]
            above = parent_code[children]
            starts = np.flatnonzero(np.r_[True, above[1:] != above[:-1]])
            self._levels.append((children, starts, above[starts]))

    def __len__(self) -> int:
        return len(self.teams)

    def counts(self, codes: np.ndarray, width: int) -> np.ndarray:
        """Teams x `width`: respondents of each subtree per code (0 <= code < width)."""
        keep = self.own >= 0
        return self._totals(self.own[keep], codes[keep], width)

    def mean_intervals(
        self, values: np.ndarray, low: float, high: float
    ) -> tuple[np.ndarray, ...]:
        """n, mean and bounded 95% interval of each subtree's values (NaN left out)."""
        return self.mean_intervals_of([(values, low, high)])[0]

    def mean_intervals_of(
        self, columns: list[tuple[np.ndarray, float, float]]
    ) -> list[tuple[np.ndarray, ...]]:
        """mean_intervals of several columns of values (each with its bounds) at once: the
        counts of all of them go up the tree in one pass, and their intervals are taken
        together; each figure is the same as on its own."""
        size = len(self)
        teams, codes, tables, width = [], [], [], 0
        for values, low, high in columns:
            known = ~np.isnan(values) & (self.own >= 0)
            check_bounded(values[known], low, high)
            # Hashing, not sorting: a wave's scores take a few dozen distinct values.
            which, distinct = pd.factorize(values[known])
            teams.append(self.own[known])
            codes.append(which + width)
            tables.append((distinct, width))
            width += len(distinct)
        totals = (
            self._totals(np.concatenate(teams), np.concatenate(codes), width) if width else None
        )
        moments, pending = [], []
        for (distinct, start), (_, low, high) in zip(tables, columns, strict=True):
            if not len(distinct):
                nothing = (np.full(size, np.nan) for _ in range(3))
                moments.append((np.zeros(size, np.int64), *nothing))
                continue
            counts = totals[:, start : start + len(distinct)]
            n = counts.sum(axis=1)
            weights = counts.astype("float64", order="C")
            upper, lower = _split(distinct)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = ((weights * upper).sum(axis=1) + (weights * lower).sum(axis=1)) / n
                squares = (weights * (distinct - mean[:, None]) ** 2).sum(axis=1)
                variance = squares / (n - 1)
            lows, highs = np.full(size, np.nan), np.full(size, np.nan)
            moments.append((n, mean, lows, highs))
            several = n > 1
            group = (mean[several], variance[several], n[several], low, high)
            pending.append((lows, highs, several, group))
        # The intervals of every column at once; one value has none (NaN stays).
        bounds = bounded_mean_bounds_of([group for *_, group in pending])
        for (lows, highs, several, _), (low_bounds, high_bounds) in zip(
            pending, bounds, strict=True
        ):
            lows[several], highs[several] = low_bounds, high_bounds
        return moments

    def _totals(self, team: np.ndarray, codes: np.ndarray, width: int) -> np.ndarray:
        """Teams x width: rows per code of each team's own (`team`), added up the tree."""
        totals = np.bincount(team * width + codes, minlength=len(self) * width).reshape(
            len(self), width
        )
        for children, starts, parents in self._levels:
            totals[parents] += np.add.reduceat(totals[children], starts, axis=0)
        return totals


def _depths(parent_code: np.ndarray) -> np.ndarray:
    """Each team's depth, 1 for a root, from its parent's position (-1 for none)."""
    depth = np.ones(len(parent_code), dtype=np.int64)
    above = parent_code.copy()
    while (climbing := above >= 0).any():
        if depth.max() > len(parent_code):
            team = int(np.flatnonzero(climbing)[0])
            raise ValueError(f"the team tree has a cycle above the team at {team}")
        depth[climbing] += 1
        above[climbing] = parent_code[above[climbing]]
    return depth


def _split(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value as upper + lower, each half of at most 26 significant bits (Dekker)."""
    scaled = values * _SPLITTER
    upper = scaled - (scaled - values)
    return upper, values - upper
