"""Whole journeys through the app, one per role, each as a real browser would make it.

A PMO sets up a programme from a template and submits its first gate; a sponsor approves
it and downloads the progress report; a change agent logs feedback; a respondent answers
through a team link; and the adoption dashboard counts the new response.
"""

import re

import pytest
from sqlalchemy import func, select

from transform.extensions import db
from transform.models import FeedbackEntry, Phase, Programme, Response, Wave, WaveStatus
from transform.seeds import BACKOFFICE_TEMPLATE_NAME
from transform.waves.service import issue_links, issue_team_link

pytestmark = pytest.mark.browser

NEW_PROGRAMME = "Journey: finance shared services"
DEMO_PROGRAMME = "Back-office optimisation"
FEEDBACK = "Journey: the team asked for the new checklist on paper as well"


def _programme_id(live_server, name: str) -> int | None:
    rows = live_server.query(select(Programme.id).where(Programme.name == name))
    return rows[0][0] if rows else None


def _first_phase_id(live_server, programme_id: int) -> int:
    ((phase_id,),) = live_server.query(
        select(Phase.id).where(Phase.programme_id == programme_id).order_by(Phase.id).limit(1)
    )
    return phase_id


def _set_up_programme_and_submit_gate(page, live_server, login) -> int:
    """As the site administrator: create the programme, add the sponsor, submit gate 1."""
    login("admin@example.com")
    page.goto(f"{live_server.url}/admin/programmes/new")
    page.get_by_label("Name").fill(NEW_PROGRAMME)
    page.get_by_label("Methodology").select_option(label=BACKOFFICE_TEMPLATE_NAME)
    page.get_by_label("Starts on").fill("2026-09-01")
    page.get_by_label("Ends on").fill("2027-08-31")
    page.get_by_role("button", name="Create programme").click()
    page.get_by_text(f"Created {NEW_PROGRAMME} with 4 phases.").wait_for()
    programme_id = _programme_id(live_server, NEW_PROGRAMME)

    page.goto(f"{live_server.url}/admin/programmes/{programme_id}/members")
    page.get_by_label("Person").select_option(label="Eleanor Finch <sponsor@example.com>")
    page.get_by_label("Role").select_option("sponsor")
    page.get_by_role("button", name="Save membership").click()
    page.get_by_text("Eleanor Finch is now Sponsor.").wait_for()

    phase_id = _first_phase_id(live_server, programme_id)
    page.goto(f"{live_server.url}/programmes/{programme_id}/phases/{phase_id}")
    gate = page.locator("#gate")
    checklist = gate.locator("input[type=checkbox][name=is_met]")
    for index in range(checklist.count()):
        # Each tick swaps the whole panel: wait for the swap before the next one.
        with page.expect_response(re.compile(r"/gate/criteria/\d+$")) as ticked:
            page.locator("#gate input[type=checkbox][name=is_met]").nth(index).check()
        assert ticked.value.status == 200
        page.locator("#gate input[type=checkbox][name=is_met]").nth(index).wait_for()
        assert page.locator("#gate input[type=checkbox][name=is_met]").nth(index).is_checked()
    page.get_by_role("button", name="Submit for sponsor decision").click()
    page.get_by_text("gate is with the sponsors for decision.").wait_for()
    assert page.locator("#gate .status").inner_text() == "Submitted"
    return programme_id


def test_a_pmo_creates_a_programme_from_a_template_and_submits_a_gate(page, live_server, login):
    programme_id = _set_up_programme_and_submit_gate(page, live_server, login)

    page.goto(f"{live_server.url}/programmes/{programme_id}/phases/")
    assert "Operational Assessment" in page.content()
    rows = live_server.query(
        select(func.count(Phase.id)).where(Phase.programme_id == programme_id)
    )
    assert rows[0][0] == 4


def test_a_sponsor_approves_the_gate_and_downloads_the_progress_report(page, live_server, login):
    programme_id = _programme_id(live_server, NEW_PROGRAMME)
    if programme_id is None:  # run on its own: make the PMO's journey first
        programme_id = _set_up_programme_and_submit_gate(page, live_server, login)
        page.context.clear_cookies()
    phase_id = _first_phase_id(live_server, programme_id)

    login("sponsor@example.com")
    page.goto(f"{live_server.url}/programmes/{programme_id}/phases/{phase_id}")
    page.get_by_label("Decision").select_option("approved")
    page.get_by_label("Reason").fill("Baseline agreed; the response minimum follows next wave.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Gate approved: Operational Assessment.").wait_for()
    assert page.locator("#gate .status").first.inner_text() == "Approved"
    assert "Eleanor Finch" in page.locator("#gate .history").inner_text()

    page.get_by_role("link", name="Reports").click()
    page.wait_for_url(f"{live_server.url}/programmes/{programme_id}/reports/")
    card = page.locator("li.report-kind").filter(
        has=page.get_by_role("heading", name="Sponsor progress report")
    )
    card.get_by_role("button", name="Preview draft").click()
    card.get_by_text("Draft ready").wait_for(timeout=30_000)
    href = card.get_by_role("link", name="Download", exact=True).get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_a_change_agent_logs_feedback(page, live_server, login):
    login("agent@example.com")
    programme_id = _programme_id(live_server, DEMO_PROGRAMME)
    page.goto(f"{live_server.url}/programmes/{programme_id}/my-teams")
    form = page.locator("#quick-log")
    team_name = form.get_by_label("Team").locator("option").first.inner_text()
    form.get_by_label("ADKAR stage the team is working on").select_option("ability")
    form.get_by_label("Sentiment").select_option("-1")
    form.get_by_label("Main barrier").select_option("no_time_for_training")
    form.get_by_label("What you observed").fill(FEEDBACK)
    form.get_by_role("button", name="Log it").click()

    page.locator("#quick-log").get_by_text(f"Logged for {team_name}.").wait_for()
    page.locator("#feed-list li").first.get_by_text(FEEDBACK).wait_for()
    rows = live_server.query(select(FeedbackEntry.sentiment).where(FeedbackEntry.text == FEEDBACK))
    assert [sentiment for (sentiment,) in rows] == [-1]


def _open_wave_link(live_server, team_link: bool) -> tuple[str, int]:
    """A link into the demo programme's open adoption wave, for its first team."""
    with live_server.app.app_context():
        try:
            wave = db.session.scalar(select(Wave).where(Wave.status == WaveStatus.OPEN))
            wave_team = wave.teams[0]
            if team_link:
                path = f"/t/{issue_team_link(wave_team)}"
            else:
                path = f"/s/{issue_links(wave, wave_team.team, 1)[0]}"
            db.session.commit()
            return path, wave.id
        finally:
            db.session.remove()


def _responses(live_server, wave_id: int) -> int:
    ((count,),) = live_server.query(
        select(func.count(Response.id)).where(Response.wave_id == wave_id)
    )
    return count


def _answer(browser, url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(url)
        for question in page.locator("li.question").all():
            question.locator("input[type=radio][value='4']").check()
        page.get_by_role("button", name="Submit my answers").click()
        page.get_by_role("heading", name="Thank you").wait_for()
    finally:
        context.close()


def test_a_respondent_answers_through_a_team_link(browser, live_server):
    path, wave_id = _open_wave_link(live_server, team_link=True)
    before = _responses(live_server, wave_id)

    _answer(browser, f"{live_server.url}{path}")
    _answer(browser, f"{live_server.url}{path}")  # a team link takes many responses

    assert _responses(live_server, wave_id) == before + 2


def _respondents_shown(page) -> int:
    stat = page.locator(".stats .stat").filter(has_text="Respondents")
    return int(stat.locator(".stat-value").inner_text())


def test_the_adoption_dashboard_counts_a_new_response(browser, page, live_server, login):
    login("pmo@example.com")
    programme_id = _programme_id(live_server, DEMO_PROGRAMME)
    dashboard = f"{live_server.url}/programmes/{programme_id}/adoption/"
    page.goto(dashboard)
    before = _respondents_shown(page)

    path, _ = _open_wave_link(live_server, team_link=False)
    _answer(browser, f"{live_server.url}{path}")

    page.goto(dashboard)
    assert _respondents_shown(page) == before + 1
