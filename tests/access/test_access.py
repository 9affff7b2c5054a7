"""A user sees only the programmes they belong to; others do not exist for them."""

import pytest

from tests import factories
from transform.models import Role


@pytest.fixture
def two_programmes(db):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    agent = factories.user("agent@example.com", name="Ari Agent")
    sponsor = factories.user("sponsor@example.com", name="Sol Sponsor")
    outsider = factories.user("outsider@example.com", name="Otto Outsider")
    mine = factories.programme(
        admin=pmo,
        members={agent: Role.CHANGE_AGENT, sponsor: Role.SPONSOR},
        name="Back-office optimisation",
    )
    theirs = factories.programme(admin=outsider, name="Secret programme")
    return mine, theirs


@pytest.mark.parametrize(
    ("email", "role_label"),
    [
        ("pmo@example.com", "PMO admin"),
        ("agent@example.com", "Change agent"),
        ("sponsor@example.com", "Sponsor"),
    ],
)
def test_each_role_sees_its_programme_and_not_others(
    client, auth, two_programmes, email, role_label
):
    mine, theirs = two_programmes
    auth.login(email)
    listing = client.get("/programmes/")
    assert b"Back-office optimisation" in listing.data
    assert role_label.encode() in listing.data
    assert b"Secret programme" not in listing.data
    assert client.get(f"/programmes/{mine.id}").status_code == 200
    assert client.get(f"/programmes/{theirs.id}").status_code == 404


def test_a_programme_that_does_not_exist_is_also_404(client, auth, two_programmes):
    auth.login("pmo@example.com")
    assert client.get("/programmes/999999").status_code == 404


def test_overview_shows_phases_from_the_template(client, auth, two_programmes):
    mine, _ = two_programmes
    auth.login("agent@example.com")
    page = client.get(f"/programmes/{mine.id}").data
    assert b"Phase 1" in page and b"Phase 2" in page
    assert b"0 of 2" in page


@pytest.mark.parametrize("path", ["/admin/users", "/admin/programmes", "/admin/users/new"])
def test_admin_area_is_hidden_from_non_site_admins(client, auth, two_programmes, path):
    auth.login("pmo@example.com")
    assert client.get(path).status_code == 404
