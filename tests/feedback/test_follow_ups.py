"""Follow-ups: the owner's list across programmes and moving them along."""

from datetime import date, timedelta

import pytest

from tests import factories
from transform import clock
from transform.extensions import db
from transform.models import FeedbackEntry, FollowUp, FollowUpStatus, Role, Team

HTMX = {"HX-Request": "true"}


@pytest.fixture
def follow_up(db):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    owner = factories.user("owner@example.com", name="Olu Owner")
    factories.user("other@example.com", name="Oth Other")
    programme = factories.programme(admin=pmo, members={owner: Role.CHANGE_AGENT})
    team = Team(name="Billing", headcount=5)
    db.session.add(team)
    db.session.flush()
    entry = FeedbackEntry(
        programme_id=programme.id,
        team_id=team.id,
        agent_id=pmo.id,
        observed_on=date(2026, 3, 2),
        observed_stage="ability",
        sentiment=0,
        text="Needs coaching",
    )
    entry.follow_ups.append(
        FollowUp(
            action="Pair with a super-user",
            owner_id=owner.id,
            due_on=clock.today() - timedelta(days=2),
        )
    )
    db.session.add(entry)
    db.session.flush()
    return entry.follow_ups[0]


def test_owner_sees_their_follow_ups_with_overdue_flagged(app, follow_up):
    page = factories.logged_in(app, "owner@example.com").get("/follow-ups/").data
    assert b"Pair with a super-user" in page
    assert b"is-overdue" in page
    assert b"Test programme" in page


def test_others_do_not_see_someone_elses_follow_ups(app, follow_up):
    assert (
        b"Pair with a super-user"
        not in factories.logged_in(app, "other@example.com").get("/follow-ups/").data
    )


def test_owner_marks_a_follow_up_done_in_place(app, follow_up):
    response = factories.logged_in(app, "owner@example.com").post(
        f"/follow-ups/{follow_up.id}/status",
        data={"version": follow_up.version, "status": "done"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert b"<html" not in response.data
    assert db.session.get(FollowUp, follow_up.id).status == FollowUpStatus.DONE
    assert (
        b"Pair with a super-user"
        not in factories.logged_in(app, "owner@example.com").get("/follow-ups/").data
    )


@pytest.mark.parametrize(
    ("referrer", "location"),
    [
        ("http://localhost/programmes/1/feedback/?team=2", "/programmes/1/feedback/?team=2"),
        (None, "/follow-ups/"),
        ("http://evil.example/follow-ups/", "/follow-ups/"),
        ("http://localhost.evil.example/", "/follow-ups/"),
        ("http://localhost//evil.example/", "/follow-ups/"),
        ("http://localhost/\\evil.example/", "/follow-ups/"),
        ("http://localhost/%2F/evil.example/", "/follow-ups/"),
    ],
)
def test_a_plain_status_change_goes_back_only_to_a_page_on_this_site(
    app, follow_up, referrer, location
):
    response = factories.logged_in(app, "owner@example.com").post(
        f"/follow-ups/{follow_up.id}/status",
        data={"version": follow_up.version, "status": "done"},
        headers={"Referer": referrer} if referrer else {},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == location


def test_a_stale_status_change_is_refused(app, follow_up):
    owner = factories.logged_in(app, "owner@example.com")
    version = follow_up.version
    owner.post(f"/follow-ups/{follow_up.id}/status", data={"version": version, "status": "done"})
    stale = owner.post(
        f"/follow-ups/{follow_up.id}/status",
        data={"version": version, "status": "cancelled"},
        headers=HTMX,
    )
    assert stale.status_code == 409
    assert db.session.get(FollowUp, follow_up.id).status == FollowUpStatus.DONE


def test_only_owner_raiser_or_admin_may_change_it(app, follow_up):
    factories_user = factories.user("agent2@example.com")
    programme = follow_up.entry
    db.session.flush()
    from transform.models import Membership

    db.session.add(
        Membership(
            programme_id=programme.programme_id, user_id=factories_user.id, role=Role.CHANGE_AGENT
        )
    )
    db.session.flush()
    response = factories.logged_in(app, "agent2@example.com").post(
        f"/follow-ups/{follow_up.id}/status", data={"version": follow_up.version, "status": "done"}
    )
    assert response.status_code == 403
    outsider = factories.logged_in(app, "other@example.com").post(
        f"/follow-ups/{follow_up.id}/status", data={"version": follow_up.version, "status": "done"}
    )
    assert outsider.status_code == 404
    assert db.session.get(FollowUp, follow_up.id).status == FollowUpStatus.OPEN
