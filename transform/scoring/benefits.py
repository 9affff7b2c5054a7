"""Benefits arithmetic: net value, cumulative series, pipeline, gap and value at risk.

Pure functions over plain tuples; the rules are stated in docs/scoring.md ("Benefits").
Amounts are never negative: a cost is a type (cost to achieve), subtracted from net value.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

COST_TYPE = "cost_to_achieve"
KINDS = ("planned", "forecast", "actual")


@dataclass(frozen=True)
class Amount:
    """One value entry as the core sees it."""

    kind: str
    value_type: str
    month: date
    amount: float

    @property
    def signed(self) -> float:
        """The amount's contribution to net value: costs count against it."""
        return -self.amount if self.value_type == COST_TYPE else self.amount


@dataclass(frozen=True)
class Totals:
    """Totals of one kind: benefits, cost to achieve and net (benefits less cost)."""

    benefits: float = 0.0
    cost: float = 0.0

    @property
    def net(self) -> float:
        return self.benefits - self.cost


def totals(amounts: Iterable[Amount], kind: str) -> Totals:
    """The benefits and cost to achieve of one kind, summed over every month."""
    benefits = cost = 0.0
    for entry in amounts:
        if entry.kind != kind:
            continue
        if entry.value_type == COST_TYPE:
            cost += entry.amount
        else:
            benefits += entry.amount
    return Totals(benefits, cost)


@dataclass(frozen=True)
class CumulativePoint:
    month: date
    #: Cumulative net value of each kind by the end of the month; None before the kind's
    #: first entry and after its last (nothing planned is not the same as zero planned).
    planned: float | None
    forecast: float | None
    actual: float | None


def cumulative_net(amounts: Iterable[Amount]) -> list[CumulativePoint]:
    """Cumulative net value per kind, month by month over every month with an entry; a
    kind reads None before its first entry and after its last (actuals stop at the last
    month reported rather than running flat into the future)."""
    by_month: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for entry in amounts:
        by_month[entry.month][entry.kind] += entry.signed
    last = {
        kind: max((month for month, kinds in by_month.items() if kind in kinds), default=None)
        for kind in KINDS
    }
    running: dict[str, float | None] = dict.fromkeys(KINDS)
    points = []
    for month in sorted(by_month):
        for kind in KINDS:
            if kind in by_month[month]:
                running[kind] = (running[kind] or 0.0) + by_month[month][kind]
        shown = {
            kind: running[kind] if last[kind] is not None and month <= last[kind] else None
            for kind in KINDS
        }
        points.append(CumulativePoint(month, shown["planned"], shown["forecast"], shown["actual"]))
    return points


def expected_net(amounts: list[Amount]) -> float:
    """The best estimate of an initiative's net value: its forecast once it has one, else
    its plan."""
    if any(entry.kind == "forecast" for entry in amounts):
        return totals(amounts, "forecast").net
    return totals(amounts, "planned").net


@dataclass(frozen=True)
class TeamAdoption:
    """A team's shown adoption figures in the latest wave (suppressed teams are left out)."""

    team_id: int
    respondents: int
    #: Percent of respondents with no ADKAR barrier (0-100).
    adoption_rate: float


@dataclass(frozen=True)
class ValueAtRisk:
    #: Forecast benefits not yet realised: forecast less actual, never below zero.
    unrealised: float
    #: Share (0-1) of the shown teams' respondents not adopted; None without a shown team.
    not_adopted_share: float | None
    #: Respondents behind the share.
    respondents: int

    @property
    def value(self) -> float | None:
        if self.not_adopted_share is None:
            return None
        return self.unrealised * self.not_adopted_share


def value_at_risk(amounts: list[Amount], teams: Iterable[TeamAdoption]) -> ValueAtRisk:
    """Forecast benefits not yet realised × the share of its teams' respondents not adopted.

    The share pools respondents: Σ n·(1 − rate/100) / Σ n over the teams with a shown
    figure, so a large team weighs more than a small one.
    """
    unrealised = max(
        totals(amounts, "forecast").benefits - totals(amounts, "actual").benefits, 0.0
    )
    shown = [team for team in teams if team.respondents > 0]
    respondents = sum(team.respondents for team in shown)
    if not respondents:
        return ValueAtRisk(unrealised, None, 0)
    not_adopted = sum(team.respondents * (1 - team.adoption_rate / 100) for team in shown)
    return ValueAtRisk(unrealised, not_adopted / respondents, respondents)
