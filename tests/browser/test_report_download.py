"""A sponsor prepares each report in the page, sees progress, and downloads the PDF."""

import pytest
from sqlalchemy import select

from transform.models import Programme

pytestmark = pytest.mark.browser

TITLES = (
    "Sponsor progress report",
    "Operational assessment",
    "Team adoption report",
    "Survey wave report",
)


def test_a_sponsor_downloads_each_report(page, live_server, login):
    login("sponsor@example.com")
    ((programme_id,),) = live_server.query(
        select(Programme.id).where(Programme.name == "Back-office optimisation")
    )
    page.goto(f"{live_server.url}/programmes/{programme_id}/reports/")
    page.evaluate("window.__noReload = true")
    for title in TITLES:
        card = page.locator("li.report-kind").filter(has=page.get_by_role("heading", name=title))
        card.get_by_role("button", name="Preview draft").click()
        card.get_by_text("Draft ready").wait_for(timeout=30_000)
        href = card.get_by_role("link", name="Download", exact=True).get_attribute("href")
        response = page.request.get(f"{live_server.url}{href}")
        assert response.status == 200, title
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF-")
    assert page.evaluate("window.__noReload") is True
