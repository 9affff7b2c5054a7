"""Gate criteria evaluated from survey data: no team stuck early, teams ready enough."""

from markupsafe import escape
from sqlalchemy import select

from transform import clock
from transform.extensions import db
from transform.indices.service import TeamFigures
from transform.models import GateCriterion, GateCriterionKind, Programme
from transform.phases.criteria import CriterionState, evaluate_criteria
from transform.scoring.anonymity import CellState
from transform.scoring.bands import whole
from transform.scoring.estimate import Estimate


def _criterion(
    programme: Programme, kind: GateCriterionKind = GateCriterionKind.NO_EARLY_BARRIER
) -> GateCriterion:
    return db.session.scalar(
        select(GateCriterion)
        .where(GateCriterion.kind == kind)
        .where(GateCriterion.gate_id.in_([p.gate.id for p in programme.phases]))
        .limit(1)
    )


def test_the_demo_cannot_be_judged_while_two_teams_are_hidden(demo):
    """No judged team is stuck early, but Payroll and Accounts Payable are hidden: the data
    cannot say the criterion is met."""
    (result,) = evaluate_criteria(demo, [_criterion(demo)])
    assert result.state == CriterionState.CANNOT_JUDGE
    assert result.state.label == "Cannot judge"
    assert "10 of 12 impacted teams judged" in result.detail
    assert "None of them has its barrier point at Awareness or Desire" in result.detail
    assert "Not judged, hidden for anonymity: Accounts Payable, Payroll." in result.detail


def test_a_criterion_that_judged_no_team_is_never_met(demo):
    demo.anonymity_threshold = demo.comment_threshold = 1000
    db.session.flush()
    for kind in (GateCriterionKind.NO_EARLY_BARRIER, GateCriterionKind.RESPONSE_MINIMUM):
        (result,) = evaluate_criteria(demo, [_criterion(demo, kind)])
        assert result.state == CriterionState.CANNOT_JUDGE, kind
    (readiness,) = evaluate_criteria(demo, [_readiness_criterion(demo, 0)])
    assert readiness.state == CriterionState.CANNOT_JUDGE


def test_no_early_barrier_is_met_when_every_team_is_judged_and_none_is_stuck(demo, monkeypatch):
    import transform.phases.criteria as criteria

    real = criteria.wave_dashboard

    def shown_only(programme, wave, root, today):
        dashboard = real(programme, wave, root, today)
        dashboard.rows[:] = [r for r in dashboard.rows if r.state == CellState.SHOWN]
        return dashboard

    monkeypatch.setattr(criteria, "wave_dashboard", shown_only)
    monkeypatch.setattr(
        criteria,
        "impacted_team_names",
        lambda programme: {
            r.team_id: r.name for r in shown_only(programme, *_latest(programme)).rows
        },
    )
    (result,) = evaluate_criteria(demo, [_criterion(demo)])
    assert result.state == CriterionState.MET
    assert "Not judged" not in result.detail


def _latest(programme: Programme):
    from transform.indices.service import adkar_waves

    return adkar_waves(programme)[0], None, clock.today()


def _stick_at_desire(programme: Programme, team_name: str) -> None:
    """Enough answers low on Desire, high elsewhere, to bring the team's Desire mean under 50."""
    from transform.indices.service import adkar_waves
    from transform.models import Answer, Response, Team

    wave = adkar_waves(programme)[0]
    team_id = db.session.scalar(select(Team.id).where(Team.name == team_name))
    for _ in range(60):
        response = Response(wave_id=wave.id, team_id=team_id, submitted_on=clock.today())
        response.answers = [
            Answer(item_id=item.id, value=1 if item.dimension == "desire" else 5)
            for item in wave.instrument.items
        ]
        db.session.add(response)
    db.session.flush()


def test_the_gate_and_the_dashboard_name_the_same_barrier_point(demo, client, auth):
    from transform.demo import DEMO_PASSWORD

    _stick_at_desire(demo, "Billing Operations")
    (result,) = evaluate_criteria(demo, [_criterion(demo)])
    assert result.state == CriterionState.NOT_MET
    assert "Barrier point at Awareness or Desire: " in result.detail
    assert "Billing Operations (Desire)" in result.detail
    auth.login("pmo@example.com", DEMO_PASSWORD)
    page = client.get(f"/programmes/{demo.id}/adoption/").get_data(as_text=True)
    row = page[page.index(">Billing Operations</a>") :]
    row = row[: row.index("</tr>")]
    assert row.rstrip().endswith("<td>Desire</td>")
    assert "first ADKAR element" in page or "mean ≤ 50" in page


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
    assert "Billing Operations (Desire)" in result.detail


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
    from transform.indices.service import adkar_waves, wave_dashboard
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


def test_the_sponsor_sees_what_cannot_be_judged_beside_the_decision(demo, client, auth):
    from transform.demo import DEMO_PASSWORD
    from transform.models import Gate, GateStatus, User

    criterion = _criterion(demo)
    gate = db.session.get(Gate, criterion.gate_id)
    if gate.status != GateStatus.SUBMITTED:
        gate.status = GateStatus.OPEN
        pmo = db.session.scalar(select(User).where(User.email == "pmo@example.com"))
        gate.submit(pmo.id)
    db.session.flush()
    auth.login("sponsor@example.com", DEMO_PASSWORD)
    page = client.get(f"/programmes/{demo.id}/phases/{gate.phase_id}").get_data(as_text=True)
    brief = page[page.index('class="decision-brief"') : page.index("Record decision")]
    assert "cannot be judged from the data" in brief
    assert f"Cannot judge</span> {escape(criterion.text)}" in brief
    assert "10 of 12 impacted teams judged" in brief
