"""The main pages run under the Content-Security-Policy without a single violation.

Chromium enforces the policy the app sends; a listener added before any page script
reports every `securitypolicyviolation` event, and console errors are collected too.
"""

import pytest
from sqlalchemy import select

from transform.models import Kpi, Phase, Programme

pytestmark = pytest.mark.browser

LISTEN_FOR_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.documentURI} (${event.sourceFile || ""}:${event.lineNumber})`
  );
});
"""


class BrowserWatch:
    """What a page did that it should not: CSP violations and console or script errors."""

    def __init__(self, page):
        self.violations: list[str] = []
        self.errors: list[str] = []
        page.expose_function("__reportViolation", self._violation)
        page.add_init_script(LISTEN_FOR_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _violation(self, description: str) -> None:
        self.violations.append(description)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location.get('url')}")


def demo_programme_id(live_server) -> int:
    ((programme_id,),) = live_server.query(
        select(Programme.id).where(Programme.name == "Back-office optimisation")
    )
    return programme_id


def main_pages(live_server) -> list[str]:
    """The pages a PMO uses, for the demo programme."""
    programme_id = demo_programme_id(live_server)
    phase_id = live_server.query(
        select(Phase.id).where(Phase.programme_id == programme_id).order_by(Phase.id).limit(1)
    )[0][0]
    kpi_id = live_server.query(
        select(Kpi.id).where(Kpi.programme_id == programme_id).order_by(Kpi.id).limit(1)
    )[0][0]
    programme = f"/programmes/{programme_id}"
    return [
        programme,
        f"{programme}/phases/",
        f"{programme}/phases/{phase_id}",
        f"{programme}/phases/timeline",
        f"{programme}/feedback",
        f"{programme}/waves/",
        f"{programme}/adoption/",
        f"{programme}/kpis/",
        f"{programme}/kpis/{kpi_id}",
        f"{programme}/reports/",
        f"{programme}/raid",
        f"{programme}/impact",
        f"{programme}/agents",
        f"{programme}/members",
        "/teams/",
        "/change-load",
        "/methodologies/",
        "/instruments/",
        "/follow-ups/",
        "/profile/tokens",
        "/api/v1/",
    ]


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")


def test_main_pages_have_no_csp_violation_and_htmx_still_swaps(page, live_server, login):
    watch = BrowserWatch(page)
    login("pmo@example.com")
    for path in main_pages(live_server):
        visit(page, f"{live_server.url}{path}")
        # htmx loaded from our origin and initialised: script-src 'self' lets it run.
        assert page.evaluate("typeof window.htmx") == "object", path
    assert watch.violations == []
    assert watch.errors == []

    # An htmx interaction: changing the wave swaps the dashboard without a reload.
    programme_id = demo_programme_id(live_server)
    visit(page, f"{live_server.url}/programmes/{programme_id}/adoption/")
    page.evaluate("window.__noReload = true")
    options = page.locator("#wave option")
    assert options.count() >= 2
    selected = page.locator("#wave").input_value()
    other = next(
        value
        for value in (options.nth(i).get_attribute("value") for i in range(options.count()))
        if value != selected
    )
    with page.expect_response(lambda r: "/adoption/" in r.url and r.request.method == "GET"):
        page.locator("#wave").select_option(other)
    page.wait_for_url(f"**/adoption/?wave={other}*")
    page.wait_for_function("value => document.querySelector('#wave').value === value", arg=other)
    assert page.evaluate("window.__noReload") is True
    assert watch.violations == []
    assert watch.errors == []


def test_an_inline_script_would_be_reported(page, live_server, login):
    """The watch itself works: a script injected into the page is blocked and reported."""
    watch = BrowserWatch(page)
    login("pmo@example.com")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("() => true")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in watch.violations)
