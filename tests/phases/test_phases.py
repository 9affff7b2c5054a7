"""Phase pages: the list, editing a phase, closing only behind an approved gate, timeline."""

from datetime import date

import pytest

from tests import factories
from transform import clock
from transform.extensions import db
from transform.models import GateDecisionKind, GateStatus, Phase, PhaseStatus, Role


@pytest.fixture
def programme(db, auth):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    sponsor = factories.user("sponsor@example.com", name="Sol Sponsor")
    agent = factories.user("agent@example.com", name="Ari Agent")
    record = factories.programme(
        admin=pmo, members={sponsor: Role.SPONSOR, agent: Role.CHANGE_AGENT}
    )
    auth.login("pmo@example.com")
    return record


def _url(programme, suffix=""):
    return f"/programmes/{programme.id}/phases/{suffix}"


def _phase_form(phase: Phase, **changes) -> dict:
    data = {
        "version": phase.version,
        "name": phase.name,
        "owner_id": "0",
        "status": phase.status.value,
        "planned_start": phase.planned_start.isoformat(),
        "planned_end": phase.planned_end.isoformat(),
        "actual_start": "",
        "actual_end": "",
    }
    return data | changes


def test_phase_list_shows_every_phase_with_progress_and_gate(client, programme):
    page = client.get(_url(programme)).data
    assert b"Phase 1" in page and b"Phase 2" in page
    assert b"0 of 2" in page
    assert b"status-gate-open" in page


def test_phase_page_shows_activities_deliverables_and_gate(client, programme):
    phase = programme.phases[0]
    page = client.get(_url(programme, phase.id)).data
    assert b"Activity 1.1" in page
    assert b"Deliverable 1.2" in page and b'badge-info">Deliverable' in page
    assert b"Deliverables signed off" in page
    assert b"Submit for sponsor decision" in page


def test_pmo_edits_planned_dates_and_owner(client, programme):
    phase = programme.phases[0]
    pmo_id = programme.memberships[0].user_id
    response = client.post(
        _url(programme, f"{phase.id}/edit"),
        data=_phase_form(phase, planned_end="2026-02-20", owner_id=str(pmo_id), name="Assess"),
    )
    assert response.status_code == 303
    saved = db.session.get(Phase, phase.id)
    assert (saved.name, saved.planned_end, saved.owner_id) == ("Assess", date(2026, 2, 20), pmo_id)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", b"This field is required."),
        ({"planned_end": "2026-01-01"}, "planned_end", b"Must fall within the programme"),
        (
            {"planned_start": "2026-03-01", "planned_end": "2026-02-01"},
            "planned_end",
            b"The planned end must not be before the planned start.",
        ),
        ({"actual_start": "2099-01-01"}, "actual_start", b"cannot be in the future"),
        ({"actual_end": "2026-02-01"}, "actual_end", b"Give the actual start too."),
        ({"status": "complete"}, "status", b"until its stage gate is approved"),
    ],
)
def test_bad_phase_edits_are_refused_at_the_field(client, programme, changes, field, message):
    phase = programme.phases[0]
    response = client.post(_url(programme, f"{phase.id}/edit"), data=_phase_form(phase, **changes))
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data
    saved = db.session.get(Phase, phase.id)
    assert (saved.name, saved.status) == ("Phase 1", PhaseStatus.NOT_STARTED)


def test_starting_a_phase_stamps_its_actual_start(client, programme):
    phase = programme.phases[0]
    client.post(_url(programme, f"{phase.id}/edit"), data=_phase_form(phase, status="in_progress"))
    saved = db.session.get(Phase, phase.id)
    assert saved.status == PhaseStatus.IN_PROGRESS
    assert saved.actual_start == clock.today()


def test_a_phase_closes_once_its_gate_is_approved(client, programme):
    phase = programme.phases[0]
    sponsor_id = next(m.user_id for m in programme.memberships if m.role == Role.SPONSOR)
    phase.gate.submit(programme.memberships[0].user_id)
    phase.gate.decide(GateDecisionKind.APPROVED, sponsor_id, "Good work")
    db.session.flush()
    response = client.post(
        _url(programme, f"{phase.id}/edit"), data=_phase_form(phase, status="complete")
    )
    assert response.status_code == 303
    saved = db.session.get(Phase, phase.id)
    assert saved.status == PhaseStatus.COMPLETE
    assert saved.actual_end == clock.today()
    assert saved.gate.status == GateStatus.APPROVED


def test_a_stale_phase_edit_is_refused(client, programme):
    phase = programme.phases[0]
    response = client.post(
        _url(programme, f"{phase.id}/edit"),
        data=_phase_form(phase, name="Mine", version=phase.version + 5),
    )
    assert response.status_code == 409
    assert db.session.get(Phase, phase.id).name == "Phase 1"


@pytest.mark.parametrize("email", ["sponsor@example.com", "agent@example.com"])
def test_only_pmo_admins_edit_phases(app, programme, email):
    other = app.test_client()
    other.post("/auth/login", data={"email": email, "password": factories.PASSWORD})
    phase = programme.phases[0]
    assert other.get(_url(programme, phase.id)).status_code == 200
    assert b"Edit phase" not in other.get(_url(programme, phase.id)).data
    assert other.get(_url(programme, f"{phase.id}/edit")).status_code == 403
    assert (
        other.post(_url(programme, f"{phase.id}/edit"), data=_phase_form(phase)).status_code == 403
    )


def test_phases_of_other_programmes_are_not_found(client, programme):
    elsewhere = factories.programme(name="Elsewhere")
    phase = elsewhere.phases[0]
    assert client.get(_url(programme, phase.id)).status_code == 404
    assert client.get(_url(elsewhere, phase.id)).status_code == 404


def test_timeline_draws_phases_gates_and_today(client, programme):
    page = client.get(_url(programme, "timeline"))
    assert page.status_code == 200
    assert b"<svg" in page.data and b'aria-label="Timeline of Test programme"' in page.data
    assert b">today<" in page.data
    assert b"Schedule variance" in page.data


def test_timeline_escapes_phase_names(client, programme):
    phase = programme.phases[0]
    phase.name = "<script>alert(1)</script>"
    db.session.flush()
    page = client.get(_url(programme, "timeline")).data
    assert b"<script>alert(1)</script>" not in page
    assert b"&lt;script&gt;" in page
