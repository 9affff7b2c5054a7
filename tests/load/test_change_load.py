"""The change load heatmap: the grid, other programmes kept anonymous, the window, capacity."""

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select, update

from tests import factories
from tests.statements import statements_for_page
from transform import clock
from transform.extensions import db
from transform.load import queries
from transform.load.org import org_teams, subtree
from transform.models import (
    AuditEvent,
    ImpactAspect,
    ImpactLevel,
    Programme,
    ProgrammeStatus,
    Role,
    Team,
)

SECRET = "Secret merger"
WINDOW = "?from=2026-01&months=6"


@pytest.fixture
def people(db):
    return {
        "pmo": factories.user("pmo@example.com", name="Pam PMO"),
        "viewer": factories.user("viewer@example.com", name="Sol Sponsor"),
        "b_admin": factories.user("badmin@example.com", name="Bo Admin"),
        "outsider": factories.user("outsider@example.com", name="Otto Outsider"),
        "site_admin": factories.user("root@example.com", name="Sid Admin", is_site_admin=True),
    }


@pytest.fixture
def programmes(people):
    mine = factories.programme(
        admin=people["pmo"],
        members={people["viewer"]: Role.SPONSOR},
        name="Back-office optimisation",
    )
    secret = factories.programme(admin=people["b_admin"], name=SECRET)
    return mine, secret


@pytest.fixture
def teams(programmes):
    """Litigation hit by both programmes, Billing by one all year; hand-computed below.

    Litigation: the back-office change (degree 60) goes live 10 Mar: Jan-Apr. The secret
    one (not assessed, medium: 50) goes live 20 May: Mar-Jun. So Jan-Jun reads
    60, 60, 110, 110, 50, 50 against the default 100: Mar and Apr are saturated.
    Billing: high and not assessed (80), no go-live: the whole year, against 150.
    """
    mine, secret = programmes
    teams = {
        "support": _team("Practice Support", 5),
        "billing": _team("Billing Operations", 28, capacity=150),
    }
    teams["litigation"] = _team("Litigation Support", 56, parent=teams["support"])
    scores = {ImpactAspect.PROCESSES: 4, ImpactAspect.SYSTEMS: 2}
    _impact(mine, teams["litigation"], ImpactLevel.HIGH, date(2026, 3, 10), scores)
    _impact(secret, teams["litigation"], ImpactLevel.MEDIUM, date(2026, 5, 20))
    _impact(mine, teams["billing"], ImpactLevel.HIGH)
    return teams


def _team(name: str, headcount: int, parent=None, capacity=None) -> Team:
    team = Team(name=name, headcount=headcount, parent=parent, change_capacity=capacity)
    db.session.add(team)
    db.session.flush()
    return team


def _impact(programme, team, level, go_live_on=None, scores=None):
    return factories.impacted(programme, team, level, scores, go_live_on=go_live_on)


def _rows(view) -> dict[str, list[int]]:
    return {row.team.name: [c.cell.points for c in row.cells] for row in view.rows}


def _cell_urls(html: str, team: Team) -> list[str]:
    pattern = rf'href="(/change-load/teams/{team.id}/[^"]+)"'
    return [unescape(url) for url in re.findall(pattern, html)]


def _month_headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col" class="load-month">([A-Z][a-z]{2})', html)


# The grid


def test_changes_from_every_programme_add_up_against_capacity(people, teams):
    view = queries.change_load(people["viewer"], org_teams(), date(2026, 1, 1), 6)
    assert _rows(view) == {
        "Billing Operations": [80] * 6,
        "Litigation Support": [60, 60, 110, 110, 50, 50],
    }
    billing, litigation = view.rows
    assert [c.cell.band.value for c in litigation.cells] == [
        "fine",
        "fine",
        "saturated",
        "saturated",
        "fine",
        "fine",
    ]
    assert (litigation.row.capacity, litigation.row.capacity_is_default) == (100, True)
    assert (billing.row.capacity, billing.row.capacity_is_default) == (150, False)
    assert {c.cell.band.value for c in billing.cells} == {"fine"}  # 80 / 150 = 53%
    assert (view.grid.saturated_teams, view.grid.saturated_cells) == (1, 2)
    assert litigation.team.parent_name == "Practice Support"


def test_archived_programmes_do_not_count(people, programmes, teams):
    db.session.get(Programme, programmes[1].id).status = ProgrammeStatus.ARCHIVED
    view = queries.change_load(people["viewer"], org_teams(), date(2026, 1, 1), 6)
    assert _rows(view)["Litigation Support"] == [60, 60, 60, 60, 0, 0]


def test_the_page_shows_the_heatmap_with_saturated_cells_standing_out(client, auth, teams):
    auth.login("viewer@example.com")
    response = client.get(f"/change-load{WINDOW}")
    assert response.status_code == 200
    html = response.data.decode()
    assert _month_headers(html) == ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
    litigation = re.search(rf'<tr id="load-team-{teams["litigation"].id}">(.*?)</tr>', html, re.S)
    cells = re.findall(r'<td class="load-cell load-(\w+)">', litigation.group(1))
    assert cells == ["fine", "fine", "saturated", "saturated", "fine", "fine"]
    assert "110 of 100 points (110%), saturated" in litigation.group(1)
    assert "Saturated teams" in html
    billing = re.search(rf'<tr id="load-team-{teams["billing"].id}">(.*?)</tr>', html, re.S)
    assert "150" in billing.group(1) and "default" not in billing.group(1)
    assert "default" in litigation.group(1)
    assert "Practice Support</th>" not in html  # a team no change hits has no row


def test_the_default_window_is_this_month_and_the_next_eleven(client, auth, teams):
    auth.login("viewer@example.com")
    html = client.get("/change-load").data.decode()
    headers = _month_headers(html)
    assert len(headers) == 12 and headers[0] == f"{clock.today():%b}"
    assert f'value="{clock.today():%Y-%m}"' in html


def test_a_subtree_shows_the_team_and_the_teams_under_it(client, auth, teams):
    auth.login("viewer@example.com")
    html = client.get(f"/change-load{WINDOW}&team={teams['support'].id}").data.decode()
    assert f'id="load-team-{teams["litigation"].id}"' in html
    assert f'id="load-team-{teams["billing"].id}"' not in html
    leaf = client.get(f"/change-load{WINDOW}&team={teams['billing'].id}").data.decode()
    assert f'id="load-team-{teams["billing"].id}"' in leaf
    assert f'id="load-team-{teams["litigation"].id}"' not in leaf


def test_teams_come_in_tree_order_and_none_goes_missing(db):
    root = _team("Hartley & Finch", 8)
    billing = _team("Billing", 6, parent=root)
    _team("Collections", 14, parent=billing)
    _team("Admin", 3, parent=root)
    first, second = _team("Loop A", 1), _team("Loop B", 1)
    # A cycle no root reaches, as a bad import could leave it.
    db.session.execute(update(Team).where(Team.id == first.id).values(parent_id=second.id))
    db.session.execute(update(Team).where(Team.id == second.id).values(parent_id=first.id))
    ordered = [(team.name, team.depth) for team in org_teams()]
    assert ordered[:4] == [
        ("Hartley & Finch", 0),
        ("Admin", 1),
        ("Billing", 1),
        ("Collections", 2),
    ]
    assert {name for name, _ in ordered[4:]} == {"Loop A", "Loop B"}
    assert [team.name for team in subtree(org_teams(), billing.id)] == ["Billing", "Collections"]


# Other programmes stay anonymous


def test_a_non_member_sees_other_programme_not_its_name(client, auth, teams):
    auth.login("viewer@example.com")
    page = client.get(f"/change-load{WINDOW}").data.decode()
    assert SECRET not in page
    assert "Back-office optimisation 60; 1 other programme 50" in unescape(page)
    march = next(url for url in _cell_urls(page, teams["litigation"]) if "/2026-03" in url)
    for headers in ({}, {"HX-Request": "true"}):
        detail = client.get(march, headers=headers)
        assert detail.status_code == 200
        html = detail.data.decode()
        assert SECRET not in html
        assert "Back-office optimisation" in html and "Another programme" in html
        assert "1 other programme also changes this team" in html
        assert "20 May 2026" in html and "10 Mar 2026" in html


def test_each_user_sees_only_their_own_programmes_names(client, auth, teams):
    auth.login("badmin@example.com")
    page = unescape(client.get(f"/change-load{WINDOW}").data.decode())
    assert f"{SECRET} 50; 1 other programme 60" in page
    assert "Back-office optimisation" not in page
    auth.logout()
    auth.login("outsider@example.com")
    page = unescape(client.get(f"/change-load{WINDOW}").data.decode())
    assert "2 other programmes 110" in page
    assert SECRET not in page and "Back-office optimisation" not in page


# The window


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?from=2026-13", "from", "Give a month as YYYY-MM"),
        ("?from=soon", "from", "Give a month as YYYY-MM"),
        ("?from=0001-01", "from", "Give a month between 1900 and 2999."),
        ("?from=9999-12", "from", "Give a month between 1900 and 2999."),
        ("?months=5", "months", "Show 6 to 24 months."),
        ("?months=25", "months", "Show 6 to 24 months."),
        ("?months=twelve", "months", "Show 6 to 24 months."),
        ("?months=-1", "months", "Show 6 to 24 months."),
        ("?team=999999", "team", "Not a valid choice."),
        ("?team=abc", "team", "Invalid Choice: could not coerce."),
    ],
)
def test_a_bad_window_is_refused_at_the_field_and_the_default_shown(
    client, auth, teams, query, field, message
):
    auth.login("viewer@example.com")
    response = client.get(f"/change-load{query}")
    assert response.status_code == 400
    html = response.data.decode()
    assert f'id="{field}-error"' in html and message in html
    assert len(_month_headers(html)) == 12


@pytest.mark.parametrize(("months", "shown"), [("6", 6), ("24", 24), ("", 12)])
def test_the_window_takes_6_to_24_months(client, auth, teams, months, shown):
    auth.login("viewer@example.com")
    response = client.get(f"/change-load?from=2026-01&months={months}")
    assert response.status_code == 200
    assert len(_month_headers(response.data.decode())) == shown


@pytest.mark.parametrize("month", ["2026-13", "soon", "0001-01", "9999-12"])
def test_a_cell_of_a_bad_month_or_unknown_team_is_404(client, auth, teams, month):
    auth.login("viewer@example.com")
    assert client.get(f"/change-load/teams/{teams['billing'].id}/{month}").status_code == 404
    assert client.get("/change-load/teams/999999/2026-03").status_code == 404


def test_cell_links_work_without_javascript_and_keep_the_window(client, auth, teams):
    auth.login("viewer@example.com")
    html = client.get(f"/change-load{WINDOW}").data.decode()
    links = re.findall(r"<a\b[^>]*\bhx-get=[^>]*>", html)
    assert len(links) == 12  # six months of two teams
    for link in links:
        href = re.search(r'href="([^"]+)"', link).group(1)
        assert href == re.search(r'hx-get="([^"]+)"', link).group(1)
        assert "from=2026-01" in href and "months=6" in href
    page = client.get(_cell_urls(html, teams["litigation"])[0])
    assert b"<html" in page.data and b"Back to the heatmap" in page.data
    assert b"from=2026-01" in page.data


def test_the_page_takes_a_fixed_number_of_queries(client, auth, people, teams):
    def queries_for_page() -> int:
        return statements_for_page(client, f"/change-load{WINDOW}")

    auth.login("viewer@example.com")
    few = queries_for_page()
    for n in range(5):
        programme = factories.programme(admin=people["outsider"], name=f"More {n}")
        team = _team(f"Team {n}", 10)
        _impact(programme, team, ImpactLevel.LOW, date(2026, 2, 1), {ImpactAspect.ROLES: 2})
    assert queries_for_page() == few


def test_user_text_is_escaped(client, auth, programmes):
    team = _team('<img src=x onerror="alert(1)">', 5)
    _impact(programmes[0], team, ImpactLevel.LOW, date(2026, 3, 1))
    auth.login("viewer@example.com")
    html = client.get(f"/change-load{WINDOW}").data
    assert b"<img src=x" not in html and b"&lt;img src=x" in html


def test_logged_out_visitors_are_sent_to_log_in(client):
    response = client.get("/change-load")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


# Capacity


def _capacity_url(team: Team) -> str:
    return f"/change-load/teams/{team.id}/capacity?month=2026-03&from=2026-01&months=6"


@pytest.mark.parametrize(
    ("who", "email"),
    [
        ("pmo", "pmo@example.com"),
        ("b_admin", "badmin@example.com"),
        ("site_admin", "root@example.com"),
    ],
)
def test_org_editors_set_a_teams_capacity(client, auth, people, teams, who, email):
    auth.login(email)
    litigation = teams["litigation"]
    detail = client.get(f"/change-load/teams/{litigation.id}/2026-03").data.decode()
    assert "Save capacity" in detail and 'name="version" type="hidden" value="1"' in detail
    response = client.post(_capacity_url(litigation), data={"capacity": "120", "version": "1"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"/change-load/teams/{litigation.id}/2026-03?")
    assert "from=2026-01" in location and "months=6" in location
    team = db.session.get(Team, litigation.id)
    assert (team.change_capacity, team.version) == (120, 2)
    audit = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "team.capacity_updated")
    )
    assert audit.before == {"change_capacity": None} and audit.after == {"change_capacity": 120}
    assert audit.user_id == people[who].id
    page = client.get(location).data.decode()
    assert "Saved the capacity of Litigation Support." in page
    assert "110 of 120 points" in page


def test_a_blank_capacity_restores_the_default(client, auth, teams):
    auth.login("pmo@example.com")
    billing = teams["billing"]
    response = client.post(_capacity_url(billing), data={"capacity": "", "version": "1"})
    assert response.status_code == 303
    assert db.session.get(Team, billing.id).change_capacity is None


def test_an_htmx_save_swaps_the_detail_and_tells_the_heatmap(client, auth, teams):
    auth.login("pmo@example.com")
    response = client.post(
        _capacity_url(teams["litigation"]),
        data={"capacity": "200", "version": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "capacity-changed"
    html = response.data.decode()
    assert "<html" not in html and "Saved the capacity of Litigation Support." in html
    assert "110 of 200 points" in html and 'value="2"' in html
    grid = client.get(f"/change-load{WINDOW}", headers={"HX-Request": "true"}).data.decode()
    assert (
        "<html" not in grid and 'id="load-grid"' in grid and 'hx-trigger="capacity-changed' in grid
    )
    assert '<td class="load-cell load-saturated">' not in grid


@pytest.mark.parametrize("value", ["0", "-5", "abc", "1.5", "100001"])
def test_a_bad_capacity_is_refused_at_the_field(client, auth, teams, value):
    auth.login("pmo@example.com")
    response = client.post(
        _capacity_url(teams["billing"]), data={"capacity": value, "version": "1"}
    )
    assert response.status_code == 422
    html = response.data.decode()
    assert 'id="capacity-error"' in html and "A whole number above 0, or blank." in html
    team = db.session.get(Team, teams["billing"].id)
    assert (team.change_capacity, team.version) == (150, 1)


def test_a_stale_capacity_edit_is_refused(client, auth, teams):
    auth.login("pmo@example.com")
    billing = teams["billing"]
    first = client.post(_capacity_url(billing), data={"capacity": "90", "version": "1"})
    assert first.status_code == 303
    response = client.post(_capacity_url(billing), data={"capacity": "300", "version": "1"})
    assert response.status_code == 409
    html = response.data.decode()
    assert "changed this team&#39;s capacity since you opened it" in html
    assert 'name="capacity" type="number" value="90"' in html
    assert 'value="2"' in html
    assert db.session.get(Team, billing.id).change_capacity == 90
    missing = client.post(_capacity_url(billing), data={"capacity": "300"})
    assert missing.status_code == 409


@pytest.mark.parametrize("email", ["viewer@example.com", "outsider@example.com"])
def test_others_see_the_capacity_but_cannot_set_it(client, auth, teams, email):
    auth.login(email)
    detail = client.get(f"/change-load/teams/{teams['billing'].id}/2026-03").data.decode()
    assert "can absorb 150 points of change a month" in detail
    assert "Save capacity" not in detail
    response = client.post(_capacity_url(teams["billing"]), data={"capacity": "1", "version": "1"})
    assert response.status_code == 403
    assert db.session.get(Team, teams["billing"].id).change_capacity == 150
