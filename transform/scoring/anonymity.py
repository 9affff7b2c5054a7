"""Anonymity: which team figures may be shown, anywhere (page, PDF, export, API).

Statistical disclosure control by cell suppression over the team tree (Hundepool et
al., Statistical Disclosure Control, 2012, ch. 4 and 5):

- A team's figure pools its subtree's respondents (rollup.py), so its n is its own
  respondents plus those of every team below it. The whole wave's figure is one more
  cell, above the roots.
- Primary suppression: a figure of fewer respondents than the threshold is not shown.
  A team with no respondent at all has no data: a different state, not a suppression
  (a zero gives nobody away).
- Complementary suppression: a reader who holds a shown figure and the shown figures
  beneath it can subtract them. What is left over, the respondents of a shown team who
  are in no shown team below it, is the team's *residual*; it must be empty or of at
  least the threshold. Working up the tree from the leaves, while a shown team's
  residual is between 1 and threshold - 1, the smallest shown team just beneath the
  residual (a sibling of the suppressed one, or below a suppressed sibling) is
  suppressed too, preferring one whose own residual adds to it.

The invariant, checked by the tests: for every shown figure, its n minus the n of the
shown figures directly beneath it (the nearest shown ones in its subtree) is 0 or at
least the threshold. Every set of respondents that adding and subtracting shown
figures can isolate is a union of such residuals, so none of them holds 1 to
threshold - 1 respondents. In particular, for every shown parent, parent n minus the
n of its shown children is 0 or at least the threshold.

Primary and complementary suppressions read alike ("below threshold"), as SDC practice
marks them with one symbol: telling them apart would tell the reader which one is small.

Raw responses (the wave export) publish each team's own respondents as a group. A team's
rows may be exported only when its figure is shown, it has at least the threshold of
own respondents, and what its residual keeps without them is 0 or at least the
threshold; pages and export together then isolate no small group.

The threshold is never below MIN_THRESHOLD (3): a lower one is raised to it. Comments
need at least the comment threshold of respondents, and never fewer than the anonymity
threshold.
"""

import enum
import heapq
from collections.abc import Mapping
from dataclasses import dataclass

from transform.scoring.rollup import Parents

MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
DEFAULT_COMMENT_THRESHOLD = 10


class CellState(enum.StrEnum):
    SHOWN = "shown"
    #: Fewer respondents than the threshold, or suppressed to protect such a figure.
    BELOW_THRESHOLD = "below_threshold"
    #: Nobody answered.
    NO_DATA = "no_data"


def effective_threshold(threshold: int | None) -> int:
    """The threshold to apply: the given one, the default when None, never below 3."""
    return max(MIN_THRESHOLD, DEFAULT_THRESHOLD if threshold is None else int(threshold))


def comment_visible(n: int, comment_threshold: int | None, threshold: int | None = None) -> bool:
    """Whether free-text comments of a group of n respondents may be shown."""
    needed = max(
        effective_threshold(threshold),
        DEFAULT_COMMENT_THRESHOLD if comment_threshold is None else int(comment_threshold),
    )
    return n >= needed


@dataclass(frozen=True)
class Disclosure:
    """What anonymity lets through for one set of responses (a wave, a filter)."""

    threshold: int
    #: Respondents per team over its subtree, for every team of the tree.
    pooled: Mapping[int, int]
    #: Below the threshold themselves (primary suppression).
    primary: frozenset[int]
    #: At or above it, suppressed so that no primary one can be recovered.
    complementary: frozenset[int]
    #: Teams whose own responses a row-level export leaves out.
    rows_withheld: frozenset[int]
    #: The whole wave's figure: shown, below threshold, or no data.
    total_state: CellState

    @property
    def suppressed(self) -> frozenset[int]:
        return self.primary | self.complementary

    def cell_state(self, team_id: int) -> CellState:
        """How a team's figure reads: shown, below threshold, or no data."""
        if not self.pooled.get(team_id, 0):
            return CellState.NO_DATA
        if team_id in self.primary or team_id in self.complementary:
            return CellState.BELOW_THRESHOLD
        return CellState.SHOWN

    def is_shown(self, team_id: int) -> bool:
        return self.cell_state(team_id) == CellState.SHOWN

    def shown_n(self, team_id: int) -> int | None:
        """The team's pooled n when its figure is shown, else None (n gives it away too)."""
        return self.pooled[team_id] if self.is_shown(team_id) else None

    def comments_visible(self, team_id: int, comment_threshold: int | None) -> bool:
        """Whether the comments pooled over the team's subtree may be shown."""
        n = self.shown_n(team_id)
        return n is not None and comment_visible(n, comment_threshold, self.threshold)


#: The cell of the whole wave, above every root team.
_WAVE = object()


def disclosure(counts: Mapping[int, int], parents: Parents, threshold: int | None) -> Disclosure:
    """Apply primary and complementary suppression to a wave's responses.

    `counts` holds each team's own respondents (those tagged with the team itself, not
    pooled); `parents` the team tree, which may hold teams without respondents.
    """
    limit = effective_threshold(threshold)
    if any(count < 0 for count in counts.values()):
        raise ValueError("a team cannot have fewer than no respondents")
    teams = {*parents, *(p for p in parents.values() if p is not None), *counts}
    children: dict[object, list[int]] = {team: [] for team in teams}
    children[_WAVE] = []
    for team in teams:
        parent = parents.get(team)
        children[_WAVE if parent is None else parent].append(team)
    own = {team: int(counts.get(team, 0)) for team in teams}
    own[_WAVE] = 0
    order = _post_order(children)
    if len(order) != len(children):
        # Teams on a cycle hang from no root: the walk from the wave never meets them.
        raise ValueError("the team tree has a cycle")
    pooled = dict(own)
    for node in order:
        below = children[node]
        if below:
            pooled[node] += sum([pooled[child] for child in below])
    shown = {node for node in order if pooled[node] >= limit}
    primary = {node for node in order if 0 < pooled[node] < limit}
    # residual[x]: respondents of x's subtree in no shown figure beneath x (and, when x is
    # hidden, not in x's either): for a shown x, what subtracting the nearest shown
    # figures beneath it leaves over. Final for x once x is settled, bottom-up.
    residual: dict[object, int] = {}
    for node in order:
        left = own[node]
        for child in children[node]:
            if child not in shown:
                left += residual[child]
        if node in shown and 0 < left < limit:
            left = _protect(node, left, limit, children, shown, pooled, residual)
        residual[node] = left
    complementary = {node for node in order if node not in shown and pooled[node] >= limit}
    withheld = {
        team
        for team, count in own.items()
        if count
        and not (team in shown and count >= limit and _safe(residual[team] - count, limit))
    }
    total = _WAVE in shown
    total_state = CellState.SHOWN if total else CellState.NO_DATA
    if pooled[_WAVE] and not total:
        total_state = CellState.BELOW_THRESHOLD
    return Disclosure(
        threshold=limit,
        pooled={team: pooled[team] for team in teams},
        primary=frozenset(primary - {_WAVE}),
        complementary=frozenset(complementary - {_WAVE}),
        rows_withheld=frozenset(withheld - {_WAVE}),
        total_state=total_state,
    )


def suppressed_teams(
    counts: Mapping[int, int], parents: Parents, threshold: int | None
) -> set[int]:
    """Teams whose figures are not shown: below the threshold, or complementary."""
    return set(disclosure(counts, parents, threshold).suppressed)


def withheld_rows(counts: Mapping[int, int], parents: Parents, threshold: int | None) -> set[int]:
    """Teams whose own responses a row-level export must leave out."""
    return set(disclosure(counts, parents, threshold).rows_withheld)


def _safe(size: int, limit: int) -> bool:
    """Whether a residual may stand: empty, or at least the threshold."""
    return size == 0 or size >= limit


def _protect(node, left, limit, children, shown, pooled, residual) -> int:
    """Suppress shown figures beneath `node` until its residual is safe; return it.

    Candidates are the nearest shown figures beneath the node. Suppressing one adds its
    own residual to the node's; those adding something come first, then the smallest.
    """
    if _safe(left, limit):
        return left
    frontier: list[tuple[bool, int, int]] = []

    def push_beneath(parent) -> None:
        stack = list(children[parent])
        while stack:
            child = stack.pop()
            if child in shown:
                heapq.heappush(frontier, (residual[child] == 0, pooled[child], child))
            else:
                stack.extend(children[child])

    push_beneath(node)
    while not _safe(left, limit):
        if not frontier:  # cannot happen: with nothing shown beneath, left is pooled[node]
            shown.discard(node)
            return left
        *_, candidate = heapq.heappop(frontier)
        # The candidate's residual is final (its subtree is settled) and now joins ours.
        shown.discard(candidate)
        left += residual[candidate]
        push_beneath(candidate)
    return left


def _post_order(children: Mapping[object, list[int]]) -> list[object]:
    """Every node after all of its descendants, the wave last: the walk from the wave
    level by level, reversed (a descendant is deeper, so it comes first)."""
    order: list[object] = [_WAVE]
    for node in order:
        order.extend(children[node])
    order.reverse()
    return order
