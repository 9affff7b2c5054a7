"""The org tree: reading and searching it, adding, editing, moving and merging teams."""

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select, text

from tests import factories
from tests.statements import statements_for_page
from transform.extensions import db
from transform.models import (
    Adkar,
    AgentAssignment,
    AuditEvent,
    Direction,
    FeedbackEntry,
    ImpactAspect,
    ImpactedTeam,
    ImpactLevel,
    ImpactScore,
    Instrument,
    Kpi,
    Perspective,
    Report,
    ReportKind,
    Response,
    Role,
    SurveyLink,
    Team,
    TrainingRecord,
    Wave,
    WaveTeam,
)
from transform.teams.tree import OrgTree, TeamNode

STALE = b"Someone changed this team since you opened it. Reload to see their changes."


@pytest.fixture
def people(db):
    return {
        "pmo": factories.user("pmo@example.com", name="Pam PMO"),
        "agent": factories.user("agent@example.com", name="Ari Agent"),
        "reader": factories.user("reader@example.com", name="Rea Reader"),
        "admin": factories.user("admin@example.com", name="Sam Site", is_site_admin=True),
    }


@pytest.fixture
def programme(people):
    return factories.programme(
        admin=people["pmo"], members={people["agent"]: Role.CHANGE_AGENT}, name="Back office"
    )


@pytest.fixture
def pmo(auth, people, programme):
    auth.login("pmo@example.com")
    return people["pmo"]


def _team(name: str, parent: Team | None = None, headcount: int = 0, **values) -> Team:
    team = Team(name=name, parent=parent, headcount=headcount, **values)
    db.session.add(team)
    db.session.flush()
    return team


@pytest.fixture
def org(db):
    """Hartley & Finch (8) > Billing (6) > Billing Operations (28), Collections (14); Finance."""
    root = _team("Hartley & Finch", headcount=8, external_id="LS-100")
    billing = _team("Billing", root, 6, external_id="LS-120")
    return {
        "root": root,
        "billing": billing,
        "operations": _team("Billing Operations", billing, 28, external_id="LS-121"),
        "collections": _team("Collections", billing, 14, external_id="LS-122"),
        "finance": _team("Finance", root, 5, external_id="LS-150"),
    }


def _form(**changes) -> dict:
    data = {
        "name": "Payroll",
        "external_id": "",
        "parent_id": "",
        "headcount": "4",
        "change_capacity": "",
    }
    return data | changes


def _teams_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Team))


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# The tree, pure


def test_tree_sums_subtrees_and_orders_parents_before_children():
    tree = OrgTree(
        [
            TeamNode(1, "Root", "R", None, 8),
            TeamNode(2, "b team", None, 1, 6),
            TeamNode(3, "A team", None, 1, 5),
            TeamNode(4, "Leaf", None, 2, 14),
        ]
    )
    assert [(node.name, depth) for node, depth in tree.depth_first()] == [
        ("Root", 0),
        ("A team", 1),
        ("b team", 1),
        ("Leaf", 2),
    ]
    assert tree.subtree_headcount(1) == 33 and tree.subtree_headcount(2) == 20
    assert tree.descendant_ids(1) == {2, 3, 4}
    assert tree.move_cycle(1, 4) == ["Root", "b team", "Leaf", "Root"]
    assert tree.move_cycle(2, 4) == ["b team", "Leaf", "b team"]
    assert tree.move_cycle(4, 3) is None and tree.move_cycle(4, None) is None
    rows = tree.rows()
    assert [(row.node.name, row.closes, row.has_shown_children) for row in rows] == [
        ("Root", 0, True),
        ("A team", 0, False),
        ("b team", 0, True),
        ("Leaf", 2, False),
    ]


def test_tree_search_keeps_matches_and_their_ancestors():
    tree = OrgTree(
        [
            TeamNode(1, "Root", None, None, 1),
            TeamNode(2, "Billing", "LS-120", 1, 1),
            TeamNode(3, "Collections", "LS-122", 2, 1),
            TeamNode(4, "Finance", None, 1, 1),
        ]
    )
    rows = tree.rows("collect")
    assert [(row.node.name, row.is_match) for row in rows] == [
        ("Root", False),
        ("Billing", False),
        ("Collections", True),
    ]
    assert all(row.is_open for row in rows)
    assert [row.node.name for row in tree.rows("ls-12") if row.is_match] == [
        "Billing",
        "Collections",
    ]
    assert tree.rows("nothing like it") == []


def test_a_deep_tree_needs_no_recursion():
    nodes = [TeamNode(1, "Level 1", None, None, 1)]
    nodes += [TeamNode(n, f"Level {n}", None, n - 1, 1) for n in range(2, 3001)]
    tree = OrgTree(nodes)
    assert tree.subtree_headcount(1) == 3000
    rows = tree.rows()
    assert rows[-1].closes == 2999
    assert len(tree.move_cycle(1, 3000)) == 3001


# Reading the tree


def test_everyone_logged_in_reads_the_tree(client, auth, org, people):
    auth.login("reader@example.com")
    response = client.get("/teams/?view=list")
    assert response.status_code == 200
    html = response.data.decode()
    assert "Hartley &amp; Finch" in html and "LS-121" in html
    # Root: 8 own, 61 in all, 2 teams below; Billing: 6 own, 48 in all, 2 below.
    root = re.search(rf'id="team-{org["root"].id}"(.*?)<details', html, re.S).group(1)
    assert "8 people" in root and "61 in all" in root and "2 teams below" in root
    billing = re.search(rf'id="team-{org["billing"].id}"(.*?)<details', html, re.S).group(1)
    assert "6 people" in billing and "48 in all" in billing
    assert html.index("Billing Operations") < html.index("Collections") < html.index("Finance")
    assert "/edit" not in html and "New team" not in html  # readers see no edit links
    tree = html[
        html.index('id="org-tree"') : html.index("</section>", html.index('id="org-tree"'))
    ]
    assert tree.count("<ul") == tree.count("</ul>") == 3
    assert tree.count("<li") == tree.count("</li>") == 5
    assert tree.count('<details class="org-below" open>') == tree.count("</details>") == 2


def test_search_narrows_the_tree_and_htmx_gets_only_the_tree(client, pmo, org):
    response = client.get("/teams/?q=collect")
    html = response.data.decode()
    assert "Collections" in html and "Billing" in html and "Hartley" in html
    assert "Finance" not in html and "Billing Operations" not in html
    fragment = client.get("/teams/?q=collect", headers={"HX-Request": "true"})
    assert b"<html" not in fragment.data and b"Collections" in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]
    empty = client.get("/teams/?q=zzz")
    assert "No team's name or id contains “zzz”".encode() in empty.data


def test_team_names_are_escaped(client, pmo):
    _team('<img src=x onerror="alert(1)">', external_id="<b hx-post='/x'>")
    html = client.get("/teams/").data
    assert b"<img src=x" not in html and b"<b hx-post" not in html
    assert b"&lt;img src=x" in html


def test_the_tree_takes_a_fixed_number_of_queries(client, pmo, org):
    few = statements_for_page(client, "/teams/")
    parent = org["billing"]
    for n in range(30):
        parent = _team(f"Level {n}", parent, n) if n % 3 else _team(f"Sibling {n}", org["root"])
    assert statements_for_page(client, "/teams/") == few


# Adding and editing


def test_pmo_adds_a_team_under_a_parent(client, pmo, org):
    page = client.get(f"/teams/new?parent={org['billing'].id}")
    assert page.status_code == 200
    assert f'<option selected value="{org["billing"].id}">'.encode() in page.data
    data = _form(
        name="  Credit Control ",
        external_id=" LS-123 ",
        parent_id=str(org["billing"].id),
        headcount="9",
        change_capacity="12",
    )
    response = client.post("/teams/new", data=data)
    assert response.status_code == 303
    team = db.session.scalar(select(Team).where(Team.external_id == "LS-123"))
    assert response.headers["Location"] == f"/teams/#team-{team.id}"
    assert (team.name, team.parent_id, team.headcount, team.change_capacity) == (
        "Credit Control",
        org["billing"].id,
        9,
        12,
    )
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "team.created"))
    assert (event_.entity_id, event_.programme_id, event_.user_id) == (team.id, None, pmo.id)
    assert event_.after["name"] == "Credit Control"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", b"This field is required."),
        ({"name": "x" * 161}, "name", b"Field cannot be longer than 160 characters."),
        ({"external_id": "LS-120"}, "external_id", b"Billing already has the team id LS-120."),
        ({"external_id": "x" * 65}, "external_id", b"longer than 64 characters"),
        ({"headcount": "-1"}, "headcount", b"Number must be between 0 and 1000000."),
        ({"headcount": "12.5"}, "headcount", b"Not a valid integer value."),
        ({"headcount": ""}, "headcount", b"This field is required."),
        ({"change_capacity": "0"}, "change_capacity", b"Number must be between 1 and 100000."),
        ({"parent_id": "999999"}, "parent_id", b"Not a valid choice."),
    ],
)
def test_bad_input_is_refused_at_the_field(client, pmo, org, changes, field, message):
    before = _teams_count()
    response = client.post("/teams/new", data=_form(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data
    assert _teams_count() == before and _audit_actions() == []


def test_pmo_renames_and_moves_a_team(client, pmo, org):
    collections = org["collections"]
    url = f"/teams/{collections.id}/edit"
    page = client.get(url)
    assert b'name="version" type="hidden" value="1"' in page.data
    data = _form(
        name="Credit & Collections",
        external_id="LS-122",
        parent_id=str(org["finance"].id),
        headcount="15",
        version="1",
    )
    response = client.post(url, data=data)
    assert response.status_code == 303
    team = db.session.get(Team, collections.id)
    assert (team.name, team.parent_id, team.headcount, team.version) == (
        "Credit & Collections",
        org["finance"].id,
        15,
        2,
    )
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "team.updated"))
    assert event_.before["parent_id"] == org["billing"].id
    assert event_.after["parent_id"] == org["finance"].id


@pytest.mark.parametrize(
    ("team", "new_parent", "loop"),
    [
        ("billing", "collections", "Billing → Collections → Billing"),
        (
            "root",
            "collections",
            "Hartley &amp; Finch → Billing → Collections → Hartley &amp; Finch",
        ),
    ],
)
def test_moving_a_team_under_its_own_descendant_names_the_loop(
    client, pmo, org, team, new_parent, loop
):
    team = org[team]
    data = _form(name=team.name, parent_id=str(org[new_parent].id), version="1")
    response = client.post(f"/teams/{team.id}/edit", data=data)
    assert response.status_code == 422
    assert b'id="parent_id-error"' in response.data
    assert f"That would make a loop: {loop}.".encode() in response.data
    assert db.session.get(Team, team.id).parent_id != org[new_parent].id


def test_a_team_cannot_be_its_own_parent(client, pmo, org):
    billing = org["billing"]
    data = _form(name="Billing", parent_id=str(billing.id), version="1")
    response = client.post(f"/teams/{billing.id}/edit", data=data)
    assert response.status_code == 422
    assert b"A team cannot be its own parent." in response.data


def test_a_stale_edit_is_refused_and_nothing_saved(app, client, pmo, org):
    billing = org["billing"]
    url = f"/teams/{billing.id}/edit"
    colleague = app.test_client()
    colleague.post(
        "/auth/login", data={"email": "admin@example.com", "password": factories.PASSWORD}
    )
    first = colleague.post(url, data=_form(name="Their name", headcount="7", version="1"))
    assert first.status_code == 303

    response = client.post(url, data=_form(name="My name", headcount="1", version="1"))
    assert response.status_code == 409
    assert STALE in response.data
    assert b'value="My name"' in response.data
    assert f'href="{url}">Reload the latest version'.encode() in response.data
    team = db.session.get(Team, billing.id)
    assert (team.name, team.headcount, team.version) == ("Their name", 7, 2)


def test_an_edit_without_a_version_is_refused(client, pmo, org):
    response = client.post(f"/teams/{org['billing'].id}/edit", data=_form(name="Changed"))
    assert response.status_code == 409
    assert db.session.get(Team, org["billing"].id).name == "Billing"


def test_a_save_that_loses_the_race_is_refused(client, pmo, org, monkeypatch):
    from transform.teams import service

    save = service.update_team

    def someone_saves_first(team, draft):
        db.session.execute(
            text("UPDATE team SET version = version + 1 WHERE id = :id"), {"id": team.id}
        )
        return save(team, draft)

    monkeypatch.setattr(service, "update_team", someone_saves_first)
    response = client.post(
        f"/teams/{org['billing'].id}/edit", data=_form(name="Mine", version="1")
    )
    assert response.status_code == 409
    assert db.session.get(Team, org["billing"].id).name == "Billing"


# Merging


@pytest.fixture
def references(org, programme, people):
    """A row of every kind that points at a team, for Billing (A) and Finance (B)."""
    billing, finance = org["billing"], org["finance"]
    other = factories.programme(admin=people["pmo"], name="Other programme")
    instrument = Instrument(name="Pulse")
    db.session.add(instrument)
    db.session.flush()
    wave = Wave(
        programme_id=programme.id,
        instrument_id=instrument.id,
        name="Wave 1",
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 3, 14),
    )
    wave_2 = Wave(
        programme_id=programme.id,
        instrument_id=instrument.id,
        name="Wave 2",
        opens_on=date(2026, 6, 1),
        closes_on=date(2026, 6, 14),
    )
    db.session.add_all([wave, wave_2])
    db.session.flush()
    day = date(2026, 4, 1)
    rows = [
        # Both impacted by `programme`: Finance's row is kept. Only Billing by `other`.
        ImpactedTeam(
            programme_id=programme.id,
            team_id=billing.id,
            impact_level=ImpactLevel.HIGH,
            scores=[ImpactScore(aspect=ImpactAspect.PROCESSES, score=5)],
        ),
        ImpactedTeam(programme_id=programme.id, team_id=finance.id, impact_level=ImpactLevel.LOW),
        ImpactedTeam(programme_id=other.id, team_id=billing.id),
        # The agent covers both in `programme` (duplicate); the PMO only Billing.
        AgentAssignment(
            programme_id=programme.id,
            team_id=billing.id,
            user_id=people["agent"].id,
            assigned_on=day,
        ),
        AgentAssignment(
            programme_id=programme.id,
            team_id=finance.id,
            user_id=people["agent"].id,
            assigned_on=day,
        ),
        AgentAssignment(
            programme_id=programme.id,
            team_id=billing.id,
            user_id=people["pmo"].id,
            assigned_on=day,
        ),
        # Training on the same day adds up; another day moves.
        TrainingRecord(
            programme_id=programme.id, team_id=billing.id, recorded_on=day, people_trained=3
        ),
        TrainingRecord(
            programme_id=programme.id, team_id=finance.id, recorded_on=day, people_trained=2
        ),
        TrainingRecord(
            programme_id=programme.id,
            team_id=billing.id,
            recorded_on=date(2026, 5, 1),
            people_trained=4,
        ),
        # Both targeted by wave 1: Finance keeps its row and takes Billing's link.
        WaveTeam(wave_id=wave.id, team_id=billing.id, team_link_hash="a" * 64),
        WaveTeam(wave_id=wave.id, team_id=finance.id),
        WaveTeam(wave_id=wave_2.id, team_id=billing.id),
        SurveyLink(wave_id=wave.id, team_id=billing.id, token_hash="b" * 64),
        Response(wave_id=wave.id, team_id=billing.id, submitted_on=day),
        Response(wave_id=wave.id, team_id=billing.id, submitted_on=day),
        FeedbackEntry(
            programme_id=programme.id,
            team_id=billing.id,
            agent_id=people["agent"].id,
            observed_on=day,
            observed_stage=Adkar.DESIRE,
            sentiment=1,
            text="Keen on the new invoicing tool.",
        ),
        Kpi(
            programme_id=programme.id,
            team_id=billing.id,
            name="Invoice turnaround",
            unit="days",
            direction=Direction.LOWER_IS_BETTER,
            perspective=Perspective.INTERNAL_PROCESS,
            baseline_value=10,
            baseline_on=date(2026, 1, 5),
            target_value=5,
            target_on=date(2026, 12, 1),
        ),
        Report(
            programme_id=programme.id,
            kind=ReportKind.TEAM_ADOPTION,
            team_id=billing.id,
            as_of=day,
            fingerprint="c" * 64,
            pdf=b"%PDF-1.7",
            page_count=1,
        ),
    ]
    db.session.add_all(rows)
    db.session.flush()
    return {"programme": programme, "other": other, "wave": wave, "wave_2": wave_2}


def _team_ids(model) -> list[int]:
    return sorted(db.session.scalars(select(model.team_id)))


def test_merge_page_shows_what_will_move(client, pmo, org, references):
    billing = org["billing"]
    page = client.get(f"/teams/{billing.id}/merge")
    assert page.status_code == 200
    html = unescape(page.data.decode())
    for label, count in [
        ("Child teams", 2),
        ("Programmes impacting it", 2),
        ("Change-agent assignments", 2),
        ("Training records", 2),
        ("Feedback entries", 1),
        ("KPIs", 1),
        ("Survey waves targeting it", 2),
        ("Survey links", 1),
        ("Reports", 1),
    ]:
        assert re.search(rf"<th scope=\"row\">{label}</th><td class=\"num\">{count}</td>", html)
    assert "Survey responses stay in their waves' groups" in html
    assert "Merge Billing into" not in html  # no target chosen yet
    preview = client.get(
        f"/teams/{billing.id}/merge?into={org['finance'].id}", headers={"HX-Request": "true"}
    )
    assert b"<html" not in preview.data
    assert b"Finance's headcount becomes 11" in preview.data
    assert b'name="version" value="1"' in preview.data


def test_merge_moves_every_reference_and_folds_duplicates(client, pmo, org, references):
    billing, finance = org["billing"], org["finance"]
    billing_id, finance_id = billing.id, finance.id
    programme, wave = references["programme"], references["wave"]
    response = client.post(
        f"/teams/{billing_id}/merge", data={"into": str(finance_id), "version": "1"}
    )
    assert response.status_code == 303
    assert db.session.get(Team, billing_id) is None
    finance = db.session.get(Team, finance_id)
    assert finance.headcount == 11
    children = db.session.scalars(select(Team.name).where(Team.parent_id == finance_id)).all()
    assert sorted(children) == ["Billing Operations", "Collections"]

    impacts = db.session.execute(
        select(ImpactedTeam.programme_id, ImpactedTeam.team_id, ImpactedTeam.impact_level)
    ).all()
    assert sorted(impacts) == sorted(
        [
            (programme.id, finance_id, ImpactLevel.LOW),  # Finance's own row kept
            (references["other"].id, finance_id, ImpactLevel.MEDIUM),
        ]
    )
    assert db.session.scalar(select(func.count()).select_from(ImpactScore)) == 0
    assignments = db.session.execute(select(AgentAssignment.team_id, AgentAssignment.user_id))
    assert sorted(assignments) == sorted(
        [(finance_id, org_user) for org_user in (_user_id("agent"), _user_id("pmo"))]
    )
    training = db.session.execute(
        select(TrainingRecord.team_id, TrainingRecord.recorded_on, TrainingRecord.people_trained)
    ).all()
    assert sorted(training) == [
        (finance_id, date(2026, 4, 1), 5),
        (finance_id, date(2026, 5, 1), 4),
    ]
    wave_teams = db.session.execute(
        select(WaveTeam.wave_id, WaveTeam.team_id, WaveTeam.team_link_hash)
    ).all()
    assert sorted(wave_teams) == sorted(
        [(wave.id, finance_id, "a" * 64), (references["wave_2"].id, finance_id, None)]
    )
    for model in (SurveyLink, FeedbackEntry, Kpi, Report):
        assert set(_team_ids(model)) == {finance_id}, model
    # Responses stay in the group their wave froze: the merge changes the org chart only.
    assert set(_team_ids(Response)) == {billing_id}
    # Moved rows that editors may hold open get a new version, so a stale edit is refused.
    assert db.session.scalars(select(FeedbackEntry.version)).all() == [2]
    assert db.session.scalars(select(Kpi.version)).all() == [2]
    assert set(db.session.scalars(select(Team.version).where(Team.parent_id == finance_id))) == {2}
    assert len(_team_ids(Response)) == 2
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "team.merged"))
    assert event_.entity_id == finance_id and event_.programme_id is None
    assert event_.before["merged"]["name"] == "Billing"
    assert event_.after["headcount"] == 11 and event_.after["moved"]["child teams"] == 2
    listing = client.get(response.headers["Location"]).data.decode()
    assert "Merged Billing into Finance." in unescape(listing)


def _user_id(key: str) -> int:
    email = {"agent": "agent@example.com", "pmo": "pmo@example.com"}[key]
    from transform.models import User

    return db.session.scalar(select(User.id).where(User.email == email))


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("billing", "billing", b"Not a valid choice."),
        ("root", "collections", b"Collections is inside Hartley &amp; Finch"),
        ("billing", "operations", b"Billing Operations is inside Billing"),
    ],
)
def test_merge_into_itself_or_a_descendant_is_refused(client, pmo, org, source, target, message):
    source_id, target_id = org[source].id, org[target].id
    before = _teams_count()
    response = client.post(
        f"/teams/{source_id}/merge", data={"into": str(target_id), "version": "1"}
    )
    assert response.status_code == 422
    assert b'id="into-error"' in response.data and message in response.data
    assert _teams_count() == before
    preview = client.get(f"/teams/{source_id}/merge?into={target_id}")
    assert preview.status_code == 422 and b"Merge Billing into" not in preview.data


def test_a_stale_merge_is_refused(client, pmo, org):
    billing_id = org["billing"].id
    db.session.get(Team, billing_id).headcount = 7
    db.session.flush()  # version 2 now
    response = client.post(
        f"/teams/{billing_id}/merge", data={"into": str(org["finance"].id), "version": "1"}
    )
    assert response.status_code == 409
    assert STALE in response.data
    assert db.session.get(Team, billing_id) is not None


# Access


@pytest.mark.parametrize("email", ["agent@example.com", "reader@example.com"])
def test_only_org_editors_change_the_tree(client, auth, org, programme, email):
    auth.login(email)
    billing = org["billing"]
    assert client.get("/teams/").status_code == 200
    assert client.get("/teams/new").status_code == 403
    assert client.post("/teams/new", data=_form()).status_code == 403
    edit = client.post(f"/teams/{billing.id}/edit", data=_form(name="Hi", version="1"))
    assert edit.status_code == 403
    merge = client.post(
        f"/teams/{billing.id}/merge", data={"into": str(org["finance"].id), "version": "1"}
    )
    assert merge.status_code == 403
    assert client.get("/teams/import").status_code == 403
    assert client.post("/teams/import", data={}).status_code == 403
    assert db.session.get(Team, billing.id).name == "Billing" and _teams_count() == 5


def test_a_site_administrator_edits_the_tree_without_a_programme(client, auth, people, org):
    auth.login("admin@example.com")
    html = client.get("/teams/?view=list").data.decode()
    assert f'href="/teams/{org["billing"].id}/edit"' in html and "New team" in html
    assert client.post("/teams/new", data=_form(name="Audit")).status_code == 303


def test_unknown_teams_are_404_and_logged_out_visitors_log_in(client, auth, people, org):
    response = client.get("/teams/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login("admin@example.com")
    assert client.get("/teams/999999/edit").status_code == 404
    assert client.get("/teams/999999/merge").status_code == 404


def test_the_top_navigation_links_the_org_chart(client, pmo):
    assert b'href="/teams/">Org chart</a>' in client.get("/teams/").data


def test_the_org_chart_draws_boxes_that_link_to_team_pages(app, client):
    from transform.demo import DEMO_PASSWORD

    programme = factories.demo_programme()
    client.post("/auth/login", data={"email": "pmo@example.com", "password": DEMO_PASSWORD})
    page = client.get("/teams/").get_data(as_text=True)
    billing_ops = factories.team_id("Billing Operations")
    box = page[page.index(f'id="team-{billing_ops}"') :]
    box = box[: box.index("</li>")]
    assert f'href="/programmes/{programme.id}/teams/{billing_ops}"' in box
    assert "No change this month" in box and "Adoption 49 · not ready" in box
    assert "tone-low" in box
    payroll = page[page.index(f'id="team-{factories.team_id("Payroll")}"') :]
    assert "Adoption hidden for anonymity" in payroll[: payroll.index("</li>")]
    assert 'class="org-chart"' in page
    listing = client.get("/teams/?view=list").get_data(as_text=True)
    assert 'class="org-tree"' in listing and 'class="org-chart"' not in listing
