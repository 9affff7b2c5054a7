"""WCAG 2.1 A and AA, checked by axe-core in Chromium on every page each role reaches.

axe-core is vendored for the tests only (tests/browser/vendor, MPL-2.0); it is injected
into each page after load. A page passes with no serious or critical violation; the
failure lists every violation with its page, rule and elements.
"""

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser.test_csp import demo_programme_id
from transform.demo import DEMO_PASSWORD
from transform.extensions import db
from transform.models import (
    Activity,
    Initiative,
    Instrument,
    Kpi,
    MethodologyTemplate,
    Phase,
    RaidItem,
    Team,
    User,
    Wave,
    WaveStatus,
)
from transform.waves.service import issue_links

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
      more: Math.max(0, v.nodes.length - 5),
    }));
}
"""
ROLES = (
    "pmo@example.com",
    "agent@example.com",
    "sponsor@example.com",
    "finance@example.com",
    "admin@example.com",
)


def _first(live_server, statement) -> int:
    return live_server.query(statement.limit(1))[0][0]


def _pages(live_server) -> list[str]:
    """Every page of the app that answers a GET, with ids from the demo programme."""
    programme_id = demo_programme_id(live_server)
    of_programme = {
        "phase": select(Phase.id).where(Phase.programme_id == programme_id).order_by(Phase.id),
        "kpi": select(Kpi.id).where(Kpi.programme_id == programme_id).order_by(Kpi.id),
        "raid": select(RaidItem.id).where(RaidItem.programme_id == programme_id),
        "initiative": select(Initiative.id)
        .where(Initiative.programme_id == programme_id)
        .order_by(Initiative.id),
        "wave": select(Wave.id)
        .where(Wave.programme_id == programme_id, Wave.status == WaveStatus.CLOSED)
        .order_by(Wave.id.desc()),
    }
    ids = {name: _first(live_server, statement) for name, statement in of_programme.items()}
    activity = _first(live_server, select(Activity.id).where(Activity.phase_id == ids["phase"]))
    team = _first(live_server, select(Team.id).where(Team.name == "Billing Operations"))
    template = _first(live_server, select(MethodologyTemplate.id))
    instrument = _first(live_server, select(Instrument.id))
    user = _first(live_server, select(User.id).where(User.email == "agent@example.com"))
    programme = f"/programmes/{programme_id}"
    phase = f"{programme}/phases/{ids['phase']}"
    return [
        "/programmes/",
        "/portfolio/",
        programme,
        f"{programme}/edit",
        f"{programme}/phases/",
        phase,
        f"{phase}/edit",
        f"{phase}/activities/{activity}",
        f"{programme}/phases/timeline",
        f"{programme}/feedback",
        f"{programme}/feedback/themes",
        f"{programme}/my-teams",
        f"{programme}/waves/",
        f"{programme}/waves/new",
        f"{programme}/waves/{ids['wave']}",
        f"{programme}/waves/{ids['wave']}/invitations/",
        f"{programme}/waves/{ids['wave']}/links/all",
        f"{programme}/adoption/",
        f"{programme}/teams/{team}",
        f"{programme}/kpis/",
        f"{programme}/kpis/new",
        f"{programme}/kpis/{ids['kpi']}",
        f"{programme}/kpis/import",
        f"{programme}/reports/",
        f"{programme}/raid",
        f"{programme}/raid/new",
        f"{programme}/raid/{ids['raid']}/edit",
        f"{programme}/impact",
        f"{programme}/benefits",
        f"{programme}/benefits/{ids['initiative']}",
        f"{programme}/benefits/{ids['initiative']}/edit",
        f"{programme}/benefits/new",
        f"{programme}/benefits/import",
        f"{programme}/benefits/target",
        f"{programme}/agents",
        f"{programme}/members",
        f"{programme}/audit",
        f"{programme}/webhooks",
        "/teams/",
        "/teams/?view=list",
        "/teams/new",
        "/teams/import",
        "/change-load",
        "/methodologies/",
        f"/methodologies/{template}",
        "/instruments/",
        f"/instruments/{instrument}",
        "/follow-ups/",
        "/profile/tokens/",
        "/admin/",
        "/admin/users",
        f"/admin/users/{user}",
        "/admin/programmes",
        "/admin/outbox",
    ]


def _respondent_link(live_server) -> str:
    with live_server.app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.status == WaveStatus.OPEN))
        token = issue_links(wave, wave.teams[0].team, 1)[0]
        db.session.commit()
        db.session.remove()
    return f"/s/{token}"


class AxeWalk:
    """Visits pages in one browser context and collects axe's serious and critical findings."""

    def __init__(self, browser, live_server, width: int = 1366):
        # axe is injected by the test, not served by the app: the page's CSP would block it.
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=True
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.base = live_server.url
        self.checked: list[str] = []
        self.findings: list[str] = []

    def log_in(self, email: str) -> None:
        self.page.goto(f"{self.base}/auth/login")
        self.page.fill("#email", email)
        self.page.fill("#password", DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}/programmes/")

    def check(self, path: str, who: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        sent_to_login = self.page.url.endswith("/auth/login") and path != "/auth/login"
        if response is None or response.status != 200 or sent_to_login:
            return
        self.page.wait_for_load_state("load")
        # What folds away (follow-up fields, older entries, the org chart's branches) is
        # checked open: axe skips what is hidden.
        self.page.evaluate(
            "document.querySelectorAll('details').forEach((d) => { d.open = true; })"
        )
        self.page.add_script_tag(path=str(AXE))
        for violation in self.page.evaluate(RUN_AXE, WCAG_21_AA):
            nodes = "\n      ".join(violation["nodes"])
            more = f"\n      (+{violation['more']} more)" if violation["more"] else ""
            self.findings.append(
                f"{who} {path}: {violation['impact']} {violation['rule']} "
                f"({violation['help']})\n      {nodes}{more}"
            )
        self.checked.append(path)

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("email", ROLES)
def test_every_page_a_role_reaches_meets_wcag_21_aa(browser, live_server, email):
    walk = AxeWalk(browser, live_server)
    walk.log_in(email)
    for path in _pages(live_server):
        walk.check(path, email)
    walk.close()
    # Every role reaches the programme's main pages; a walk that checked nothing proves nothing.
    assert len(walk.checked) >= 12, walk.checked
    assert walk.findings == [], "\n".join(walk.findings)


def test_the_login_and_survey_pages_meet_wcag_21_aa_on_a_phone(browser, live_server):
    walk = AxeWalk(browser, live_server, width=390)
    link = _respondent_link(live_server)
    for path in ("/auth/login", link, f"{link}?lang=fr", "/survey/thanks?lang=fr"):
        walk.check(path, "respondent")
    walk.close()
    assert len(walk.checked) == 4, walk.checked
    assert walk.findings == [], "\n".join(walk.findings)
