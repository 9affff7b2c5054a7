"""The benefits arithmetic: net value, cumulative series, expected value, value at risk."""

from datetime import date

import pytest

from transform.scoring.benefits import (
    Amount,
    TeamAdoption,
    cumulative_net,
    expected_net,
    totals,
    value_at_risk,
)

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def test_net_value_subtracts_cost_to_achieve():
    amounts = [
        Amount("planned", "recurring_saving", JAN, 100),
        Amount("planned", "one_off_saving", FEB, 50),
        Amount("planned", "cost_to_achieve", JAN, 30),
        Amount("actual", "recurring_saving", JAN, 999),
    ]
    planned = totals(amounts, "planned")
    assert (planned.benefits, planned.cost, planned.net) == (150, 30, 120)


def test_cumulative_net_runs_per_kind_between_its_first_and_last_entry():
    points = cumulative_net(
        [
            Amount("planned", "cost_to_achieve", JAN, 40),
            Amount("planned", "recurring_saving", FEB, 25),
            Amount("planned", "recurring_saving", MAR, 25),
            Amount("actual", "recurring_saving", FEB, 20),
        ]
    )
    assert [(p.month, p.planned, p.actual, p.forecast) for p in points] == [
        (JAN, -40, None, None),
        (FEB, -15, 20, None),
        (MAR, 10, None, None),
    ]


def test_expected_value_is_the_forecast_once_there_is_one():
    plan = [Amount("planned", "revenue", JAN, 100)]
    assert expected_net(plan) == 100
    assert expected_net([*plan, Amount("forecast", "revenue", JAN, 80)]) == 80


def test_value_at_risk_pools_the_shown_teams_respondents():
    amounts = [
        Amount("forecast", "recurring_saving", JAN, 1000),
        Amount("forecast", "cost_to_achieve", JAN, 500),  # costs are not value at risk
        Amount("actual", "recurring_saving", JAN, 200),
    ]
    # 10 respondents at 50% adopted and 30 at 90%: (5 + 3) / 40 = 20% not adopted.
    risk = value_at_risk(amounts, [TeamAdoption(1, 10, 50.0), TeamAdoption(2, 30, 90.0)])
    assert risk.unrealised == 800
    assert risk.not_adopted_share == pytest.approx(0.2)
    assert risk.respondents == 40
    assert risk.value == pytest.approx(160)


def test_value_at_risk_has_no_figure_without_a_shown_team():
    risk = value_at_risk([Amount("forecast", "revenue", JAN, 100)], [])
    assert risk.value is None and risk.unrealised == 100


def test_realised_beyond_the_forecast_puts_nothing_at_risk():
    amounts = [Amount("forecast", "revenue", JAN, 100), Amount("actual", "revenue", JAN, 150)]
    assert value_at_risk(amounts, [TeamAdoption(1, 10, 0.0)]).value == 0
