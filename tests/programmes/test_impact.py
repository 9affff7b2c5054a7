"""A programme's impacted teams: adding, assessing, removing, the totals, and access."""

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.statements import statements_for_page
from transform.extensions import db
from transform.models import (
    AuditEvent,
    ImpactAspect,
    ImpactedTeam,
    ImpactLevel,
    ImpactScore,
    Programme,
    ProgrammeStatus,
    Team,
)

STALE = b"Someone changed this team&#39;s impact since you opened it."


@pytest.fixture
def teams(db):
    root = Team(name="Hartley & Finch", external_id="LS-100", headcount=8)
    billing = Team(name="Billing", external_id="LS-120", headcount=6, parent=root)
    collections = Team(name="Collections", external_id="LS-122", headcount=14, parent=billing)
    db.session.add_all([root, billing, collections])
    db.session.flush()
    return {"root": root, "billing": billing, "collections": collections}


def _impacted(programme, team, level=ImpactLevel.MEDIUM, scores=None, **values):
    return factories.impacted(programme, team, level, scores, **values)


def _assessment(**changes) -> dict:
    """Form data for the assessment page: nothing scored, medium, no date, version 1."""
    data = {f"score_{aspect.value}": "" for aspect in ImpactAspect}
    data |= {"go_live_on": "", "impact_level": "medium", "version": "1"}
    return data | changes


def _impacted_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ImpactedTeam))


# Adding


def test_pmo_adds_an_impacted_team_then_assesses_it(client, programme, teams, pmo):
    base = f"/programmes/{programme.id}/impact"
    page = client.get(f"{base}/new")
    assert page.status_code == 200
    assert "Teams &amp; impact" in page.data.decode()  # the programme's tabs
    data = {"team_id": str(teams["billing"].id), "go_live_on": "2026-09-01", "impact_level": "low"}
    response = client.post(f"{base}/new", data=data)
    assert response.status_code == 303
    impacted = db.session.scalar(select(ImpactedTeam))
    assert response.headers["Location"] == f"{base}/{impacted.id}/edit"
    assert (impacted.team_id, str(impacted.go_live_on), impacted.impact_level) == (
        teams["billing"].id,
        "2026-09-01",
        ImpactLevel.LOW,
    )
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "impact.added"))
    assert (event_.programme_id, event_.entity_id) == (programme.id, impacted.id)
    assert event_.after["go_live_on"] == "2026-09-01"
    followed = client.get(response.headers["Location"])
    assert b"Added Billing. Now assess how much its work changes." in followed.data


def test_teams_already_impacted_are_not_offered(client, programme, teams, pmo):
    _impacted(programme, teams["billing"])
    other = factories.programme(admin=factories.user(), name="Other")
    _impacted(other, teams["collections"])  # another programme's impact does not count
    html = client.get(f"/programmes/{programme.id}/impact/new").data.decode()
    select_ = html[
        html.index('id="team_id"') : html.index("</select>", html.index('id="team_id"'))
    ]
    assert "Collections" in select_ and "Hartley" in select_ and "Billing (" not in select_
    response = client.post(
        f"/programmes/{programme.id}/impact/new", data={"team_id": str(teams["billing"].id)}
    )
    assert response.status_code == 422 and b"Not a valid choice." in response.data
    assert _impacted_count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"team_id": ""}, "team_id", b"Choose the team the programme changes."),
        ({"go_live_on": "2027-01-04"}, "go_live_on", b"Must fall within the programme"),
        ({"go_live_on": "someday"}, "go_live_on", b"Not a valid date value."),
        ({"impact_level": "extreme"}, "impact_level", b"Invalid Choice: could not coerce."),
    ],
)
def test_bad_input_to_add_is_refused_at_the_field(
    client, programme, teams, pmo, changes, field, message
):
    data = {"team_id": str(teams["billing"].id), "go_live_on": "", "impact_level": "medium"}
    response = client.post(f"/programmes/{programme.id}/impact/new", data=data | changes)
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data and message in response.data
    assert _impacted_count() == 0


# Assessing


def test_scores_give_the_degree_and_set_the_level(client, programme, teams, pmo):
    impacted = _impacted(programme, teams["billing"], ImpactLevel.LOW)
    url = f"/programmes/{programme.id}/impact/{impacted.id}/edit"
    page = client.get(url)
    assert page.status_code == 200
    assert b"0 \xc2\xb7 No change" in page.data and b"5 \xc2\xb7 Transformed" in page.data
    assert b"Systems and tools" in page.data and b"Customer interaction" in page.data
    data = _assessment(
        go_live_on="2026-10-05",
        impact_level="low",
        score_processes="5",
        score_systems="4",
        score_roles="3",
        score_skills="0",
    )
    response = client.post(url, data=data)
    assert response.status_code == 303
    impacted = db.session.get(ImpactedTeam, impacted.id)
    scores = {score.aspect: score.score for score in impacted.scores}
    assert scores == {
        ImpactAspect.PROCESSES: 5,
        ImpactAspect.SYSTEMS: 4,
        ImpactAspect.ROLES: 3,
        ImpactAspect.SKILLS: 0,
    }
    # Degree 12 / 20 = 60: medium, whatever level was chosen.
    assert impacted.impact_level == ImpactLevel.MEDIUM and impacted.version == 2
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "impact.updated"))
    assert event_.before["impact_level"] == "low" and event_.after["impact_level"] == "medium"
    assert event_.after["scores"] == {"processes": 5, "systems": 4, "roles": 3, "skills": 0}

    # Re-scoring high, and an aspect set back to "not assessed" loses its score.
    data = _assessment(
        version="2", score_processes="5", score_systems="4", score_roles="", score_skills=""
    )
    assert client.post(url, data=data).status_code == 303
    impacted = db.session.get(ImpactedTeam, impacted.id)
    assert {score.aspect for score in impacted.scores} == {
        ImpactAspect.PROCESSES,
        ImpactAspect.SYSTEMS,
    }
    assert impacted.impact_level == ImpactLevel.HIGH  # 9 / 10 = 90


def test_without_scores_the_chosen_level_is_kept(client, programme, teams, pmo):
    impacted = _impacted(programme, teams["billing"], scores={ImpactAspect.LOCATION: 1})
    url = f"/programmes/{programme.id}/impact/{impacted.id}/edit"
    response = client.post(url, data=_assessment(impact_level="high"))
    assert response.status_code == 303
    impacted = db.session.get(ImpactedTeam, impacted.id)
    assert impacted.impact_level == ImpactLevel.HIGH and impacted.scores == []


def test_a_change_to_scores_alone_bumps_the_version(client, programme, teams, pmo):
    impacted = _impacted(programme, teams["billing"], ImpactLevel.HIGH)
    url = f"/programmes/{programme.id}/impact/{impacted.id}/edit"
    data = _assessment(impact_level="high", score_processes="5", score_systems="5")
    assert client.post(url, data=data).status_code == 303
    impacted = db.session.get(ImpactedTeam, impacted.id)
    assert impacted.impact_level == ImpactLevel.HIGH and impacted.version == 2
    unchanged = client.post(url, data=data | {"version": "2"})
    assert unchanged.status_code == 303
    assert db.session.get(ImpactedTeam, impacted.id).version == 2
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"score_processes": "6"}, "score_processes", b"Not a valid choice."),
        ({"score_workload": "-1"}, "score_workload", b"Not a valid choice."),
        ({"score_location": "lots"}, "score_location", b"Invalid Choice: could not coerce."),
        ({"go_live_on": "2025-12-31"}, "go_live_on", b"Must fall within the programme"),
    ],
)
def test_bad_scores_are_refused_at_the_field(
    client, programme, teams, pmo, changes, field, message
):
    impacted = _impacted(programme, teams["billing"], scores={ImpactAspect.PROCESSES: 2})
    url = f"/programmes/{programme.id}/impact/{impacted.id}/edit"
    response = client.post(url, data=_assessment(score_processes="4") | changes)
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data and message in response.data
    impacted = db.session.get(ImpactedTeam, impacted.id)
    assert [score.score for score in impacted.scores] == [2] and impacted.version == 1


def test_a_stale_assessment_is_refused(app, client, programme, teams, pmo):
    impacted = _impacted(programme, teams["billing"])
    url = f"/programmes/{programme.id}/impact/{impacted.id}/edit"
    colleague = app.test_client()
    colleague.post(
        "/auth/login", data={"email": "pmo@example.com", "password": factories.PASSWORD}
    )
    assert colleague.post(url, data=_assessment(score_processes="1")).status_code == 303

    response = client.post(url, data=_assessment(score_processes="5"))
    assert response.status_code == 409
    assert STALE in response.data
    assert b"Reload the latest version" in response.data
    impacted = db.session.get(ImpactedTeam, impacted.id)
    assert [score.score for score in impacted.scores] == [1]


# Removing


def test_pmo_removes_an_impacted_team(client, programme, teams, pmo):
    impacted = _impacted(programme, teams["billing"], scores={ImpactAspect.PROCESSES: 4})
    impacted_id = impacted.id
    response = client.post(f"/programmes/{programme.id}/impact/{impacted_id}/remove")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/programmes/{programme.id}/impact"
    assert _impacted_count() == 0
    assert db.session.scalar(select(func.count()).select_from(ImpactScore)) == 0
    assert db.session.get(Team, teams["billing"].id) is not None
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "impact.removed"))
    assert event_.entity_id == impacted_id and event_.before["scores"] == {"processes": 4}


# The list


def test_the_list_shows_degree_level_and_totals(client, programme, teams, pmo):
    _impacted(
        programme,
        teams["billing"],
        ImpactLevel.HIGH,
        scores={ImpactAspect.PROCESSES: 5, ImpactAspect.SYSTEMS: 4},
        go_live_on=date(2026, 6, 1),
    )
    _impacted(programme, teams["collections"], ImpactLevel.LOW)
    html = unescape(client.get(f"/programmes/{programme.id}/impact").data.decode())
    stats = dict(
        re.findall(r'stat-label">(.*?)</span><span class="stat-value">(.*?)</span>', html)
    )
    assert stats == {"Impacted teams": "2", "People impacted": "20", "High-impact teams": "1"}
    assert html.index("Billing") < html.index("Collections")  # dated go-live first
    billing = html[html.index("Billing") : html.index("Collections")]
    assert '<span class="impact-degree-value">90</span>' in billing
    assert "impact-level-high" in billing and "1 Jun 2026" in billing
    assert "Processes <strong>5</strong>" in billing and "2 of 8 aspects assessed" in billing
    collections = html[html.index("Collections") :]
    assert "Not assessed" in collections and "impact-level-low" in collections


def test_the_list_takes_a_fixed_number_of_queries(client, programme, teams, pmo):
    def queries_for_page() -> int:
        return statements_for_page(client, f"/programmes/{programme.id}/impact")

    _impacted(programme, teams["billing"], scores={ImpactAspect.PROCESSES: 3})
    few = queries_for_page()
    for n in range(8):
        team = Team(name=f"Team {n}", headcount=n)
        db.session.add(team)
        db.session.flush()
        _impacted(programme, team, scores={ImpactAspect.SKILLS: n % 6, ImpactAspect.ROLES: 2})
    assert queries_for_page() == few


def test_a_level_the_assessment_disagrees_with_is_pointed_out(client, programme, teams, pmo):
    _impacted(programme, teams["billing"], ImpactLevel.LOW, scores={ImpactAspect.ROLES: 5})
    html = client.get(f"/programmes/{programme.id}/impact").data.decode()
    assert "The assessment gives high; saving it updates the level." in html


def test_user_text_is_escaped(client, programme, pmo):
    team = Team(name='<img src=x onerror="alert(1)">', external_id="<b hx-post='/x'>")
    db.session.add(team)
    db.session.flush()
    _impacted(programme, team)
    html = client.get(f"/programmes/{programme.id}/impact").data
    assert b"<img src=x" not in html and b"<b hx-post" not in html


# Access


@pytest.mark.parametrize("email", ["agent@example.com", "sponsor@example.com"])
def test_sponsors_and_change_agents_read_but_cannot_write(client, auth, programme, teams, email):
    impacted = _impacted(programme, teams["billing"])
    auth.login(email)
    base = f"/programmes/{programme.id}/impact"
    page = client.get(base)
    assert page.status_code == 200 and b"Billing" in page.data
    assert b"Add impacted team" not in page.data and b"/edit" not in page.data
    assert client.get(f"{base}/new").status_code == 403
    add = client.post(f"{base}/new", data={"team_id": str(teams["root"].id)})
    assert add.status_code == 403
    assert client.get(f"{base}/{impacted.id}/edit").status_code == 403
    edit = client.post(f"{base}/{impacted.id}/edit", data=_assessment(score_processes="5"))
    assert edit.status_code == 403
    assert client.post(f"{base}/{impacted.id}/remove").status_code == 403
    assert _impacted_count() == 1
    assert db.session.get(ImpactedTeam, impacted.id).scores == []


def test_non_members_get_404(client, auth, programme, teams):
    impacted = _impacted(programme, teams["billing"])
    auth.login("outsider@example.com")
    base = f"/programmes/{programme.id}/impact"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/new").status_code == 404
    assert client.post(f"{base}/{impacted.id}/edit", data=_assessment()).status_code == 404
    assert client.post(f"{base}/{impacted.id}/remove").status_code == 404
    assert _impacted_count() == 1


def test_an_impacted_team_of_another_programme_is_404(client, programme, teams, people, pmo):
    other = factories.programme(admin=people["pmo"], name="Other")
    theirs = _impacted(other, teams["billing"])
    base = f"/programmes/{programme.id}/impact/{theirs.id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/remove").status_code == 404
    assert _impacted_count() == 1


def test_an_archived_programme_is_read_only(client, programme, teams, pmo):
    impacted = _impacted(programme, teams["billing"])
    db.session.get(Programme, programme.id).status = ProgrammeStatus.ARCHIVED
    base = f"/programmes/{programme.id}/impact"
    page = client.get(base)
    assert page.status_code == 200 and "Archived · read-only".encode() in page.data
    assert b"Add impacted team" not in page.data
    assert client.post(f"{base}/new", data={"team_id": str(teams["root"].id)}).status_code == 403
    edit = client.post(f"{base}/{impacted.id}/edit", data=_assessment(score_processes="5"))
    assert edit.status_code == 403
    assert client.post(f"{base}/{impacted.id}/remove").status_code == 403
    assert _impacted_count() == 1


def test_the_programme_tabs_link_teams_and_impact(client, programme, pmo):
    html = client.get(f"/programmes/{programme.id}/raid").data.decode()
    assert f'href="/programmes/{programme.id}/impact" >Teams &amp; impact</a>' in html
