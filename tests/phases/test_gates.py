"""Stage gates: checklist ticks, computed criteria, submission, sponsor decisions, history."""

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from transform.extensions import db
from transform.models import (
    AuditEvent,
    Gate,
    GateCriterion,
    GateCriterionKind,
    GateStatus,
    ImpactedTeam,
    Instrument,
    Response,
    Role,
    Team,
    Wave,
    WaveStatus,
)

HTMX = {"HX-Request": "true"}


@pytest.fixture
def programme(db):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    sponsor = factories.user("sponsor@example.com", name="Sol Sponsor")
    agent = factories.user("agent@example.com", name="Ari Agent")
    return factories.programme(
        admin=pmo, members={sponsor: Role.SPONSOR, agent: Role.CHANGE_AGENT}
    )


@pytest.fixture
def gate(programme) -> Gate:
    return programme.phases[0].gate


def _gate_url(gate: Gate, suffix: str) -> str:
    phase = gate.phase
    return f"/programmes/{phase.programme_id}/phases/{phase.id}/gate/{suffix}"


def _phase_url(gate: Gate) -> str:
    return f"/programmes/{gate.phase.programme_id}/phases/{gate.phase_id}"


def test_pmo_ticks_a_checklist_criterion_in_place(app, gate):
    pmo = factories.logged_in(app, "pmo@example.com")
    criterion = gate.criteria[0]
    response = pmo.post(
        _gate_url(gate, f"criteria/{criterion.id}"),
        data={"version": criterion.version, "is_met": "y"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert b"<html" not in response.data and b'id="gate"' in response.data
    assert db.session.get(GateCriterion, criterion.id).is_met


def test_a_stale_tick_is_refused(app, gate):
    pmo = factories.logged_in(app, "pmo@example.com")
    criterion = gate.criteria[0]
    opened_version = criterion.version
    url = _gate_url(gate, f"criteria/{criterion.id}")
    pmo.post(url, data={"version": opened_version, "is_met": "y"}, headers=HTMX)
    stale = pmo.post(url, data={"version": opened_version}, headers=HTMX)
    assert stale.status_code == 409
    assert b"Someone changed this criterion" in stale.data
    assert db.session.get(GateCriterion, criterion.id).is_met


def test_the_full_gate_cycle_with_history(app, gate):
    pmo = factories.logged_in(app, "pmo@example.com")
    sponsor = factories.logged_in(app, "sponsor@example.com")
    assert pmo.post(_gate_url(gate, "submit")).status_code == 303
    assert db.session.get(Gate, gate.id).status == GateStatus.SUBMITTED

    deferred = sponsor.post(
        _gate_url(gate, "decide"), data={"decision": "deferred", "reason": "Need the cost case"}
    )
    assert deferred.status_code == 303
    assert db.session.get(Gate, gate.id).status == GateStatus.DEFERRED

    assert pmo.post(_gate_url(gate, "submit")).status_code == 303
    approved = sponsor.post(
        _gate_url(gate, "decide"), data={"decision": "approved", "reason": "Cost case is sound"}
    )
    assert approved.status_code == 303
    record = db.session.get(Gate, gate.id)
    assert record.status == GateStatus.APPROVED
    assert [(d.decision.value, d.reason) for d in record.decisions] == [
        ("deferred", "Need the cost case"),
        ("approved", "Cost case is sound"),
    ]
    page = pmo.get(_phase_url(gate)).data
    assert b"Decision history" in page
    assert b"Need the cost case" in page and b"by Sol Sponsor" in page
    # The phase is still running: the PMO is prompted to close it.
    assert b"The gate is approved." in page and b"Close the phase" in page
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "gate").order_by(AuditEvent.id)
    ).all()
    assert actions == ["gate.submitted", "gate.deferred", "gate.submitted", "gate.approved"]


@pytest.mark.parametrize("email", ["pmo@example.com", "agent@example.com"])
def test_only_a_sponsor_decides(app, gate, email):
    gate.submit(gate.phase.programme.memberships[0].user_id)
    db.session.flush()
    client = factories.logged_in(app, email)
    response = client.post(
        _gate_url(gate, "decide"), data={"decision": "approved", "reason": "I say so"}
    )
    assert response.status_code == 403
    assert b"Only a sponsor" in response.data
    assert db.session.get(Gate, gate.id).status == GateStatus.SUBMITTED


def test_a_decision_needs_a_reason(app, gate):
    gate.submit(gate.phase.programme.memberships[0].user_id)
    db.session.flush()
    sponsor = factories.logged_in(app, "sponsor@example.com")
    response = sponsor.post(
        _gate_url(gate, "decide"), data={"decision": "approved", "reason": "  "}
    )
    assert response.status_code == 422
    assert b'id="reason-error"' in response.data
    assert b"Give the reason for the decision." in response.data
    assert db.session.get(Gate, gate.id).status == GateStatus.SUBMITTED


def test_a_gate_not_submitted_cannot_be_decided(app, gate):
    sponsor = factories.logged_in(app, "sponsor@example.com")
    response = sponsor.post(
        _gate_url(gate, "decide"), data={"decision": "approved", "reason": "Early"}
    )
    assert response.status_code == 422
    assert b"Only a submitted gate can be decided." in response.data
    assert db.session.get(Gate, gate.id).status == GateStatus.OPEN


def test_only_pmo_admins_submit_and_tick(app, gate):
    sponsor = factories.logged_in(app, "sponsor@example.com")
    assert sponsor.post(_gate_url(gate, "submit")).status_code == 403
    criterion = gate.criteria[0]
    assert (
        sponsor.post(
            _gate_url(gate, f"criteria/{criterion.id}"),
            data={"version": criterion.version, "is_met": "y"},
        ).status_code
        == 403
    )


def test_sponsor_sees_the_decision_form_only_once_submitted(app, gate):
    sponsor = factories.logged_in(app, "sponsor@example.com")
    assert b"Your decision" not in sponsor.get(_phase_url(gate)).data
    gate.submit(gate.phase.programme.memberships[0].user_id)
    db.session.flush()
    page = sponsor.get(_phase_url(gate)).get_data(as_text=True)
    assert "Your decision" in page
    # The open work of the phase is beside the decision, overdue marked.
    brief = page[page.index('class="decision-brief"') : page.index("Record decision")]
    activities = gate.phase.activities
    assert f"{len(activities)} activities not done" in brief
    assert all(activity.name in brief for activity in activities)


def _response_minimum_setup(programme, counts: dict[str, int]):
    gate = programme.phases[0].gate
    gate.criteria.append(
        GateCriterion(
            position=2,
            text="Each impacted team reached the anonymity minimum",
            kind=GateCriterionKind.RESPONSE_MINIMUM,
        )
    )
    instrument = Instrument(name="Pulse")
    db.session.add(instrument)
    db.session.flush()
    wave = Wave(
        programme_id=programme.id,
        instrument_id=instrument.id,
        name="Pulse 1",
        opens_on=date(2026, 2, 1),
        closes_on=date(2026, 2, 14),
        status=WaveStatus.CLOSED,
    )
    db.session.add(wave)
    for name, count in counts.items():
        team = Team(name=name, headcount=20)
        db.session.add(team)
        db.session.flush()
        db.session.add(ImpactedTeam(programme_id=programme.id, team_id=team.id))
        for _ in range(count):
            db.session.add(
                Response(wave_id=wave.id, team_id=team.id, submitted_on=date(2026, 2, 3))
            )
    db.session.flush()
    return gate


def test_response_minimum_is_evaluated_from_the_latest_wave(app, programme):
    gate = _response_minimum_setup(programme, {"Billing": 6, "Payroll": 3})
    page = factories.logged_in(app, "pmo@example.com").get(_phase_url(gate)).data
    assert b"1 of 2 impacted teams have at least 5 responses" in page
    # The exact small count would tell how many padded responses would lift Payroll over.
    assert b"Fewer than 5: Payroll." in page
    assert b"Payroll (3)" not in page
    assert b"criterion-not_met" in page


def test_response_minimum_is_met_when_every_team_reached_it(app, programme):
    gate = _response_minimum_setup(programme, {"Billing": 6, "Payroll": 5})
    page = factories.logged_in(app, "pmo@example.com").get(_phase_url(gate)).data
    assert b"2 of 2 impacted teams have at least 5 responses" in page


def test_computed_criteria_cannot_be_ticked_by_hand(app, programme):
    gate = _response_minimum_setup(programme, {"Billing": 1})
    computed = gate.criteria[-1]
    response = factories.logged_in(app, "pmo@example.com").post(
        _gate_url(gate, f"criteria/{computed.id}"),
        data={"version": computed.version, "is_met": "y"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert b"evaluated from data" in response.data
    assert not db.session.get(GateCriterion, computed.id).is_met


def test_the_pmo_submits_a_gate_with_a_recommended_option(app, gate):
    pmo = factories.logged_in(app, "pmo@example.com")
    too_long = pmo.post(_gate_url(gate, "submit"), data={"recommendation": "x" * 501})
    assert too_long.status_code in (302, 303)
    assert gate.status == GateStatus.OPEN and gate.recommendation is None
    page = pmo.get(_phase_url(gate)).get_data(as_text=True)
    assert "Recommended option: Field cannot be longer than 500 characters." in page

    advice = "Approve; move training to week 3."
    assert pmo.post(_gate_url(gate, "submit"), data={"recommendation": advice}).status_code in (
        302,
        303,
    )
    assert gate.status == GateStatus.SUBMITTED and gate.recommendation == advice
    sponsor = factories.logged_in(app, "sponsor@example.com")
    assert f"The PMO recommends:</strong> {advice}" in sponsor.get(_phase_url(gate)).get_data(
        as_text=True
    )
