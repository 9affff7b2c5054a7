"""A respondent answers a survey through a single-use link, on a phone-sized screen."""

import pytest
from sqlalchemy import func, select

from transform.extensions import db
from transform.models import Response, SurveyLink, Wave, WaveStatus
from transform.waves.service import issue_links

pytestmark = pytest.mark.browser


def _issue_link(live_server) -> tuple[str, int]:
    with live_server.app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.status == WaveStatus.OPEN))
        token = issue_links(wave, wave.teams[0].team, 1)[0]
        db.session.commit()
        wave_id = wave.id
        db.session.remove()
    return token, wave_id


def _responses(live_server, wave_id: int) -> int:
    ((count,),) = live_server.query(
        select(func.count(Response.id)).where(Response.wave_id == wave_id)
    )
    return count


def test_a_respondent_answers_through_a_link(browser, live_server):
    token, wave_id = _issue_link(live_server)
    before = _responses(live_server, wave_id)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    assert page.locator("h1").inner_text()

    page.get_by_role("button", name="Submit my answers").click()
    assert page.get_by_text("Please answer this question.").first.is_visible()

    questions = page.locator("li.question").all()
    progress = page.locator("#survey-progress")
    assert progress.is_visible()
    assert progress.inner_text().endswith(f"0 of {len(questions)} answered")
    for question in questions:
        question.locator("input[type=radio][value='4']").check()
    assert progress.inner_text().endswith(f"{len(questions)} of {len(questions)} answered")
    page.get_by_label("Anything else you want to tell the programme team?").fill(
        "The new templates save me time."
    )
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()

    assert _responses(live_server, wave_id) == before + 1
    ((used,),) = live_server.query(
        select(func.count(SurveyLink.id)).where(
            SurveyLink.wave_id == wave_id, SurveyLink.is_used.is_(True)
        )
    )
    assert used >= 1
    page.goto(f"{live_server.url}/s/{token}")
    assert "already been used" in page.content()
    context.close()
