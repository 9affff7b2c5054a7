"""The Bass forecast: recovers a known curve, projects the analytic date, refuses honestly."""

import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.scoring.forecast import (
    MIN_WAVES,
    WaveRate,
    bass,
    forecast_adoption,
    time_to_reach,
)

START = date(2026, 1, 5)
#: A team that adopts over half a year: p and q per day, ceiling 90%.
P, Q, M = 0.002, 0.03, 0.9


def on_curve(days, p=P, q=Q, m=M, n=40, noise=()):
    """Waves whose rates lie on the Bass curve, plus an optional offset in points each."""
    noise = tuple(noise) or (0.0,) * len(days)
    return [
        WaveRate(START + timedelta(days=day), 100 * float(bass(day, p, q, m)) + offset, n)
        for day, offset in zip(days, noise, strict=True)
    ]


def analytic_date(target, p=P, q=Q, m=M):
    x = target / 100 / m
    t = math.log((1 + q / p * x) / (1 - x)) / (p + q)
    return START + timedelta(days=math.ceil(t))


@pytest.mark.parametrize("days", [(30, 60, 90), (30, 60, 90, 120), (20, 45, 70, 100, 130)])
def test_exact_points_recover_p_q_m_and_the_analytic_date(days):
    result = forecast_adoption(on_curve(days), 85, START)
    assert result.p == pytest.approx(P, rel=1e-4)
    assert result.q == pytest.approx(Q, rel=1e-4)
    assert result.m == pytest.approx(M, rel=1e-4)
    assert result.target_date == analytic_date(85)
    assert result.reason is None
    assert not result.is_reached
    assert result.waves == len(days)


def test_noisy_points_recover_the_curve_closely():
    noise = (0.8, -0.6, 0.5, -0.9, 0.4, -0.3)
    waves = on_curve((20, 45, 70, 95, 120, 140), n=200, noise=noise)
    result = forecast_adoption(waves, 85, START)
    assert result.p == pytest.approx(P, rel=0.15)
    assert result.q == pytest.approx(Q, rel=0.1)
    assert result.m == pytest.approx(M, rel=0.05)
    assert abs((result.target_date - analytic_date(85)).days) <= 14


def test_the_projected_date_solves_the_fitted_curve():
    result = forecast_adoption(on_curve((30, 60, 90, 120)), 85, START)
    day = (result.target_date - START).days
    assert 100 * bass(day - 1, result.p, result.q, result.m) < 85
    assert 100 * bass(day, result.p, result.q, result.m) >= 85


def test_the_curve_runs_from_the_start_past_the_projected_date():
    result = forecast_adoption(on_curve((30, 60, 90)), 85, START)
    assert result.curve[0].on == START
    assert result.curve[0].rate == 0
    assert result.curve[-1].on >= result.target_date
    rates = [point.rate for point in result.curve]
    assert rates == sorted(rates)
    assert result.ceiling == pytest.approx(90, rel=1e-4)


def test_time_to_reach_inverts_the_curve():
    for share in (0.1, 0.5, 0.8, 0.89):
        assert bass(time_to_reach(share, P, Q, M), P, Q, M) == pytest.approx(share)
    assert time_to_reach(0.9, P, Q, M) is None
    assert time_to_reach(0.95, P, Q, M) is None


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_waves_give_no_forecast(count):
    result = forecast_adoption(on_curve((30, 60)[:count]), 85, START)
    assert result.reason == f"needs at least three waves (has {count})"
    assert (result.p, result.q, result.m, result.target_date) == (None, None, None, None)
    assert result.curve == ()
    assert MIN_WAVES == 3


def test_waves_before_the_start_and_empty_waves_do_not_count():
    waves = [
        WaveRate(START - timedelta(days=10), 5.0, 30),
        *on_curve((30, 60)),
        WaveRate(START + timedelta(days=90), 0.0, 0),
    ]
    result = forecast_adoption(waves, 85, START)
    assert result.reason == (
        "needs at least three waves (has 2); 1 wave before the programme start not counted"
    )


def test_a_fit_that_does_not_converge_says_so():
    result = forecast_adoption(on_curve((30, 60, 90, 120)), 85, START, max_evaluations=1)
    assert result.reason == "the Bass curve did not converge on these waves"
    assert result.target_date is None
    assert result.p is None


def test_a_flat_rate_levels_off_below_the_target():
    waves = [WaveRate(START + timedelta(days=day), 50.0, 30) for day in (30, 60, 90)]
    result = forecast_adoption(waves, 80, START)
    assert result.reason == "at this pace the team levels off at 50%, below the 80% target"
    assert result.target_date is None
    assert result.m == pytest.approx(0.5, abs=1e-3)


def test_a_ceiling_below_the_target_gives_no_date():
    result = forecast_adoption(on_curve((30, 60, 90, 120, 150), m=0.64), 80, START)
    assert result.reason == "at this pace the team levels off at 64%, below the 80% target"
    assert result.target_date is None
    assert result.curve


def test_a_ceiling_that_rounds_to_the_target_is_stated_to_a_decimal():
    result = forecast_adoption(on_curve((30, 60, 90, 120, 150), m=0.798), 80, START)
    assert result.reason == "at this pace the team levels off at 79.8%, below the 80.0% target"


def test_no_adoption_at_all_gives_no_forecast():
    waves = [WaveRate(START + timedelta(days=day), 0.0, 30) for day in (30, 60, 90)]
    result = forecast_adoption(waves, 80, START)
    assert result.reason == "no respondent has adopted yet: nothing to project"
    assert result.target_date is None


def test_a_falling_rate_gives_no_forecast():
    waves = [
        WaveRate(START + timedelta(days=day), rate, 30)
        for day, rate in ((30, 60.0), (60, 40.0), (90, 20.0))
    ]
    result = forecast_adoption(waves, 80, START)
    assert result.reason == (
        "adoption fell from 60% (2026-02-04) to 20% (2026-04-05): "
        "a diffusion curve only rises, so there is no forecast"
    )
    assert result.target_date is None


def test_a_reached_target_dates_from_the_first_wave_at_it():
    waves = [
        WaveRate(START + timedelta(days=day), rate, 30)
        for day, rate in ((30, 40.0), (60, 70.0), (90, 85.0), (120, 90.0))
    ]
    result = forecast_adoption(waves, 80, START)
    assert result.is_reached
    assert result.target_date == START + timedelta(days=90)
    assert result.reason == "target reached: measured at the wave of 2026-04-05"
    assert result.m is not None


def test_a_target_reached_with_two_waves_is_still_reached():
    waves = [
        WaveRate(START + timedelta(days=30), 60.0, 30),
        WaveRate(START + timedelta(60), 82, 9),
    ]
    result = forecast_adoption(waves, 80, START)
    assert result.is_reached
    assert result.target_date == START + timedelta(days=60)


def test_a_target_reached_once_but_lost_since_is_not_reached():
    waves = [
        WaveRate(START + timedelta(days=day), rate, 30)
        for day, rate in ((30, 50.0), (60, 81.0), (90, 78.0))
    ]
    result = forecast_adoption(waves, 80, START)
    assert not result.is_reached
    assert result.target_date is None or result.target_date > START + timedelta(days=90)


def test_the_forecast_is_deterministic():
    waves = on_curve((30, 60, 90), noise=(1.0, -1.0, 0.5))
    assert forecast_adoption(waves, 85, START) == forecast_adoption(list(waves), 85, START)


def test_malformed_input_is_refused():
    with pytest.raises(ValueError):
        forecast_adoption(on_curve((30, 60, 90)), 0, START)
    with pytest.raises(ValueError):
        forecast_adoption([WaveRate(START, 120.0, 10)], 80, START)


waves_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=720),
        st.floats(min_value=0, max_value=100, allow_nan=False),
        st.integers(min_value=1, max_value=500),
    ),
    min_size=0,
    max_size=7,
    unique_by=lambda wave: wave[0],
)


@settings(max_examples=60, deadline=None)
@given(waves=waves_strategy, target=st.floats(min_value=1, max_value=100))
def test_a_projected_date_never_precedes_the_last_wave(waves, target):
    rates = [WaveRate(START + timedelta(days=day), rate, n) for day, rate, n in waves]
    result = forecast_adoption(rates, target, START)
    if result.target_date is not None and not result.is_reached:
        assert result.target_date > max(wave.on for wave in rates)
        assert result.reason is None
    if result.target_date is None:
        assert result.reason


@settings(max_examples=200, deadline=None)
@given(
    p=st.floats(min_value=1e-5, max_value=1.0),
    q=st.floats(min_value=1e-5, max_value=2.0),
    m=st.floats(min_value=0.01, max_value=1.0),
    times=st.lists(st.floats(min_value=0, max_value=2000), min_size=2, max_size=30),
)
def test_the_bass_curve_rises_with_time(p, q, m, times):
    ordered = np.sort(np.array(times))
    shares = bass(ordered, p, q, m)
    assert np.all(np.diff(shares) >= 0)
    assert np.all((shares >= 0) & (shares <= m))
