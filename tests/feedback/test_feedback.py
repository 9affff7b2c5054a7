"""The feedback log: quick-log rules, feeds and filters, team pages, themes."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.factories import SUITE_DAY
from transform.extensions import db
from transform.models import (
    AgentAssignment,
    FeedbackEntry,
    FollowUp,
    ImpactedTeam,
    Role,
    Team,
)

HTMX = {"HX-Request": "true"}
TODAY = SUITE_DAY


@pytest.fixture
def world(db):
    """A programme with Billing (and its child Collections) and Records impacted;
    Ari covers Billing and Collections, Bo covers Records."""
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    ari = factories.user("ari@example.com", name="Ari Agent")
    bo = factories.user("bo@example.com", name="Bo Agent")
    sponsor = factories.user("sponsor@example.com", name="Sol Sponsor")
    programme = factories.programme(
        admin=pmo,
        members={ari: Role.CHANGE_AGENT, bo: Role.CHANGE_AGENT, sponsor: Role.SPONSOR},
        starts_on=TODAY - timedelta(days=200),
        ends_on=TODAY + timedelta(days=200),
    )
    billing = Team(name="Billing", headcount=12)
    db.session.add(billing)
    db.session.flush()
    collections = Team(name="Collections", headcount=6, parent_id=billing.id)
    records = Team(name="Records", headcount=9)
    db.session.add_all([collections, records])
    db.session.flush()
    for team in (billing, collections, records):
        db.session.add(ImpactedTeam(programme_id=programme.id, team_id=team.id))
    for agent, team in ((ari, billing), (ari, collections), (bo, records)):
        db.session.add(
            AgentAssignment(
                programme_id=programme.id,
                team_id=team.id,
                user_id=agent.id,
                assigned_on=programme.starts_on,
            )
        )
    db.session.flush()
    return {
        "programme": programme,
        "billing": billing,
        "collections": collections,
        "records": records,
        "ari": ari,
        "bo": bo,
        "pmo": pmo,
    }


def _entry(team, **changes) -> dict:
    data = {
        "team_id": team.id,
        "observed_on": TODAY.isoformat(),
        "observed_stage": "knowledge",
        "sentiment": "-1",
        "resistance": "medium",
        "barrier": "no_time_for_training",
        "text": "Training sessions clash with month-end.",
        "return_page": "feed",
    }
    return data | changes


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _url(world, suffix=""):
    return f"/programmes/{world['programme'].id}{suffix}"


def test_agent_quick_logs_and_the_entry_joins_the_feed_in_place(app, world):
    ari = factories.logged_in(app, "ari@example.com")
    response = ari.post(
        _url(world, "/feedback"),
        data=_entry(
            world["billing"],
            follow_up_action="Book training after month-end",
            follow_up_due_on=(TODAY + timedelta(days=7)).isoformat(),
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert b"<html" not in response.data
    assert b"Logged for Billing." in response.data
    assert b'hx-swap-oob="afterbegin:#feed-list"' in response.data
    assert b"Training sessions clash with month-end." in response.data
    # The fresh form after the save starts on today again, not empty.
    observed_on = re.search(rb'<input[^>]*name="observed_on"[^>]*>', response.data).group(0)
    assert f'value="{TODAY.isoformat()}"'.encode() in observed_on
    entry = db.session.scalar(select(FeedbackEntry))
    assert (entry.agent_id, entry.team_id, entry.sentiment) == (
        world["ari"].id,
        world["billing"].id,
        -1,
    )
    follow_up = db.session.scalar(select(FollowUp))
    assert (follow_up.owner_id, follow_up.action) == (
        world["ari"].id,
        "Book training after month-end",
    )


def test_the_quick_log_works_without_javascript(app, world):
    ari = factories.logged_in(app, "ari@example.com")
    response = ari.post(
        _url(world, "/feedback"), data=_entry(world["billing"], return_page="team")
    )
    assert response.status_code == 303
    assert response.headers["Location"] == _url(world, f"/teams/{world['billing'].id}")
    assert _count(FeedbackEntry) == 1


def test_an_agent_cannot_log_for_a_team_they_do_not_cover(app, world):
    ari = factories.logged_in(app, "ari@example.com")
    response = ari.post(_url(world, "/feedback"), data=_entry(world["records"]), headers=HTMX)
    assert response.status_code == 422
    assert b'id="team_id-error"' in response.data
    assert b"You are not assigned to this team" in response.data
    assert _count(FeedbackEntry) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"observed_on": (TODAY + timedelta(days=1)).isoformat()},
            "observed_on",
            b"cannot be dated in the future",
        ),
        ({"sentiment": "3"}, "sentiment", b"Not a valid choice"),
        ({"sentiment": "lots"}, "sentiment", b"Invalid Choice"),
        ({"text": "   "}, "text", b"Describe what you observed."),
        ({"observed_stage": "enlightenment"}, "observed_stage", b"Not a valid choice"),
        (
            {"follow_up_due_on": TODAY.isoformat()},
            "follow_up_due_on",
            b"Describe the follow-up action",
        ),
        (
            {"follow_up_action": "Call", "follow_up_due_on": "2000-01-01"},
            "follow_up_due_on",
            b"cannot be due before the observation",
        ),
    ],
)
def test_bad_observations_are_refused_at_the_field(app, world, changes, field, message):
    ari = factories.logged_in(app, "ari@example.com")
    response = ari.post(
        _url(world, "/feedback"), data=_entry(world["billing"], **changes), headers=HTMX
    )
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message.lower() in response.data.lower()
    assert _count(FeedbackEntry) == 0 and _count(FollowUp) == 0


def test_pmo_admins_log_for_any_impacted_team_and_sponsors_for_none(app, world):
    pmo = factories.logged_in(app, "pmo@example.com")
    assert pmo.post(_url(world, "/feedback"), data=_entry(world["records"])).status_code == 303
    sponsor = factories.logged_in(app, "sponsor@example.com")
    refused = sponsor.post(_url(world, "/feedback"), data=_entry(world["records"]))
    assert refused.status_code == 422
    assert _count(FeedbackEntry) == 1
    assert b"Log an observation" not in sponsor.get(_url(world, "/feedback")).data


def _seed_entries(world):
    rows = [
        (world["billing"], world["ari"], 40, "awareness", "unclear_why"),
        (world["collections"], world["ari"], 10, "knowledge", "no_time_for_training"),
        (world["records"], world["bo"], 5, "knowledge", "tool_issues"),
        (world["records"], world["bo"], 70, "desire", "none"),
    ]
    for team, agent, days_ago, stage, barrier in rows:
        db.session.add(
            FeedbackEntry(
                programme_id=world["programme"].id,
                team_id=team.id,
                agent_id=agent.id,
                observed_on=TODAY - timedelta(days=days_ago),
                observed_stage=stage,
                sentiment=0,
                barrier=barrier,
                text=f"{team.name} note {days_ago}",
            )
        )
    db.session.flush()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Billing note 40", "Collections note 10", "Records note 5", "Records note 70"}),
        ("team={billing}", {"Billing note 40", "Collections note 10"}),
        ("agent={bo}", {"Records note 5", "Records note 70"}),
        ("stage=knowledge", {"Collections note 10", "Records note 5"}),
        ("barrier=tool_issues", {"Records note 5"}),
        ("date_from={week_ago}", {"Records note 5"}),
        ("date_to={month_ago}", {"Billing note 40", "Records note 70"}),
    ],
)
def test_feed_filters(app, world, query, expected):
    _seed_entries(world)
    pmo = factories.logged_in(app, "pmo@example.com")
    query = query.format(
        billing=world["billing"].id,
        bo=world["bo"].id,
        week_ago=(TODAY - timedelta(days=7)).isoformat(),
        month_ago=(TODAY - timedelta(days=30)).isoformat(),
    )
    page = pmo.get(_url(world, f"/feedback?{query}"), headers=HTMX).data.decode()
    shown = {
        note
        for note in ("Billing note 40", "Collections note 10", "Records note 5", "Records note 70")
        if note in page
    }
    assert shown == expected


def test_an_invalid_filter_is_shown_and_ignored(app, world):
    _seed_entries(world)
    page = factories.logged_in(app, "pmo@example.com").get(
        _url(world, "/feedback?team=999999&stage=zzz")
    )
    assert page.status_code == 200
    assert b'id="team-error"' in page.data
    assert b"Records note 70" in page.data


def test_team_page_shows_agents_feed_and_follow_ups(app, world):
    _seed_entries(world)
    entry = db.session.scalar(
        select(FeedbackEntry).where(FeedbackEntry.team_id == world["records"].id)
    )
    entry.follow_ups.append(
        FollowUp(
            action="Fix printer mapping", owner_id=world["bo"].id, due_on=TODAY - timedelta(days=1)
        )
    )
    db.session.flush()
    page = (
        factories.logged_in(app, "pmo@example.com")
        .get(_url(world, f"/teams/{world['records'].id}"))
        .data
    )
    assert b"Bo Agent" in page
    assert b"Records note 5" in page and b"Billing note 40" not in page
    assert b"Fix printer mapping" in page and b"overdue" in page


def test_team_pages_only_for_impacted_teams_and_members(app, world):
    stranger = Team(name="Stranger", headcount=1)
    db.session.add(stranger)
    db.session.flush()
    pmo = factories.logged_in(app, "pmo@example.com")
    assert pmo.get(_url(world, f"/teams/{stranger.id}")).status_code == 404
    factories.user("out@example.com")
    outsider = factories.logged_in(app, "out@example.com")
    assert outsider.get(_url(world, f"/teams/{world['billing'].id}")).status_code == 404
    assert outsider.get(_url(world, "/feedback")).status_code == 404


def test_my_teams_lists_an_agents_teams_and_flags_quiet_ones(app, world):
    _seed_entries(world)
    page = factories.logged_in(app, "ari@example.com").get(_url(world, "/my-teams")).data.decode()
    assert "Billing" in page and "Collections" in page and ">Records<" not in page
    billing_line = page[page.index(">Billing<") : page.index(">Collections<")]
    assert "text-danger" in billing_line
    assert "Records note 5" not in page and "Billing note 40" in page


def test_themes_count_barriers_and_stages_by_month(app, world):
    _seed_entries(world)
    page = (
        factories.logged_in(app, "pmo@example.com")
        .get(_url(world, "/feedback/themes"))
        .data.decode()
    )
    assert "4 observations" in page
    assert "Unclear why" in page and "Tool issues" in page
    assert ">None<" not in page
    stage_table = page[page.index("Observed ADKAR stage by month") :]
    knowledge_row = stage_table[stage_table.index(">Knowledge<") :]
    assert "<strong>2</strong>" in knowledge_row[: knowledge_row.index("</tr>")]


def test_the_feed_pages_and_loads_older_entries_in_place(app, world):
    for day in range(30):
        db.session.add(
            FeedbackEntry(
                programme_id=world["programme"].id,
                team_id=world["billing"].id,
                agent_id=world["ari"].id,
                observed_on=TODAY - timedelta(days=day),
                observed_stage="knowledge",
                sentiment=0,
                resistance="low",
                barrier="none",
                text=f"Entry {day:02d}",
            )
        )
    db.session.flush()
    pmo = factories.logged_in(app, "pmo@example.com")
    first = pmo.get(_url(world, "/feedback")).get_data(as_text=True)
    assert "Entry 00" in first and "Entry 24" in first and "Entry 25" not in first
    more = re.search(r'hx-get="([^"]*after=[^"]*)"', first).group(1).replace("&amp;", "&")
    older = pmo.get(more, headers=HTMX).get_data(as_text=True)
    assert 'hx-swap-oob="beforeend:#feed-list"' in older
    assert "Entry 25" in older and "Entry 29" in older and "Entry 24" not in older
    assert "That is every entry that matches." in older
