"""Script-like text typed into the UI stays text, for every role that later reads it.

A PMO and a change agent enter payloads through the ordinary forms; then the PMO, the
sponsor and the agent walk the pages that show them. No dialog may open, no CSP
violation may fire, no request may leave the live server, and a template expression
typed as text must never be evaluated.
"""

import pytest
from sqlalchemy import select

from tests.browser.test_csp import BrowserWatch, demo_programme_id, main_pages
from transform.demo import DEMO_PASSWORD
from transform.models import Activity, FeedbackEntry, Kpi, Phase, Programme, RaidItem, Team

pytestmark = pytest.mark.browser

TEMPLATE_PROBE = "tpl{{7*7}}tpl"
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "javascript:alert(3)",
    TEMPLATE_PROBE,
    "<svg onload=alert(4)>",
)
ALL = " ".join(PAYLOADS)
TITLE = '"><img src=x onerror=alert(2)> <svg onload=alert(4)> ' + TEMPLATE_PROBE


class HostileWatch(BrowserWatch):
    """Also records dialogs (dismissing them) and requests to any other origin."""

    def __init__(self, page, origin: str):
        super().__init__(page)
        self.dialogs: list[str] = []
        self.foreign_requests: list[str] = []
        self.origin = origin
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.origin + "/") or url.startswith(("data:", "about:"))):
            self.foreign_requests.append(url)

    def assert_clean(self) -> None:
        assert self.dialogs == []
        assert self.violations == []
        assert self.foreign_requests == []
        assert self.errors == []


def seed_as_pmo(page, url: str, programme_id: int) -> None:
    programme = f"{url}/programmes/{programme_id}"

    page.goto(f"{programme}/raid/new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill(ALL)
    page.get_by_role("button", name="Add item").click()
    page.wait_for_url(f"{programme}/raid*")

    page.goto(f"{programme}/edit")
    page.get_by_label("Description").fill(ALL)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{programme}")

    page.goto(f"{programme}/kpis/new")
    page.locator("#name").fill(TITLE)
    page.get_by_label("Unit").fill("%")
    page.get_by_label("How it is measured").fill(ALL)
    page.get_by_label("Baseline value").fill("10")
    page.get_by_label("Target value").fill("20")
    page.get_by_role("button", name="Add KPI").click()
    page.get_by_role("heading", name=TITLE).wait_for()

    page.goto(f"{url}/teams/new")
    page.locator("#name").fill(TITLE)
    page.get_by_role("button", name="Add team").click()
    page.wait_for_url(f"{url}/teams/*")


def seed_activity_note(page, url: str, programme_id: int, phase_id: int, activity_id: int):
    page.goto(f"{url}/programmes/{programme_id}/phases/{phase_id}/activities/{activity_id}/edit")
    form = page.locator("form:has(textarea[name=notes])")
    form.locator("textarea[name=notes]").fill(ALL)
    with page.expect_response(lambda r: r.request.method == "POST"):
        form.locator("button[type=submit]").first.click()


def seed_as_agent(page, url: str, programme_id: int) -> None:
    page.goto(f"{url}/programmes/{programme_id}/my-teams")
    form = page.locator("#quick-log")
    form.get_by_label("What you observed").fill(ALL)
    form.get_by_role("button", name="Log it").click()
    page.locator("#feed-list li").first.get_by_text("javascript:alert(3)").wait_for()


def walk(page, watch: HostileWatch, urls: list[str]) -> None:
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        html = page.content()
        assert "tpl49tpl" not in html, url
        watch.assert_clean()


def test_payloads_typed_into_the_ui_stay_text_for_every_role(page, browser, live_server, login):
    url = live_server.url
    programme_id = demo_programme_id(live_server)
    watch = HostileWatch(page, url)

    login("pmo@example.com")
    seed_as_pmo(page, url, programme_id)
    ((phase_id, activity_id),) = live_server.query(
        select(Phase.id, Activity.id)
        .join(Activity, Activity.phase_id == Phase.id)
        .where(Phase.programme_id == programme_id)
        .order_by(Phase.id, Activity.id)
        .limit(1)
    )
    seed_activity_note(page, url, programme_id, phase_id, activity_id)
    watch.assert_clean()

    # Every payload reached the database as typed: the forms did not defuse it.
    assert live_server.query(select(RaidItem.id).where(RaidItem.title == TITLE))
    assert live_server.query(select(Kpi.id).where(Kpi.name == TITLE))
    assert live_server.query(select(Team.id).where(Team.name == TITLE))
    assert live_server.query(select(Programme.id).where(Programme.description == ALL))
    assert live_server.query(select(Activity.id).where(Activity.notes == ALL))

    pages = [f"{url}{path}" for path in main_pages(live_server)]
    pages.append(f"{url}/programmes/{programme_id}/phases/{phase_id}/activities/{activity_id}")
    walk(page, watch, pages)
    # The probe is shown literally somewhere, so the check above could have failed.
    page.goto(f"{url}/programmes/{programme_id}/raid")
    assert TEMPLATE_PROBE in page.inner_text("main")

    for email in ("agent@example.com", "sponsor@example.com"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        role_page = context.new_page()
        role_page.set_default_timeout(10_000)
        role_watch = HostileWatch(role_page, url)
        role_page.goto(f"{url}/auth/login")
        role_page.fill("#email", email)
        role_page.fill("#password", DEMO_PASSWORD)
        role_page.click("button[type=submit]")
        role_page.wait_for_url(f"{url}/programmes/")
        if email == "agent@example.com":
            seed_as_agent(role_page, url, programme_id)
            assert live_server.query(select(FeedbackEntry.id).where(FeedbackEntry.text == ALL))
        role_pages = [
            f"{url}/programmes/{programme_id}",
            f"{url}/programmes/{programme_id}/raid",
            f"{url}/programmes/{programme_id}/kpis/",
            f"{url}/programmes/{programme_id}/feedback",
            f"{url}/programmes/{programme_id}/my-teams",
            f"{url}/programmes/{programme_id}/phases/{phase_id}",
            f"{url}/teams/",
            f"{url}/change-load",
        ]
        walk(role_page, role_watch, role_pages)
        context.close()

    # The PMO reads the agent's feedback too.
    walk(page, watch, [f"{url}/programmes/{programme_id}/feedback"])
