import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.scoring.anonymity import (
    MIN_THRESHOLD,
    CellState,
    comment_visible,
    disclosure,
    effective_threshold,
    suppressed_teams,
    withheld_rows,
)
from transform.scoring.rollup import subtree_members

SHOWN, BELOW, NO_DATA = CellState.SHOWN, CellState.BELOW_THRESHOLD, CellState.NO_DATA


def states(result, teams):
    return {team: result.cell_state(team) for team in teams}


def test_one_small_team_takes_the_next_smallest_sibling_with_it():
    # Parent 1 has 3 + 6 + 10 = 19: showing 6 and 10 would give the 3 away.
    parents = {1: None, 2: 1, 3: 1, 4: 1}
    result = disclosure({2: 3, 3: 6, 4: 10}, parents, 5)
    assert states(result, [1, 2, 3, 4]) == {1: SHOWN, 2: BELOW, 3: BELOW, 4: SHOWN}
    assert (result.primary, result.complementary) == ({2}, {3})
    assert suppressed_teams({2: 3, 3: 6, 4: 10}, parents, 5) == {2, 3}


def test_small_siblings_that_together_reach_the_threshold_need_no_more():
    parents = {1: None, 2: 1, 3: 1, 4: 1}
    result = disclosure({2: 2, 3: 3, 4: 10}, parents, 5)
    assert result.suppressed == {2, 3}
    assert result.complementary == frozenset()


def test_suppression_repeats_until_the_hidden_reach_the_threshold():
    parents = {1: None, 2: 1, 3: 1, 4: 1, 5: 1}
    result = disclosure({2: 2, 3: 2, 4: 10, 5: 12}, parents, 5)
    assert result.suppressed == {2, 3, 4}
    assert result.is_shown(5) and result.is_shown(1)


def test_a_team_without_responses_is_no_data_not_suppressed():
    parents = {1: None, 2: 1, 3: 1, 4: 1, 5: 1}
    result = disclosure({2: 0, 3: 3, 4: 10, 5: 20}, parents, 5)
    assert states(result, [2, 3, 4, 5]) == {2: NO_DATA, 3: BELOW, 4: BELOW, 5: SHOWN}
    assert 2 not in result.suppressed
    assert result.cell_state(99) == NO_DATA  # a team nobody mentioned


def test_a_parents_own_respondents_count_in_what_subtraction_reveals():
    # Team 1's two own respondents are 22 - 10 - 10 once both children show.
    parents = {1: None, 2: 1, 3: 1}
    result = disclosure({1: 2, 2: 10, 3: 10}, parents, 5)
    assert result.is_shown(1) and result.pooled[1] == 22
    assert result.suppressed == {2}  # the smaller id of two equals
    assert result.rows_withheld == {1, 2}  # 1 has too few own rows; 2 is suppressed


def test_the_children_of_a_suppressed_sibling_are_subtracted_too():
    # 1 = 2 (12: children 4 and 5 of 6 each) + 3 (2). Suppressing 2 alone is not enough:
    # 1 - 4 - 5 would still give 3 away, so 4 goes too.
    parents = {1: None, 2: 1, 3: 1, 4: 2, 5: 2}
    result = disclosure({3: 2, 4: 6, 5: 6}, parents, 5)
    assert result.primary == {3}
    assert result.complementary == {2, 4}
    assert result.is_shown(5) and result.is_shown(1)


def test_the_whole_wave_is_a_figure_above_the_roots():
    result = disclosure({1: 2, 2: 10}, {1: None, 2: None}, 5)
    assert result.total_state == SHOWN
    assert result.suppressed == {1, 2}
    small = disclosure({1: 2}, {1: None}, 5)
    assert small.total_state == BELOW
    assert disclosure({}, {1: None}, 5).total_state == NO_DATA


def test_the_threshold_is_never_below_3():
    assert MIN_THRESHOLD == 3
    assert effective_threshold(1) == 3
    assert effective_threshold(None) == 5
    assert effective_threshold(8) == 8
    result = disclosure({2: 2, 3: 30}, {1: None, 2: 1, 3: 1}, threshold=1)
    assert result.threshold == 3
    assert result.cell_state(2) == BELOW


def test_shown_n_hides_the_n_of_a_suppressed_figure():
    parents = {1: None, 2: 1, 3: 1, 4: 1}
    result = disclosure({2: 3, 3: 6, 4: 10}, parents, 5)
    assert (result.shown_n(1), result.shown_n(2), result.shown_n(4)) == (19, None, 10)


@pytest.mark.parametrize(
    ("n", "comment_threshold", "threshold", "visible"),
    [
        (10, 10, None, True),
        (9, 10, None, False),
        (4, 2, 5, False),  # never below the anonymity threshold
        (2, 1, 1, False),  # nor below 3
        (3, 1, 1, True),
        (10, None, None, True),  # default 10
        (9, None, None, False),
    ],
)
def test_comment_visible(n, comment_threshold, threshold, visible):
    assert comment_visible(n, comment_threshold, threshold) is visible


def test_comments_of_a_suppressed_team_stay_hidden():
    parents = {1: None, 2: 1, 3: 1, 4: 1}
    result = disclosure({2: 3, 3: 12, 4: 20}, parents, 5)
    assert result.comments_visible(1, 10)
    assert not result.comments_visible(3, 10)  # 12 respondents, but suppressed


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        disclosure({1: -1}, {1: None}, 5)


def test_rows_of_a_shown_leaf_are_exported():
    parents = {1: None, 2: 1, 3: 1, 4: 1}
    assert withheld_rows({2: 3, 3: 6, 4: 10}, parents, 5) == {2, 3}


@st.composite
def waves(draw):
    size = draw(st.integers(1, 14))
    parents = {}
    for team in range(1, size + 1):
        parents[team] = draw(st.one_of(st.none(), st.integers(1, team - 1))) if team > 1 else None
    counts = {
        team: draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20]))
        for team in range(1, size + 1)
        if draw(st.booleans())
    }
    return parents, counts, draw(st.integers(1, 7))


def _residuals(published: set[frozenset[int]], counts) -> dict[frozenset[int], int]:
    """Per published group of teams' own respondents: what subtraction isolates in it.

    The groups are nested or disjoint, so any set of respondents obtained by adding and
    subtracting published figures is a union of these residuals.
    """
    return {
        group: sum(
            counts.get(team, 0)
            for team in group
            if not any(other < group and team in other for other in published)
        )
        for group in published
    }


@settings(max_examples=300, deadline=None)
@given(waves())
def test_no_small_group_can_be_recovered_from_shown_figures(wave):
    parents, counts, threshold = wave
    result = disclosure(counts, parents, threshold)
    limit = result.threshold
    members = subtree_members(parents)
    # Primary suppression and the states.
    for team, n in result.pooled.items():
        expected = SHOWN if n >= limit else NO_DATA if n == 0 else BELOW
        if team in result.complementary:
            expected = BELOW
        assert result.cell_state(team) == expected
        assert team not in result.complementary or n >= limit
    # Every shown figure (and the whole wave's) less the nearest shown figures beneath it.
    shown = {frozenset(members[t]) for t in members if result.is_shown(t)}
    if result.total_state == SHOWN:
        shown.add(frozenset(members))
    for group, left in _residuals(shown, counts).items():
        assert left == 0 or left >= limit, (group, left)
    # The same with the export's rows: each exported team's own respondents as a group.
    exported = {frozenset([t]) for t, n in counts.items() if n and t not in result.rows_withheld}
    for group, left in _residuals(shown | exported, counts).items():
        assert left == 0 or left >= limit, (group, left)
    # The statement: every shown parent less its shown children.
    for parent in members:
        if result.is_shown(parent):
            children = [t for t, p in parents.items() if p == parent and result.is_shown(t)]
            left = result.pooled[parent] - sum(result.pooled[t] for t in children)
            assert left == 0 or left >= limit


@settings(max_examples=100, deadline=None)
@given(waves())
def test_exported_rows_belong_to_shown_teams_of_enough_own_respondents(wave):
    parents, counts, threshold = wave
    result = disclosure(counts, parents, threshold)
    for team, n in counts.items():
        if n and team not in result.rows_withheld:
            assert result.is_shown(team) and n >= result.threshold


def test_a_tree_with_a_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        disclosure({1: 5, 3: 5}, {1: 2, 2: 1, 3: None}, 5)
