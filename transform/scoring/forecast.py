"""Forecast: when a team reaches the programme's target adoption rate, by a Bass curve.

The Bass diffusion model (Bass 1969, "A New Product Growth for Model Consumer
Durables", Management Science 15(5), 215-227) gives the share of a population that has
adopted by time t:

    F(t) = m (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})

p is the coefficient of innovation (adoption on one's own), q of imitation (adoption
because others have), m the ceiling (0 < m <= 1). F(0) = 0 and F rises to m.

Inputs: the team's adoption rate (percent of respondents with no ADKAR barrier, 0-100)
and its respondents n at each wave date, the programme's target rate (percent, 0-100)
and its start date, which is t = 0. t is in days since the start; p and q are per day.

The fit is bounded nonlinear least squares weighted by n (residuals scaled by sqrt(n)),
started from a fixed grid of initial guesses, the best fit kept: deterministic. The date
the target is reached solves F(t) = target with x = target / m:

    t = ln((1 + (q/p) x) / (1 - x)) / (p + q)

rounded up to a whole day. Where the data cannot carry a forecast the result says why
instead of guessing (`reason`); nothing here raises on data, only on malformed input:

- fewer than MIN_WAVES waves (with respondents, on different days, from the start on);
- the target already reached: the last wave is at or above it, and the date is the first
  wave of that unbroken run (a target reached once and lost since is not reached);
- a falling rate: the last wave more than FALL_TOLERANCE points below an earlier one;
- a fit that does not converge, or no adoption at all yet;
- a fitted ceiling m at or below the target: the team levels off short of it;
- a fitted curve already at the target by the last wave, which measured less: no date
  until the next wave, so a projected date always falls after the last wave.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from scipy.optimize import least_squares

#: Waves (with respondents, from the programme start on) a fit needs.
MIN_WAVES = 3
#: Points the last wave may sit below an earlier one before the rate counts as falling.
FALL_TOLERANCE = 10.0
#: Points on the fitted curve handed to a chart.
CURVE_POINTS = 60
#: Bounds of the fit in units of the span to the last wave: p T, q T and m.
_LOWER = np.array([1e-6, 0.0, 1e-4])
_UPPER = np.array([50.0, 200.0, 1.0])
#: Relative change of the cost at which a start stops: past it the fit only drifts along
#: the flat valley that waves near the ceiling leave, without changing the curve.
_FTOL = 1e-6
#: RMS residual (share) below which a fit is taken as exact: no further start is tried.
_EXACT = 1e-6
#: RMS residual (share) below which a fit out of evaluations still counts as converged.
_NEAR_EXACT = 1e-3
#: Initial guesses (p T, q T); m starts at a little over the highest rate, then at 1.
_SHAPES = ((0.05, 0.5), (0.05, 3.0), (0.05, 10.0), (0.5, 0.5), (0.5, 3.0), (0.5, 10.0))


class WaveRate(NamedTuple):
    """A team's adoption rate (percent) measured by one wave, with its respondents."""

    on: date
    rate: float
    n: int


@dataclass(frozen=True)
class CurvePoint:
    on: date
    #: The fitted adoption rate, percent.
    rate: float


@dataclass(frozen=True)
class Forecast:
    #: Innovation and imitation coefficients, per day; None when nothing was fitted.
    p: float | None
    q: float | None
    #: The ceiling as a share of the team, 0-1.
    m: float | None
    #: The day the team reaches the target: projected, or the wave that showed it.
    target_date: date | None
    #: The fitted curve from the programme start, for a chart; empty without a fit.
    curve: tuple[CurvePoint, ...]
    #: Why there is no projected date (or how it was found); None for a plain projection.
    reason: str | None
    #: Waves the fit used.
    waves: int
    #: True when a wave already measured the target.
    is_reached: bool = False

    @property
    def ceiling(self) -> float | None:
        """The ceiling m in percent."""
        return None if self.m is None else 100 * self.m


def bass(t, p: float, q: float, m: float):
    """The Bass cumulative adoption share F(t) at t (scalar or array), 0 <= F < m."""
    decay = np.exp(-(p + q) * np.asarray(t, dtype="float64"))
    return m * (1 - decay) / (1 + (q / p) * decay)


def time_to_reach(share: float, p: float, q: float, m: float) -> float | None:
    """t at which F(t) = share (0-1), or None when the ceiling m is not above it."""
    if share <= 0:
        return 0.0
    x = share / m
    if x >= 1:
        return None
    return math.log((1 + (q / p) * x) / (1 - x)) / (p + q)


def forecast_adoption(
    waves: Iterable[tuple[date, float, int]],
    target: float,
    starts_on: date,
    max_evaluations: int = 200,
) -> Forecast:
    """Fit a Bass curve to a team's adoption rates and project the day it reaches `target`.

    `waves` are (date, rate in percent, respondents); `target` is in percent. Waves with
    no respondents, and waves dated before the programme start, are left out; waves on
    one day count as one towards the three a fit needs.
    """
    if not 0 < target <= 100:
        raise ValueError(f"a target adoption rate is a percentage above 0, got {target}")
    given = sorted((WaveRate(*wave) for wave in waves), key=lambda wave: wave.on)
    for wave in given:
        if not 0 <= wave.rate <= 100 or wave.n < 0:
            raise ValueError(f"{wave} is not a rate in percent with its respondents")
    used = [wave for wave in given if wave.n > 0 and wave.on >= starts_on]
    early = sum(wave.n > 0 and wave.on < starts_on for wave in given)
    reached = _reached_on(used, target)
    dates = len({wave.on for wave in used})
    if dates < MIN_WAVES:
        if reached is not None:
            return _nothing(len(used), reached, _reached_reason(reached), is_reached=True)
        reason = f"needs at least three waves (has {dates})"
        if early:
            reason += f"; {_waves(early)} before the programme start not counted"
        return _nothing(len(used), None, reason)
    fall = _fall(used) if reached is None else None
    if fall is not None:
        return _nothing(len(used), None, fall)
    fit = _fit(used, starts_on, max_evaluations)
    if fit is None:
        if reached is not None:
            return _nothing(len(used), reached, _reached_reason(reached), is_reached=True)
        return _nothing(len(used), None, "the Bass curve did not converge on these waves")
    p, q, m = fit
    last_day = (used[-1].on - starts_on).days
    result = Forecast(p, q, m, None, _curve(p, q, m, starts_on, last_day), None, len(used))
    if reached is not None:
        return replace(
            result, target_date=reached, reason=_reached_reason(reached), is_reached=True
        )
    if all(wave.rate == 0 for wave in used):
        return replace(result, reason="no respondent has adopted yet: nothing to project")
    t = time_to_reach(target / 100, p, q, m)
    if t is None:
        ceiling, goal = _percents(100 * m, target)
        return replace(
            result,
            reason=f"at this pace the team levels off at {ceiling}, below the {goal} target",
        )
    if t <= last_day:
        measured, goal = _percents(used[-1].rate, target)
        return replace(
            result,
            reason=(
                f"the fitted curve is at the {goal} target by the last wave "
                f"({used[-1].on.isoformat()}), which measured {measured}: "
                "no date until the next wave"
            ),
        )
    days = math.ceil(t)
    return replace(
        result,
        target_date=starts_on + timedelta(days=days),
        curve=_curve(p, q, m, starts_on, max(last_day, days)),
    )


def _fit(waves: list[WaveRate], starts_on: date, max_evaluations: int):
    """The best bounded weighted least-squares (p, q, m) over the fixed starts, or None."""
    days = np.array([(wave.on - starts_on).days for wave in waves], dtype="float64")
    span = max(float(days.max()), 1.0)
    tau = days / span
    share = np.array([wave.rate / 100 for wave in waves])
    weight = np.sqrt(np.array([wave.n for wave in waves], dtype="float64"))

    def residuals(params):
        return weight * (bass(tau, *params) - share)

    def jacobian(params):
        return weight[:, None] * _bass_gradient(tau, *params)

    top = float(share.max())
    best = None
    with np.errstate(all="ignore"):
        for m0 in (min(1.0, 1.2 * top + 0.02), 1.0):
            for a0, b0 in _SHAPES:
                start = np.clip([a0, b0, m0], _LOWER, _UPPER)
                found = least_squares(
                    residuals,
                    start,
                    jac=jacobian,
                    bounds=(_LOWER, _UPPER),
                    method="trf",
                    ftol=_FTOL,
                    max_nfev=max_evaluations,
                )
                if not _converged(found, weight):
                    continue
                if best is None or found.cost < best.cost:
                    best = found
                if _rms(found, weight) < _EXACT:
                    break
            if best is not None and _rms(best, weight) < _EXACT:
                break
    if best is None:
        return None
    a, b, m = (float(value) for value in best.x)
    return a / span, b / span, m


def _bass_gradient(t: np.ndarray, p: float, q: float, m: float) -> np.ndarray:
    """dF/dp, dF/dq and dF/dm at each t, one row per t."""
    decay = np.exp(-(p + q) * t)
    ratio = q / p
    denominator = 1 + ratio * decay
    shape = (1 - decay) / denominator
    by_decay = -(1 + ratio) / denominator**2 * (-t * decay)
    by_ratio = -(1 - decay) * decay / denominator**2
    return np.column_stack(
        [m * (by_decay - by_ratio * q / p**2), m * (by_decay + by_ratio / p), shape]
    )


def _rms(found, weight: np.ndarray) -> float:
    """Root mean square of the unweighted residuals, as a share."""
    return float(np.sqrt(np.mean((found.fun / weight) ** 2)))


def _converged(found, weight: np.ndarray) -> bool:
    """A start converged when least squares says so, or ran out of steps on a near-exact fit.

    Waves on the plateau leave p and q free along a valley where the fit is exact; the
    solver wanders along it until its budget ends, yet the curve it has is the answer.
    """
    if not np.all(np.isfinite(found.x)):
        return False
    return found.status > 0 or _rms(found, weight) < _NEAR_EXACT


def _curve(p: float, q: float, m: float, starts_on: date, last_day: int) -> tuple:
    end = max(1, math.ceil(last_day * 1.1))
    days = np.unique(np.linspace(0, end, CURVE_POINTS).round().astype(int))
    rates = 100 * bass(days, p, q, m)
    return tuple(
        CurvePoint(starts_on + timedelta(days=int(day)), float(rate))
        for day, rate in zip(days, rates, strict=True)
    )


def _reached_on(waves: list[WaveRate], target: float) -> date | None:
    """The first wave of the latest unbroken run of waves at or above the target."""
    reached = None
    for wave in waves:
        if wave.rate >= target:
            reached = reached or wave.on
        else:
            reached = None
    return reached


def _fall(waves: list[WaveRate]) -> str | None:
    """Why a falling rate gets no forecast, when the last wave fell well below an earlier one."""
    peak = max(waves[:-1], key=lambda wave: wave.rate)
    last = waves[-1]
    if peak.rate - last.rate <= FALL_TOLERANCE:
        return None
    return (
        f"adoption fell from {peak.rate:.0f}% ({peak.on.isoformat()}) to {last.rate:.0f}% "
        f"({last.on.isoformat()}): a diffusion curve only rises, so there is no forecast"
    )


def _reached_reason(on: date) -> str:
    return f"target reached: measured at the wave of {on.isoformat()}"


def _nothing(waves: int, reached: date | None, reason: str, is_reached: bool = False):
    return Forecast(None, None, None, reached, (), reason, waves, is_reached)


def _percents(value: float, target: float) -> tuple[str, str]:
    """Both in whole percent, or to one decimal where whole percents would look equal."""
    digits = 1 if round(value) == round(target) else 0
    return f"{value:.{digits}f}%", f"{target:.{digits}f}%"


def _waves(count: int) -> str:
    return "1 wave" if count == 1 else f"{count} waves"
