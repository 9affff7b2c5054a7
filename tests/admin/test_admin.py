import pytest
from sqlalchemy import func, select

from tests import factories
from transform.extensions import db
from transform.models import Membership, Phase, Programme, Role, User


@pytest.fixture
def site_admin(db, auth):
    admin = factories.user("root@example.com", name="Site Admin", is_site_admin=True)
    auth.login("root@example.com")
    return admin


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_site_admin_creates_a_user_who_can_then_log_in(app, client, site_admin):
    response = client.post(
        "/admin/users/new",
        data={
            "email": "New.Person@example.com",
            "name": "New Person",
            "password": "long-enough-1",
        },
    )
    assert response.status_code == 303
    other = app.test_client()
    login = other.post(
        "/auth/login", data={"email": "new.person@example.com", "password": "long-enough-1"}
    )
    assert login.status_code == 303


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "root@example.com", "name": "X", "password": "long-enough-1"},
            "email",
            b"A user with this email already exists.",
        ),
        (
            {"email": "not-an-email", "name": "X", "password": "long-enough-1"},
            "email",
            b"Invalid email address.",
        ),
        (
            {"email": "x@example.com", "name": "", "password": "long-enough-1"},
            "name",
            b"This field is required.",
        ),
        (
            {"email": "x@example.com", "name": "X", "password": "short"},
            "password",
            b"Use at least 12 characters.",
        ),
    ],
)
def test_bad_user_input_is_refused_at_the_field(client, site_admin, data, field, message):
    before = _count(User)
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data
    assert _count(User) == before


def test_site_admin_creates_a_programme_from_a_template(client, site_admin):
    template = factories.template(phases=3, name="Three-step method")
    response = client.post(
        "/admin/programmes/new",
        data={
            "name": "Finance transformation",
            "organisation": "Acme",
            "template_id": template.id,
            "starts_on": "2026-02-02",
            "ends_on": "2026-10-30",
            "target_adoption_rate": "75",
            "anonymity_threshold": "5",
            "comment_threshold": "10",
        },
    )
    assert response.status_code == 303
    programme = db.session.scalar(
        select(Programme).where(Programme.name == "Finance transformation")
    )
    phases = db.session.scalars(
        select(Phase).where(Phase.programme_id == programme.id).order_by(Phase.position)
    ).all()
    assert [p.name for p in phases] == ["Phase 1", "Phase 2", "Phase 3"]
    assert phases[0].planned_start.isoformat() == "2026-02-02"
    assert phases[-1].planned_end.isoformat() == "2026-10-30"
    assert all(p.gate is not None and len(p.gate.criteria) == 1 for p in phases)
    membership = db.session.scalar(
        select(Membership).where(Membership.programme_id == programme.id)
    )
    assert (membership.user_id, membership.role) == (site_admin.id, Role.ADMIN)
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2026-01-01"}, "ends_on", b"The end date must not be before the start date."),
        ({"anonymity_threshold": "2"}, "anonymity_threshold", b"At least 3."),
        ({"name": ""}, "name", b"This field is required."),
        (
            {"comment_threshold": "4"},
            "comment_threshold",
            b"Must be at least the anonymity threshold.",
        ),
        ({"starts_on": "next tuesday"}, "starts_on", b"Not a valid date value."),
    ],
)
def test_bad_programme_input_is_refused_at_the_field(client, site_admin, changes, field, message):
    template = factories.template()
    data = {
        "name": "Finance transformation",
        "template_id": template.id,
        "starts_on": "2026-02-02",
        "ends_on": "2026-10-30",
        "target_adoption_rate": "75",
        "anonymity_threshold": "5",
        "comment_threshold": "10",
    } | changes
    before = _count(Programme)
    response = client.post("/admin/programmes/new", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data
    assert _count(Programme) == before


def test_members_are_added_changed_and_removed(client, site_admin):
    programme = factories.programme(admin=site_admin)
    agent = factories.user("agent@example.com", name="Ari Agent")
    url = f"/admin/programmes/{programme.id}/members"
    assert client.post(url, data={"user_id": agent.id, "role": "change_agent"}).status_code == 303
    assert client.post(url, data={"user_id": agent.id, "role": "sponsor"}).status_code == 303
    membership = db.session.scalar(select(Membership).where(Membership.user_id == agent.id))
    assert membership.role == Role.SPONSOR
    page = client.get(url).data
    assert b"Ari Agent" in page
    assert client.post(f"{url}/{membership.id}/remove").status_code == 303
    assert db.session.scalar(select(Membership).where(Membership.user_id == agent.id)) is None


def test_the_last_pmo_admin_cannot_be_removed_or_demoted(client, site_admin):
    programme = factories.programme(admin=site_admin)
    url = f"/admin/programmes/{programme.id}/members"
    only_admin = db.session.scalar(
        select(Membership).where(Membership.programme_id == programme.id)
    )
    response = client.post(url, data={"user_id": site_admin.id, "role": "sponsor"})
    assert response.status_code == 422
    assert b"A programme needs at least one PMO admin." in response.data
    client.post(f"{url}/{only_admin.id}/remove")
    assert db.session.get(Membership, only_admin.id) is not None


def test_disabling_a_user_ends_their_sessions(app, client, site_admin):
    person = factories.user("leaver@example.com", name="Lee Leaver")
    theirs = app.test_client()
    theirs.post(
        "/auth/login", data={"email": "leaver@example.com", "password": factories.PASSWORD}
    )
    assert theirs.get("/programmes/").status_code == 200
    response = client.post(f"/admin/users/{person.id}", data={"name": "Lee Leaver"})
    assert response.status_code == 303
    assert theirs.get("/programmes/").status_code == 302


def test_site_admin_cannot_lock_themselves_out(client, site_admin):
    response = client.post(f"/admin/users/{site_admin.id}", data={"name": "Site Admin"})
    assert response.status_code == 422
    assert db.session.get(User, site_admin.id).is_site_admin
