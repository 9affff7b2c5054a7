"""Gate criteria evaluated from survey data: no impacted team stuck at Awareness or Desire."""

from datetime import date

import pytest
from sqlalchemy import select

from transform.adoption.service import TeamFigures
from transform.demo import load_demo
from transform.extensions import db
from transform.models import GateCriterion, GateCriterionKind, Programme
from transform.phases.criteria import CriterionState, evaluate_criteria
from transform.scoring.anonymity import CellState
from transform.scoring.estimate import Estimate


@pytest.fixture
def demo(db):
    load_demo(date(2026, 11, 22))
    return db.session.scalar(select(Programme).where(Programme.name == "Back-office optimisation"))


def _criterion(programme: Programme) -> GateCriterion:
    return db.session.scalar(
        select(GateCriterion)
        .where(GateCriterion.kind == GateCriterionKind.NO_EARLY_BARRIER)
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

    def with_a_stuck_team(programme, wave, root):
        dashboard = real(programme, wave, root)
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
