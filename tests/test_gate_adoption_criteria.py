"""Gate criteria evaluated from survey data: no team stuck early, teams ready enough."""

from datetime import date

import pytest
from sqlalchemy import select

from transform import clock
from transform.adoption.service import TeamFigures
from transform.demo import load_demo
from transform.extensions import db
from transform.models import GateCriterion, GateCriterionKind, Programme
from transform.phases.criteria import CriterionState, evaluate_criteria
from transform.scoring.anonymity import CellState
from transform.scoring.bands import whole
from transform.scoring.estimate import Estimate


@pytest.fixture
def demo(db):
    load_demo(date(2026, 11, 22))
    return db.session.scalar(select(Programme).where(Programme.name == "Back-office optimisation"))


def _criterion(
    programme: Programme, kind: GateCriterionKind = GateCriterionKind.NO_EARLY_BARRIER
) -> GateCriterion:
    return db.session.scalar(
        select(GateCriterion)
        .where(GateCriterion.kind == kind)
        .where(GateCriterion.gate_id.in_([p.gate.id for p in programme.phases]))
        .limit(1)
    )


def test_the_demo_has_no_team_stuck_early_and_names_the_hidden_ones(demo):
    (result,) = evaluate_criteria(demo, [_criterion(demo)])
    assert result.state == CriterionState.MET
    assert "no team stuck at Awareness or Desire" in result.detail
    assert "Payroll" in result.detail


def test_a_team_stuck_at_desire_fails_the_criterion(demo, monkeypatch):
    import transform.phases.criteria as criteria

    real = criteria.wave_dashboard

    def with_a_stuck_team(programme, wave, root, today):
        dashboard = real(programme, wave, root, today)
        first = next(r for r in dashboard.rows if r.name == "Billing Operations")
        stuck = TeamFigures(
            first.team_id,
            first.name,
            first.depth,
            CellState.SHOWN,
            10,
            elements=(
                Estimate(80.0),
                Estimate(40.0),
                Estimate(30.0),
                Estimate(20.0),
                Estimate(10.0),
            ),
        )
        dashboard.rows[dashboard.rows.index(first)] = stuck
        return dashboard

    monkeypatch.setattr(criteria, "wave_dashboard", with_a_stuck_team)
    (result,) = evaluate_criteria(demo, [_criterion(demo)])
    assert result.state == CriterionState.NOT_MET
    assert "(desire)" in result.detail


def _readiness_criterion(programme: Programme, threshold: float) -> GateCriterion:
    criterion = _criterion(programme, GateCriterionKind.READINESS_MINIMUM)
    if criterion is None:
        gate = programme.phases[-1].gate
        criterion = GateCriterion(
            gate=gate, position=99, text="Teams ready", kind=GateCriterionKind.READINESS_MINIMUM
        )
        db.session.add(criterion)
    criterion.threshold = threshold
    db.session.flush()
    return criterion


def _impacted_indices(programme: Programme) -> dict[str, float | None]:
    from transform.adoption.service import adkar_waves, wave_dashboard
    from transform.models import ImpactedTeam

    impacted = set(
        db.session.scalars(
            select(ImpactedTeam.team_id).where(ImpactedTeam.programme_id == programme.id)
        )
    )
    rows = wave_dashboard(programme, adkar_waves(programme)[0], None, clock.today()).rows
    return {
        r.name: (r.readiness.result.value if r.readiness else None)
        for r in rows
        if r.team_id in impacted
    }


def test_readiness_minimum_names_teams_below_it_and_those_hidden(demo):
    indices = _impacted_indices(demo)
    shown = {name: value for name, value in indices.items() if value is not None}
    lowest_name = min(shown, key=shown.get)
    threshold = whole(shown[lowest_name]) + 1
    (result,) = evaluate_criteria(demo, [_readiness_criterion(demo, threshold)])
    assert result.state == CriterionState.NOT_MET
    assert f"{lowest_name} ({whole(shown[lowest_name])})" in result.detail
    hidden = [name for name, value in indices.items() if value is None]
    assert hidden, "the demo hides a small team"
    assert all(name in result.detail for name in hidden)
    assert "Not judged" in result.detail


def test_readiness_minimum_is_met_when_every_team_reaches_it(demo, monkeypatch):
    import transform.phases.criteria as criteria

    real = criteria.wave_dashboard

    def shown_only(programme, wave, root, today):
        dashboard = real(programme, wave, root, today)
        dashboard.rows[:] = [r for r in dashboard.rows if r.readiness is not None]
        return dashboard

    monkeypatch.setattr(criteria, "wave_dashboard", shown_only)
    (result,) = evaluate_criteria(demo, [_readiness_criterion(demo, 0)])
    assert result.state == CriterionState.MET
    assert "Below" not in result.detail and "Not judged" not in result.detail
