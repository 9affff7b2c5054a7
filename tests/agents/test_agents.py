"""The change agent network: coverage figures, assigning agents to teams, access."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.statements import statements_for_page
from transform import clock
from transform.agents import service
from transform.agents.queries import coverage_page
from transform.extensions import db
from transform.models import (
    Adkar,
    AgentAssignment,
    AuditEvent,
    FeedbackEntry,
    ImpactAspect,
    ImpactLevel,
    Membership,
    Programme,
    ProgrammeStatus,
    Role,
    Team,
)

TODAY = date(2026, 5, 20)


@pytest.fixture
def teams(programme):
    """Four impacted teams of 123 people in all, and one team the programme leaves alone."""
    teams = {
        "litigation": _team("Litigation Support", 56),
        "corporate": _team("Corporate Support", 35),
        "billing": _team("Billing Operations", 28),
        "payroll": _team("Payroll", 4),
        "untouched": _team("Records Management", 18),
    }
    _impact(programme, teams["litigation"], ImpactLevel.HIGH, go_live_on=date(2026, 7, 1))
    _impact(programme, teams["corporate"], ImpactLevel.MEDIUM)
    _impact(programme, teams["billing"], ImpactLevel.HIGH)
    _impact(programme, teams["payroll"], ImpactLevel.LOW)
    return teams


@pytest.fixture
def pmo(auth, people):
    auth.login("pmo@example.com")
    return people["pmo"]


def _team(name: str, headcount: int) -> Team:
    team = Team(name=name, headcount=headcount)
    db.session.add(team)
    db.session.flush()
    return team


def _impact(programme, team, level=ImpactLevel.MEDIUM, go_live_on=None, scores=None):
    return factories.impacted(programme, team, level, scores, go_live_on=go_live_on)


def _assign(programme, team, user, assigned_on=date(2026, 2, 2)) -> AgentAssignment:
    assignment = AgentAssignment(
        programme_id=programme.id, team_id=team.id, user_id=user.id, assigned_on=assigned_on
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def _feedback(programme, team, agent, observed_on: date) -> FeedbackEntry:
    entry = FeedbackEntry(
        programme_id=programme.id,
        team_id=team.id,
        agent_id=agent.id,
        observed_on=observed_on,
        observed_stage=Adkar.DESIRE,
        sentiment=0,
        text="Asked about the new intake form.",
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _assignments() -> set[tuple[int, int]]:
    return set(db.session.execute(select(AgentAssignment.user_id, AgentAssignment.team_id)))


def _url(programme, suffix: str = "") -> str:
    return f"/programmes/{programme.id}/agents{suffix}"


# Coverage figures


def test_coverage_counts_people_agents_and_the_agents_the_target_needs(programme, people, teams):
    _assign(programme, teams["corporate"], people["agent"])
    _assign(programme, teams["payroll"], people["agent"])
    _assign(programme, teams["billing"], people["agent2"])
    page = coverage_page(programme, TODAY)
    cov = page.coverage
    assert (cov.people, cov.agents, cov.target) == (123, 2, 50)
    assert cov.people_per_agent == pytest.approx(61.5)
    assert cov.is_over_target
    assert (cov.agents_needed, cov.agents_short) == (3, 1)  # ceil(123 / 50) = 3
    assert [team.name for team in cov.uncovered] == ["Litigation Support"]
    loads = {load.agent_id: (load.people, load.is_over_target) for load in cov.loads}
    assert loads == {people["agent"].id: (39, False), people["agent2"].id: (28, False)}


def test_the_programmes_own_target_is_used(programme, people, teams):
    db.session.get(Programme, programme.id).people_per_agent = 150
    _assign(programme, teams["litigation"], people["agent"])
    cov = coverage_page(programme, TODAY).coverage
    assert (cov.target, cov.agents_needed, cov.agents_short, cov.is_over_target) == (
        150,
        1,
        0,
        False,
    )


def test_quiet_agents_on_a_given_day(programme, people, teams):
    third = factories.user("agent3@example.com", name="Cy Agent")
    db.session.add(Membership(programme_id=programme.id, user_id=third.id, role=Role.CHANGE_AGENT))
    for user, team in ((people["agent"], "litigation"), (people["agent2"], "billing")):
        _assign(programme, teams[team], user)
    _assign(programme, teams["payroll"], third)
    _feedback(programme, teams["litigation"], people["agent"], date(2026, 4, 1))
    _feedback(programme, teams["litigation"], people["agent"], date(2026, 5, 6))  # 14 days
    _feedback(programme, teams["billing"], people["agent2"], date(2026, 5, 5))  # 15 days
    # A newer entry in another programme does not count for this one.
    other = factories.programme(admin=people["pmo"], members={people["agent2"]: Role.CHANGE_AGENT})
    _feedback(other, teams["billing"], people["agent2"], date(2026, 5, 19))
    page = coverage_page(programme, TODAY)
    quiet = [(q.agent_id, q.last_entry_on, q.days_quiet) for q in page.coverage.quiet]
    assert quiet == [(third.id, None, None), (people["agent2"].id, date(2026, 5, 5), 15)]
    assert page.last_entries[people["agent"].id] == date(2026, 5, 6)
    later = coverage_page(programme, date(2026, 5, 21)).coverage.quiet
    assert people["agent"].id in {q.agent_id for q in later}


def test_an_assessed_impact_shows_its_assessed_level(programme, teams):
    team = _team("Client Intake", 12)
    scores = {ImpactAspect.PROCESSES: 5, ImpactAspect.SYSTEMS: 4, ImpactAspect.ROLES: 4}
    _impact(programme, team, ImpactLevel.LOW, scores=scores)  # degree 86.7: high
    page = coverage_page(programme, TODAY)
    assert page.teams[team.id].level == "high"
    assert page.teams[teams["payroll"].id].level == "low"


def test_assignments_that_no_longer_count(programme, people, teams):
    _assign(programme, teams["litigation"], people["agent"])
    _assign(programme, teams["untouched"], people["agent2"])  # the team is not impacted
    _assign(programme, teams["billing"], people["sponsor"])  # no longer a change agent
    page = coverage_page(programme, TODAY)
    assert page.coverage.agents == 1
    assert {(row.agent_name, row.team_name) for row in page.lapsed} == {
        ("Bea Agent", "Records Management"),
        ("Sol Sponsor", "Billing Operations"),
    }
    assert page.agents_without_teams == [(people["agent2"].id, "Bea Agent")]


def test_the_page_shows_the_figures_and_highlights_what_needs_attention(
    client, programme, people, teams, pmo
):
    _assign(programme, teams["litigation"], people["agent"])  # 56 people: over 50
    _assign(programme, teams["payroll"], people["agent2"])
    _feedback(programme, teams["payroll"], people["agent2"], clock.today())
    response = client.get(_url(programme))
    assert response.status_code == 200
    html = response.data.decode()
    assert 'aria-current="page">Change agents</a>' in html
    assert "61.5" in html and "target 50" in html  # 123 people / 2 agents
    assert "1 more than now" in html  # 3 needed
    uncovered = re.findall(r'<tr class="agents-uncovered-row" id="uncovered-team-(\d+)">', html)
    assert uncovered == [str(teams["billing"].id), str(teams["corporate"].id)]
    assert "63 people" in html  # left uncovered: 28 + 35
    over = re.search(
        rf'<tr id="agent-{people["agent"].id}" class="agents-over">(.*?)</tr>', html, re.S
    )
    assert over and "112%" in over.group(1) and "Over target" in over.group(1)
    fine = re.search(rf'<tr id="agent-{people["agent2"].id}">(.*?)</tr>', html, re.S)
    assert fine and "8%" in fine.group(1) and "Over target" not in fine.group(1)
    quiet = html[html.index('id="quiet-title"') : html.index('id="spare-title"')]
    assert "Ari Agent" in quiet and "no feedback logged yet" in quiet
    assert "Bea Agent" not in quiet


def test_the_page_takes_a_fixed_number_of_queries(client, programme, people, teams, pmo):
    def queries_for_page() -> int:
        return statements_for_page(client, _url(programme))

    _assign(programme, teams["litigation"], people["agent"])
    few = queries_for_page()
    for n in range(6):
        agent = factories.user(name=f"Agent {n}")
        db.session.add(
            Membership(programme_id=programme.id, user_id=agent.id, role=Role.CHANGE_AGENT)
        )
        team = _team(f"Team {n}", 10 + n)
        _impact(programme, team, scores={ImpactAspect.SKILLS: 3})
        _assign(programme, team, agent)
        _feedback(programme, team, agent, date(2026, 3, 1))
    assert queries_for_page() == few


# Assigning and unassigning


def test_pmo_assigns_an_agent_to_an_impacted_team(client, programme, people, teams, pmo):
    data = {"agent_id": people["agent"].id, "team_id": teams["litigation"].id}
    response = client.post(_url(programme, "/assignments"), data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == _url(programme)
    assignment = db.session.scalar(select(AgentAssignment))
    assert (assignment.user_id, assignment.team_id) == (people["agent"].id, teams["litigation"].id)
    assert assignment.assigned_on == clock.today()
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agent.assigned"))
    assert (audit.entity_id, audit.programme_id, audit.user_id) == (
        assignment.id,
        programme.id,
        pmo.id,
    )
    assert audit.after["team_id"] == teams["litigation"].id
    page = client.get(response.headers["Location"])
    assert "Ari Agent now covers Litigation Support." in page.data.decode()


def test_a_team_can_have_two_agents_and_an_agent_two_teams(client, programme, people, teams, pmo):
    pairs = [("agent", "litigation"), ("agent2", "litigation"), ("agent", "billing")]
    for agent, team in pairs:
        data = {"agent_id": people[agent].id, "team_id": teams[team].id}
        assert client.post(_url(programme, "/assignments"), data=data).status_code == 303
    assert len(_assignments()) == 3


@pytest.mark.parametrize(
    ("who", "team", "field", "message"),
    [
        ("sponsor", "litigation", "agent_id", "Only people who are change agents"),
        ("pmo", "litigation", "agent_id", "Only people who are change agents"),
        ("outsider", "litigation", "agent_id", "Only people who are change agents"),
        (None, "litigation", "agent_id", "Choose a change agent."),
        ("agent", "untouched", "team_id", "Choose a team this programme impacts."),
        ("agent", None, "team_id", "Choose a team."),
        ("agent", "abc", "team_id", "Invalid Choice: could not coerce."),
    ],
)
def test_bad_assignments_are_refused_at_the_field(
    client, programme, people, teams, pmo, who, team, field, message
):
    data = {
        "agent_id": people[who].id if who else "",
        "team_id": "abc" if team == "abc" else teams[team].id if team else "",
    }
    response = client.post(_url(programme, "/assignments"), data=data)
    assert response.status_code == 422
    html = response.data.decode()
    assert f'id="{field}-error"' in html and message in html
    assert _assignments() == set()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_team_of_another_programme_is_refused(client, programme, people, teams, pmo):
    other = factories.programme(admin=people["pmo"], name="Other")
    theirs = _team("Their team", 9)
    _impact(other, theirs)
    data = {"agent_id": people["agent"].id, "team_id": theirs.id}
    response = client.post(_url(programme, "/assignments"), data=data)
    assert response.status_code == 422 and b'id="team_id-error"' in response.data
    assert _assignments() == set()


def test_a_duplicate_assignment_is_refused_at_the_field(client, programme, people, teams, pmo):
    _assign(programme, teams["litigation"], people["agent"])
    data = {"agent_id": people["agent"].id, "team_id": teams["litigation"].id}
    response = client.post(_url(programme, "/assignments"), data=data)
    assert response.status_code == 422
    assert b'id="team_id-error"' in response.data
    assert b"Ari Agent already covers Litigation Support." in response.data
    assert len(_assignments()) == 1


def test_a_duplicate_that_slips_past_the_form_is_refused_by_the_service(programme, people, teams):
    service.assign(programme, people["agent"].id, teams["billing"].id, TODAY)
    with pytest.raises(service.AlreadyAssigned):
        service.assign(programme, people["agent"].id, teams["billing"].id, TODAY)
    assert len(_assignments()) == 1  # the session is still usable


def test_the_assign_form_is_prefilled_from_an_uncovered_team(client, programme, teams, pmo):
    html = client.get(_url(programme, f"?team_id={teams['billing'].id}")).data.decode()
    assert f'<option selected value="{teams["billing"].id}">' in html
    assert "Billing Operations (28 people, no agent yet)" in html


def test_pmo_unassigns_an_agent(client, programme, people, teams, pmo):
    assignment = _assign(programme, teams["litigation"], people["agent"])
    assignment_id = assignment.id
    response = client.post(_url(programme, f"/assignments/{assignment_id}/delete"))
    assert response.status_code == 303
    assert _assignments() == set()
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agent.unassigned"))
    assert audit.entity_id == assignment_id and audit.before["user_id"] == people["agent"].id
    page = client.get(_url(programme)).data.decode()
    assert "Ari Agent no longer covers Litigation Support." in page


def test_an_assignment_of_another_programme_is_404(client, programme, people, teams, pmo):
    other = factories.programme(admin=people["pmo"], members={people["agent"]: Role.CHANGE_AGENT})
    theirs = _assign(other, teams["litigation"], people["agent"])
    response = client.post(_url(programme, f"/assignments/{theirs.id}/delete"))
    assert response.status_code == 404
    assert len(_assignments()) == 1


def test_user_text_is_escaped(client, programme, people, pmo):
    team = _team('<img src=x onerror="alert(1)">', 5)
    _impact(programme, team)
    html = client.get(_url(programme)).data
    assert b"<img src=x" not in html and b"&lt;img src=x" in html


# Access


@pytest.mark.parametrize("email", ["agent@example.com", "sponsor@example.com"])
def test_sponsors_and_agents_read_but_cannot_write(client, auth, programme, people, teams, email):
    assignment = _assign(programme, teams["litigation"], people["agent"])
    auth.login(email)
    page = client.get(_url(programme))
    assert page.status_code == 200
    assert b"Litigation Support" in page.data
    assert b"Assign a change agent" not in page.data and b"Unassign" not in page.data
    data = {"agent_id": people["agent"].id, "team_id": teams["billing"].id}
    assert client.post(_url(programme, "/assignments"), data=data).status_code == 403
    delete = client.post(_url(programme, f"/assignments/{assignment.id}/delete"))
    assert delete.status_code == 403
    assert len(_assignments()) == 1


def test_non_members_get_404(client, auth, programme, people, teams):
    assignment = _assign(programme, teams["litigation"], people["agent"])
    auth.login("outsider@example.com")
    assert client.get(_url(programme)).status_code == 404
    data = {"agent_id": people["agent"].id, "team_id": teams["billing"].id}
    assert client.post(_url(programme, "/assignments"), data=data).status_code == 404
    delete = client.post(_url(programme, f"/assignments/{assignment.id}/delete"))
    assert delete.status_code == 404
    assert len(_assignments()) == 1


def test_an_archived_programme_is_read_only(client, programme, people, teams, pmo):
    assignment = _assign(programme, teams["litigation"], people["agent"])
    db.session.get(Programme, programme.id).status = ProgrammeStatus.ARCHIVED
    page = client.get(_url(programme))
    assert page.status_code == 200
    assert "Archived · read-only".encode() in page.data
    assert b"Assign a change agent" not in page.data and b"Unassign" not in page.data
    data = {"agent_id": people["agent"].id, "team_id": teams["billing"].id}
    assert client.post(_url(programme, "/assignments"), data=data).status_code == 403
    delete = client.post(_url(programme, f"/assignments/{assignment.id}/delete"))
    assert delete.status_code == 403
    assert len(_assignments()) == 1


def test_logged_out_visitors_are_sent_to_log_in(client, programme):
    response = client.get(_url(programme))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_posts_need_the_csrf_token(client, programme, people, teams, pmo, csrf_enabled):
    data = {"agent_id": people["agent"].id, "team_id": teams["billing"].id}
    assert client.post(_url(programme, "/assignments"), data=data).status_code == 400
    assert _assignments() == set()
