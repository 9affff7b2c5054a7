"""A change agent logs an observation from the quick-log form and sees it in the team feed."""

import pytest
from sqlalchemy import select

from transform.models import FeedbackEntry, Programme

pytestmark = pytest.mark.browser

NOTE = "Two people asked for a second walkthrough of the new intake form"


def test_agent_logs_feedback_and_sees_it_in_the_team_feed(page, live_server, login):
    login("agent@example.com")
    ((programme_id,),) = live_server.query(
        select(Programme.id).where(Programme.name == "Back-office optimisation")
    )
    page.goto(f"{live_server.url}/programmes/{programme_id}/my-teams")
    page.evaluate("window.__noReload = true")
    form = page.locator("#quick-log")
    team_name = form.get_by_label("Team").locator("option").first.inner_text()
    form.get_by_label("ADKAR stage the team is working on").select_option("knowledge")
    form.get_by_label("Sentiment").select_option("1")
    form.get_by_label("Main barrier").select_option("no_time_for_training")
    form.get_by_label("What you observed").fill(NOTE)
    form.get_by_role("button", name="Log it").click()

    page.locator("#quick-log").get_by_text(f"Logged for {team_name}.").wait_for()
    page.locator("#feed-list li").first.get_by_text(NOTE).wait_for()
    assert page.evaluate("window.__noReload") is True

    ((team_id,),) = live_server.query(
        select(FeedbackEntry.team_id).where(FeedbackEntry.text == NOTE)
    )
    page.goto(f"{live_server.url}/programmes/{programme_id}/teams/{team_id}")
    assert NOTE in page.locator("#feed-list").inner_text()
