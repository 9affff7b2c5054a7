from datetime import date

import pytest

from transform.scoring.coverage import (
    QUIET_AFTER_DAYS,
    ImpactedTeam,
    agents_needed,
    coverage,
    effective_level,
    is_quiet,
)
from transform.scoring.impact import Level

TODAY = date(2026, 5, 20)
TEAMS = (
    ImpactedTeam(1, "Litigation", 56, Level.HIGH),
    ImpactedTeam(2, "Corporate", 35, Level.MEDIUM),
    ImpactedTeam(3, "Billing", 28, Level.HIGH),
    ImpactedTeam(4, "Payroll", 4, Level.LOW),
    ImpactedTeam(5, "Records", 18, Level.LOW),
)


def test_people_per_agent_against_the_target():
    # 56 + 35 + 28 + 4 + 18 = 141 people; agents 10 and 11 cover three of the teams.
    result = coverage(TEAMS, [(10, 1), (10, 4), (11, 2)], {}, target=50, today=TODAY)
    assert result.people == 141
    assert result.agents == 2
    assert result.people_per_agent == pytest.approx(70.5)
    assert result.is_over_target
    assert result.agents_needed == 3  # ceil(141 / 50)
    assert result.agents_short == 1


def test_teams_without_an_agent_high_impact_first_then_largest():
    result = coverage(TEAMS, [(10, 2)], {}, target=50, today=TODAY)
    assert [team.name for team in result.uncovered] == [
        "Litigation",
        "Billing",
        "Records",
        "Payroll",
    ]
    assert result.people_uncovered == 56 + 28 + 18 + 4


def test_each_agents_load_counts_a_shared_team_in_full():
    result = coverage(TEAMS, [(10, 1), (11, 1), (11, 5), (12, 4)], {}, target=50, today=TODAY)
    loads = {row.agent_id: row for row in result.loads}
    assert loads[10].people == 56 and loads[10].team_ids == (1,)
    assert loads[11].people == 56 + 18 and loads[11].team_ids == (1, 5)
    assert loads[12].people == 4
    assert loads[11].ratio == pytest.approx(74 / 50)
    assert (loads[10].is_over_target, loads[11].is_over_target) == (True, True)
    assert loads[12].is_over_target is False
    assert [row.agent_id for row in result.loads] == [11, 10, 12]  # heaviest first
    assert [team.team_id for team in result.uncovered] == [3, 2]


def test_a_load_exactly_on_target_is_not_over():
    teams = [ImpactedTeam(1, "A", 50, Level.LOW)]
    result = coverage(teams, [(10, 1)], {}, target=50, today=TODAY)
    assert result.loads[0].is_over_target is False
    assert result.is_over_target is False
    assert (result.agents_needed, result.agents_short) == (1, 0)


def test_more_agents_than_the_target_needs_is_never_a_negative_shortfall():
    teams = [ImpactedTeam(1, "A", 40, Level.LOW), ImpactedTeam(2, "B", 5, Level.LOW)]
    result = coverage(teams, [(10, 1), (11, 2), (12, 2)], {}, target=50, today=TODAY)
    assert (result.agents, result.agents_needed, result.agents_short) == (3, 1, 0)
    assert result.people_per_agent == pytest.approx(15.0)


def test_assignments_to_teams_no_longer_impacted_and_repeats_do_not_count():
    result = coverage(TEAMS[:1], [(10, 1), (10, 1), (11, 99)], {}, target=50, today=TODAY)
    assert result.agents == 1
    assert result.loads[0].team_ids == (1,) and result.loads[0].people == 56
    assert 11 not in {row.agent_id for row in result.quiet}


def test_no_agents_at_all():
    result = coverage(TEAMS, [], {}, target=50, today=TODAY)
    assert result.people_per_agent is None
    assert result.is_over_target
    assert (result.agents, result.agents_short) == (0, 3)
    assert len(result.uncovered) == 5 and result.loads == () and result.quiet == ()


def test_no_impacted_teams():
    result = coverage([], [], {}, target=50, today=TODAY)
    assert (result.people, result.agents, result.agents_needed) == (0, 0, 0)
    assert result.is_over_target is False


def test_quiet_agents_never_logged_first_then_longest_quiet():
    last = {
        10: date(2026, 5, 6),  # 14 days: not yet quiet
        11: date(2026, 5, 5),  # 15 days: quiet
        12: date(2026, 3, 1),  # 80 days
        13: date(2026, 5, 19),
    }
    assignments = [(10, 1), (11, 2), (12, 3), (13, 4), (14, 5)]
    result = coverage(TEAMS, assignments, last, target=50, today=TODAY)
    assert [(q.agent_id, q.last_entry_on, q.days_quiet) for q in result.quiet] == [
        (14, None, None),
        (12, date(2026, 3, 1), 80),
        (11, date(2026, 5, 5), 15),
    ]


@pytest.mark.parametrize(
    ("last_entry_on", "quiet"),
    [
        (None, True),
        (TODAY, False),
        (date(2026, 5, 6), False),
        (date(2026, 5, 5), True),
        (date(2025, 12, 31), True),
    ],
)
def test_quiet_means_more_than_14_days_or_never(last_entry_on, quiet):
    assert QUIET_AFTER_DAYS == 14
    assert is_quiet(last_entry_on, TODAY) is quiet


@pytest.mark.parametrize(
    ("people", "target", "needed"), [(0, 50, 0), (1, 50, 1), (50, 50, 1), (51, 50, 2)]
)
def test_agents_needed_rounds_up(people, target, needed):
    assert agents_needed(people, target) == needed


def test_a_target_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        agents_needed(10, 0)


def test_the_assessed_level_wins_over_the_level_set_by_hand():
    assert effective_level(None, "medium") == Level.MEDIUM
    assert effective_level(80.0, "low") == Level.HIGH
    assert effective_level(10.0, Level.HIGH) == Level.LOW


def test_inputs_are_left_unchanged():
    teams = list(TEAMS)
    assignments = [(10, 1), (11, 2)]
    last = {10: date(2026, 1, 1)}
    coverage(teams, assignments, last, target=50, today=TODAY)
    assert teams == list(TEAMS) and assignments == [(10, 1), (11, 2)]
    assert last == {10: date(2026, 1, 1)}
