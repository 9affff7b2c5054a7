"""Activities and deliverables: inline edits through htmx, stale edits, evidence files."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from transform import clock
from transform.extensions import db
from transform.models import Activity, Evidence, Role

HTMX = {"HX-Request": "true"}
PDF = b"%PDF-1.7\n%fake but well-started pdf\n"


@pytest.fixture
def programme(db, auth):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    agent = factories.user("agent@example.com", name="Ari Agent")
    record = factories.programme(admin=pmo, members={agent: Role.CHANGE_AGENT})
    auth.login("pmo@example.com")
    return record


@pytest.fixture
def activity(programme) -> Activity:
    return programme.phases[0].activities[0]


def _url(activity: Activity, suffix: str = "") -> str:
    phase = activity.phase
    base = f"/programmes/{phase.programme_id}/phases/{phase.id}/activities/{activity.id}"
    return base + suffix


def _edit(activity: Activity, **changes) -> dict:
    data = {"version": activity.version, "owner_id": "0", "due_on": "", "notes": ""}
    return data | changes


def test_edit_link_returns_the_inline_form_for_htmx(client, activity):
    response = client.get(_url(activity, "/edit"), headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.data
    assert f'id="activity-{activity.id}"'.encode() in response.data
    assert b'name="version"' in response.data


def test_inline_edit_saves_and_returns_the_row(client, activity, programme):
    owner_id = programme.memberships[0].user_id
    response = client.post(
        _url(activity, "/edit"),
        data=_edit(
            activity, owner_id=str(owner_id), due_on="2026-01-20", notes="Call IT", done="y"
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert b"<html" not in response.data
    assert b"Call IT" in response.data and b"is-done" in response.data
    saved = db.session.get(Activity, activity.id)
    assert (saved.owner_id, saved.due_on, saved.notes) == (owner_id, date(2026, 1, 20), "Call IT")
    assert saved.done_on == clock.today()


def test_the_same_form_works_without_javascript(client, activity):
    response = client.post(_url(activity, "/edit"), data=_edit(activity, notes="Plain post"))
    assert response.status_code == 303
    assert db.session.get(Activity, activity.id).notes == "Plain post"


def test_a_due_date_outside_the_programme_is_refused_at_the_field(client, activity):
    response = client.post(
        _url(activity, "/edit"),
        data=_edit(activity, due_on="2030-01-01", notes="x"),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert b'id="due_on-error"' in response.data
    assert b"Must fall within the programme" in response.data
    saved = db.session.get(Activity, activity.id)
    assert (saved.due_on, saved.notes) == (date(2026, 6, 11), "") or saved.notes == ""


def test_a_stale_inline_edit_is_refused_and_shows_the_current_values(client, activity):
    opened_version = activity.version
    first = client.post(_url(activity, "/edit"), data=_edit(activity, notes="First"), headers=HTMX)
    assert first.status_code == 200
    second = client.post(
        _url(activity, "/edit"),
        data=_edit(activity, notes="Second", version=opened_version),
        headers=HTMX,
    )
    assert second.status_code == 409
    assert b"Someone changed this activity since you opened it" in second.data
    assert b"First" in second.data
    assert db.session.get(Activity, activity.id).notes == "First"


def test_ticking_done_toggles_in_place(client, activity):
    response = client.post(
        _url(activity, "/done"), data={"version": activity.version, "done": "y"}, headers=HTMX
    )
    assert response.status_code == 200
    assert b"is-done" in response.data
    assert db.session.get(Activity, activity.id).done_on == clock.today()
    fresh = db.session.get(Activity, activity.id)
    response = client.post(_url(activity, "/done"), data={"version": fresh.version}, headers=HTMX)
    assert db.session.get(Activity, activity.id).done_on is None


def test_a_stale_tick_is_refused(client, activity):
    stale = activity.version
    client.post(_url(activity, "/done"), data={"version": stale, "done": "y"}, headers=HTMX)
    response = client.post(_url(activity, "/done"), data={"version": stale}, headers=HTMX)
    assert response.status_code == 409
    assert db.session.get(Activity, activity.id).done_on == clock.today()


def test_pmo_adds_an_activity_and_a_deliverable(client, programme):
    phase = programme.phases[1]
    url = f"/programmes/{programme.id}/phases/{phase.id}/activities/new"
    response = client.post(
        url,
        data={
            "name": "Train super-users",
            "is_deliverable": "y",
            "owner_id": "0",
            "due_on": "2026-11-01",
        },
    )
    assert response.status_code == 303
    added = db.session.scalar(select(Activity).where(Activity.name == "Train super-users"))
    assert added.is_deliverable and added.position == 3


def test_adding_an_activity_without_a_name_is_refused(client, programme):
    phase = programme.phases[1]
    url = f"/programmes/{programme.id}/phases/{phase.id}/activities/new"
    response = client.post(url, data={"name": " ", "owner_id": "0"})
    assert response.status_code == 422
    assert b'id="name-error"' in response.data
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 4


def test_change_agents_read_but_cannot_edit(app, activity):
    agent = app.test_client()
    agent.post("/auth/login", data={"email": "agent@example.com", "password": factories.PASSWORD})
    phase_page = agent.get(f"/programmes/{activity.phase.programme_id}/phases/{activity.phase_id}")
    assert phase_page.status_code == 200
    assert b'name="done"' not in phase_page.data
    assert agent.post(_url(activity, "/edit"), data=_edit(activity)).status_code == 403
    assert agent.post(_url(activity, "/done"), data={"version": 1}).status_code == 403


def test_an_activity_of_another_phase_is_not_found(client, programme):
    other_phase = programme.phases[1]
    activity = programme.phases[0].activities[0]
    url = f"/programmes/{programme.id}/phases/{other_phase.id}/activities/{activity.id}/edit"
    assert client.get(url).status_code == 404


def test_evidence_file_is_stored_outside_the_web_root_and_served_to_members(app, client, activity):
    response = client.post(
        _url(activity, "/evidence"),
        data={"title": "Signed report", "file": (io.BytesIO(PDF), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    evidence = db.session.scalar(select(Evidence).where(Evidence.activity_id == activity.id))
    assert evidence.original_filename == "report.pdf"
    assert evidence.stored_name != "report.pdf"
    with client.get(_url(activity, f"/evidence/{evidence.id}")) as download:
        assert download.status_code == 200
        assert download.data == PDF
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in download.headers["Content-Disposition"]
    outsider = app.test_client()
    factories.user("out@example.com")
    outsider.post("/auth/login", data={"email": "out@example.com", "password": factories.PASSWORD})
    assert outsider.get(_url(activity, f"/evidence/{evidence.id}")).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b"MZ\x90\x00binary"), "tool.exe"), b"Upload a PDF, Office document"),
        ((io.BytesIO(b"<html><script>x</script>"), "report.pdf"), b"is not a .pdf file"),
    ],
)
def test_files_of_a_wrong_type_or_size_are_refused(client, activity, upload, message):
    with client.post(
        _url(activity, "/evidence"),
        data={"title": "x", "file": upload},
        content_type="multipart/form-data",
    ) as response:
        assert response.status_code == 422
        assert b'id="file-error"' in response.data
        assert message in response.data
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_a_request_far_over_the_limit_gets_413_and_saves_nothing(client, activity):
    body = b"--x\r\n" + b"0" * (400 * 1024) + b"\r\n--x--\r\n"
    response = client.post(
        _url(activity, "/evidence"), data=body, content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 413
    assert b"File too large" in response.data
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_a_file_just_over_the_limit_is_refused_at_the_field(client, activity):
    big = io.BytesIO(b"%PDF-" + b"0" * (256 * 1024))
    with client.post(
        _url(activity, "/evidence"),
        data={"title": "x", "file": (big, "big.pdf")},
        content_type="multipart/form-data",
    ) as response:
        assert response.status_code == 422
        assert b"larger than the 256 KB limit" in response.data


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "Plan", "url": "javascript:alert(1)"}, "url", b"starting with https://"),
        (
            {"title": "", "url": "https://intranet.example/plan"},
            "title",
            b"Give the link a title.",
        ),
        ({"title": "Nothing"}, "url", b"Give a link or choose a file."),
        # Blank-looking links are no links (an em space, found by the fuzzer).
        ({"title": "Kick-off deck", "url": "\u2003 "}, "url", b"Give a link or choose a file."),
    ],
)
def test_bad_links_are_refused_at_the_field(client, activity, data, field, message):
    response = client.post(_url(activity, "/evidence"), data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data


def test_links_are_listed_and_removable(client, activity):
    client.post(
        _url(activity, "/evidence"), data={"title": "Plan", "url": "https://intranet.example/plan"}
    )
    evidence = db.session.scalar(select(Evidence))
    page = client.get(f"/programmes/{activity.phase.programme_id}/phases/{activity.phase_id}")
    assert b'href="https://intranet.example/plan"' in page.data
    assert b'rel="noopener noreferrer nofollow"' in page.data
    assert client.post(_url(activity, f"/evidence/{evidence.id}/remove")).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
