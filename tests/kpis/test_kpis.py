"""KPI pages: add, plan, enter actuals in place, lock at the first gate, re-baseline."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from transform.extensions import db
from transform.kpis import service
from transform.models import (
    AuditEvent,
    Checkpoint,
    Direction,
    GateCriterion,
    GateCriterionKind,
    GateDecisionKind,
    Kpi,
    KpiRebaseline,
    Perspective,
)
from transform.phases.criteria import CriterionState, evaluate_criteria
from transform.phases.service import decide_gate

BASELINE_ON = date(2026, 1, 5)
TARGET_ON = date(2026, 12, 18)


@pytest.fixture
def kpi(programme, people):
    """CSAT from 70 % to 90 %, owned by the agent, planned monthly on a straight line."""
    draft = service.KpiDraft(
        name="CSAT",
        description="",
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        perspective=Perspective.CUSTOMER,
        team_id=None,
        owner_id=people["agent"].id,
        baseline_value=70.0,
        baseline_on=BASELINE_ON,
        target_value=90.0,
        target_on=TARGET_ON,
        min_value=0.0,
        max_value=100.0,
        at_risk_tolerance=None,
        off_track_tolerance=None,
    )
    from transform.scoring.kpi import Shape

    return service.create_kpi(programme, draft, Shape.LINEAR, "monthly")


def _form(**overrides) -> dict:
    return factories.kpi_form(**overrides)


def _checkpoint(kpi_id: int, on: date) -> Checkpoint:
    return db.session.scalar(
        select(Checkpoint).where(Checkpoint.kpi_id == kpi_id, Checkpoint.on_date == on)
    )


def test_a_pmo_adds_a_kpi_with_a_planned_trajectory(auth, client, programme):
    auth.login("pmo@example.com")
    response = client.post(f"/programmes/{programme.id}/kpis/new", data=_form())
    assert response.status_code == 303
    kpi = db.session.scalar(select(Kpi).where(Kpi.name == "Backlog size"))
    assert response.headers["Location"].endswith(f"/kpis/{kpi.id}")
    assert kpi.baseline_value == 1200 and kpi.direction == Direction.LOWER_IS_BETTER
    dates = [c.on_date for c in kpi.checkpoints]
    assert dates == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), TARGET_ON]
    # Front-loaded: 1 - (1 - t)^2 of the way at each quarter end; the target date ends it.
    t = (date(2026, 6, 30) - BASELINE_ON).days / (TARGET_ON - BASELINE_ON).days
    expected = 1200 - 800 * (1 - (1 - t) ** 2)
    assert kpi.checkpoints[1].planned_value == pytest.approx(expected, abs=1e-3)
    assert kpi.checkpoints[-1].planned_value == pytest.approx(400)
    page = client.get(f"/programmes/{programme.id}/kpis/{kpi.id}").get_data(as_text=True)
    assert "Backlog size" in page and "1,200 items" in page and "No actuals yet" in page
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "kpi.created")
    )


def test_choosing_a_library_kpi_fills_the_form(auth, client, programme):
    auth.login("pmo@example.com")
    page = client.get(
        f"/programmes/{programme.id}/kpis/new?library=csat", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert 'value="CSAT"' in page and 'value="%"' in page
    assert '<option selected value="customer">' in page or 'value="customer" selected' in page


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"target_value": "1200"}, "The target must differ from the baseline."),
        ({"target_on": "2026-01-01"}, "The target date must come after the baseline date."),
        ({"baseline_value": "lots"}, "Enter a number, such as 42 or 3.5."),
        ({"unit": "%", "max_value": "100", "baseline_value": "120"}, "must be at most 100"),
        ({"min_value": "10", "max_value": "5"}, "The highest value must be above the lowest."),
        ({"at_risk_points": "30", "off_track_points": "20"}, "at least as far behind as at risk"),
    ],
)
def test_bad_definitions_are_refused_at_the_field(
    auth, client, programme, overrides, field_message
):
    auth.login("pmo@example.com")
    response = client.post(f"/programmes/{programme.id}/kpis/new", data=_form(**overrides))
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Kpi.id))) == 0


def test_checkpoints_refuse_bad_dates_and_values(auth, client, programme, kpi):
    auth.login("pmo@example.com")
    url = f"/programmes/{programme.id}/kpis/{kpi.id}/checkpoints"
    cases = [
        ({"on_date": "2026-01-01", "actual_value": "75"}, "Before the baseline date 5 Jan 2026."),
        ({"on_date": "2026-01-31", "actual_value": "75"}, "There is already a checkpoint on"),
        ({"on_date": "2026-02-10", "actual_value": "101"}, "must be at most 100"),
        ({"on_date": "2026-02-10", "actual_value": "abc"}, "Enter a number"),
        ({"on_date": "2026-02-10"}, "Give a planned or an actual value for this date."),
        # The chart cannot draw the calendar's last years (found by the fuzzer).
        ({"on_date": "9999-12-31", "actual_value": "75"}, "Give a date between 1900 and 2999."),
    ]
    count = len(kpi.checkpoints)
    for data, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert db.session.scalar(select(func.count(Checkpoint.id))) == count
    response = client.post(url, data={"on_date": "2026-02-10", "actual_value": "74.5%"})
    assert response.status_code == 303
    assert _checkpoint(kpi.id, date(2026, 2, 10)).actual_value == 74.5


def test_entering_an_actual_in_place_changes_the_status(auth, client, programme, kpi):
    auth.login("agent@example.com")  # the KPI's owner
    checkpoint = _checkpoint(kpi.id, date(2026, 6, 30))
    url = f"/programmes/{programme.id}/kpis/{kpi.id}/checkpoints/{checkpoint.id}"
    editor = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert editor.startswith("<tr") or "<tr" in editor[:200]
    assert 'name="actual_value"' in editor and "<html" not in editor
    version, checkpoint_id, kpi_id = checkpoint.version, checkpoint.id, kpi.id
    response = client.post(
        url, data={"actual_value": "71", "version": version}, headers={"HX-Request": "true"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="checkpoint-{checkpoint_id}"' in text and "71%" in text
    # Barely above the baseline at mid-year: far behind a straight-line plan.
    assert 'id="kpi-summary" hx-swap-oob="true"' in text and "Off track" in text
    assert db.session.get(Checkpoint, checkpoint_id).actual_value == 71
    stale = client.post(
        url, data={"actual_value": "88", "version": version}, headers={"HX-Request": "true"}
    )
    assert stale.status_code == 409
    assert "Someone changed this KPI" in stale.get_data(as_text=True)
    assert db.session.get(Checkpoint, checkpoint_id).actual_value == 71
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "kpi.actual_entered", AuditEvent.entity_id == kpi_id
        )
    )


def test_an_out_of_range_actual_is_refused_in_place(auth, client, programme, kpi):
    auth.login("pmo@example.com")
    checkpoint = _checkpoint(kpi.id, date(2026, 6, 30))
    response = client.post(
        f"/programmes/{programme.id}/kpis/{kpi.id}/checkpoints/{checkpoint.id}",
        data={"actual_value": "140", "version": checkpoint.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "must be at most 100" in response.get_data(as_text=True)


def test_who_may_do_what(app, programme, kpi):
    base = f"/programmes/{programme.id}/kpis"
    checkpoint = _checkpoint(kpi.id, date(2026, 6, 30))
    actual_url = f"{base}/{kpi.id}/checkpoints/{checkpoint.id}"
    data = {"actual_value": "80", "version": checkpoint.version}
    sponsor = factories.logged_in(app, "sponsor@example.com")
    assert sponsor.get(f"{base}/{kpi.id}").status_code == 200
    assert sponsor.get(f"{base}/new").status_code == 403
    assert sponsor.post(actual_url, data=data).status_code == 403
    other = factories.logged_in(app, "agent2@example.com")
    assert other.post(actual_url, data=data).status_code == 403
    assert other.post(f"{base}/{kpi.id}/edit", data=_form()).status_code == 403
    outsider = factories.logged_in(app, "outsider@example.com")
    assert outsider.get(f"{base}/{kpi.id}").status_code == 404
    assert factories.logged_in(app).get(f"{base}/999999").status_code == 404


def _approve_first_gate(programme, people):
    gate = programme.phases[0].gate
    gate.submit(people["pmo"].id)
    decide_gate(gate, GateDecisionKind.APPROVED, people["sponsor"], "Go", programme.id)


def test_the_first_gate_approval_locks_baselines_and_plans(programme, people, kpi):
    planned = {c.on_date: c.planned_value for c in kpi.checkpoints}
    _approve_first_gate(programme, people)
    assert kpi.locked_at is not None
    assert {c.on_date: c.locked_planned_value for c in kpi.checkpoints} == planned


def test_changing_a_locked_baseline_needs_a_reason_and_is_kept(
    auth, client, programme, people, kpi
):
    _approve_first_gate(programme, people)
    kpi_id, version = kpi.id, kpi.version
    auth.login("pmo@example.com")
    url = f"/programmes/{programme.id}/kpis/{kpi_id}/edit"
    moved = _form(
        name="CSAT",
        unit="%",
        direction="higher",
        perspective="customer",
        baseline_value="68",
        target_value="90",
        max_value="100",
        version=version,
    )
    response = client.post(url, data=moved)
    assert response.status_code == 422
    assert "say why it changes" in response.get_data(as_text=True)
    response = client.post(url, data=moved | {"reason": "The January survey was re-run."})
    assert response.status_code == 303
    (change,) = db.session.scalars(select(KpiRebaseline).where(KpiRebaseline.kpi_id == kpi_id))
    assert change.reason == "The January survey was re-run."
    assert change.before["baseline_value"] == 70 and change.after["baseline_value"] == 68
    page = client.get(f"/programmes/{programme.id}/kpis/{kpi_id}").get_data(as_text=True)
    assert "Re-baselines" in page and "The January survey was re-run." in page


def test_re_planning_a_locked_kpi_keeps_the_plan_at_lock(auth, client, programme, people, kpi):
    _approve_first_gate(programme, people)
    at_lock = {c.on_date: c.locked_planned_value for c in kpi.checkpoints}
    kpi_id = kpi.id
    auth.login("pmo@example.com")
    url = f"/programmes/{programme.id}/kpis/{kpi_id}/plan"
    refused = client.post(url, data={"shape": "back_loaded", "every": "monthly"})
    assert refused.status_code == 422
    response = client.post(
        url, data={"shape": "back_loaded", "every": "monthly", "reason": "Go-live moved."}
    )
    assert response.status_code == 303
    checkpoints = db.session.scalars(select(Checkpoint).where(Checkpoint.kpi_id == kpi_id)).all()
    assert {c.on_date: c.locked_planned_value for c in checkpoints} == at_lock
    june = next(c for c in checkpoints if c.on_date == date(2026, 6, 30))
    assert june.planned_value < june.locked_planned_value  # back-loaded: less gain by June
    page = client.get(f"/programmes/{programme.id}/kpis/{kpi_id}").get_data(as_text=True)
    assert (
        "Plan at lock" in page and "The dashed line is the plan when the baseline locked" in page
    )
    typed = client.post(
        f"/programmes/{programme.id}/kpis/{kpi_id}/checkpoints",
        data={"on_date": "2026-02-10", "planned_value": "72"},
    )
    assert typed.status_code == 422
    assert "change it through a re-baseline" in typed.get_data(as_text=True)


def test_a_kpi_added_after_the_first_gate_starts_locked(auth, client, programme, people):
    _approve_first_gate(programme, people)
    auth.login("pmo@example.com")
    client.post(f"/programmes/{programme.id}/kpis/new", data=_form())
    kpi = db.session.scalar(select(Kpi).where(Kpi.name == "Backlog size"))
    assert kpi.locked_at is not None
    assert all(c.locked_planned_value == c.planned_value for c in kpi.checkpoints)


def test_the_kpi_on_track_gate_criterion(programme, kpi):
    gate = programme.phases[-1].gate
    criterion = GateCriterion(
        gate=gate,
        position=50,
        text="CSAT on track",
        kind=GateCriterionKind.KPI_ON_TRACK,
        kpi_id=kpi.id,
    )
    db.session.add(criterion)
    db.session.flush()
    (result,) = evaluate_criteria(programme, [criterion])
    assert result.state == CriterionState.CANNOT_JUDGE and "no actual yet" in result.detail
    _checkpoint(kpi.id, date(2026, 6, 30)).actual_value = 81
    (result,) = evaluate_criteria(programme, [criterion])
    assert result.state == CriterionState.MET
    assert "CSAT: 81% on 30 Jun 2026" in result.detail and "on track" in result.detail
    _checkpoint(kpi.id, date(2026, 7, 31)).actual_value = 70
    (result,) = evaluate_criteria(programme, [criterion])
    assert result.state == CriterionState.NOT_MET and "off track" in result.detail


def test_deleting_a_checkpoint_and_the_kpi(auth, client, programme, kpi):
    auth.login("pmo@example.com")
    kpi_id = kpi.id
    checkpoint_id = _checkpoint(kpi_id, date(2026, 2, 28)).id
    base = f"/programmes/{programme.id}/kpis/{kpi_id}"
    assert client.post(f"{base}/checkpoints/{checkpoint_id}/delete").status_code == 303
    assert db.session.get(Checkpoint, checkpoint_id) is None
    assert client.post(f"{base}/delete").status_code == 303
    assert db.session.get(Kpi, kpi_id) is None
