"""The portfolio: who sees which programmes, in what order, with which figures."""

import re
from datetime import timedelta
from html import unescape
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform.demo import DEMO_PASSWORD
from transform.extensions import db
from transform.indices.latest import adoption_headline
from transform.indices.service import wave_total
from transform.kpis.queries import scorecard
from transform.models import (
    Answer,
    ImpactLevel,
    ProgrammeStatus,
    RaidItem,
    RaidKind,
    RaidStatus,
    Response,
    Team,
    User,
    Wave,
)
from transform.programmes.queries import programme_overview
from transform.reports import sponsor
from transform.reports.portfolio import SORT_RULE, portfolio
from transform.scoring.kpi import Status
from transform.scoring.schedule import Rag
from transform.seeds import ensure_builtins

TODAY = SUITE_DAY


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _names(client) -> list[str]:
    page = client.get("/portfolio/")
    assert page.status_code == 200
    found = re.findall(
        r'<tr id="programme-\d+">\s*<th scope="row">\s*(?:<a [^>]*>)?([^<]+)', page.text
    )
    return [name.strip() for name in found]


@pytest.fixture
def portfolio_world(programme, people):
    """The PMO's programme, another PMO's programme, an archived one and a site admin."""
    other_pmo = factories.user("other@example.com", name="Olga Other")
    factories.programme(admin=other_pmo, name="Finance shared services")
    archived = factories.programme(admin=other_pmo, name="Old archived programme")
    archived.status = ProgrammeStatus.ARCHIVED
    factories.user("admin@example.com", name="Site Admin", is_site_admin=True)
    db.session.flush()
    return programme


def test_a_pmo_sees_only_their_programmes(portfolio_world, auth, client):
    auth.login("pmo@example.com")
    assert _names(client) == ["Back-office optimisation"]


def test_a_site_admin_sees_every_programme_not_archived(portfolio_world, auth, client):
    auth.login("admin@example.com")
    page = client.get("/portfolio/")
    assert sorted(_names(client)) == ["Back-office optimisation", "Finance shared services"]
    # Not a member: the names do not link to programme pages that would answer 404.
    assert "/programmes/" + str(portfolio_world.id) + '"' not in page.text


def test_an_outsider_gets_the_empty_state(portfolio_world, auth, client):
    auth.login("outsider@example.com")
    page = client.get("/portfolio/")
    assert _names(client) == []
    assert "not a member of any programme yet" in page.text
    assert "Download PDF" not in page.text


def test_worst_status_first_then_most_high_raid_items(people):
    pmo = people["pmo"]
    names = ["Alpha calm", "Bravo one risk", "Charlie overdue", "Delta two risks"]
    # Programmes that start next week: no phase is behind schedule, so RAID decides.
    made = {
        name: factories.programme(
            admin=pmo,
            name=name,
            starts_on=TODAY + timedelta(days=7),
            ends_on=TODAY + timedelta(days=300),
        )
        for name in names
    }
    due = {"Charlie overdue": [TODAY - timedelta(days=3)], "Bravo one risk": [None]}
    due["Delta two risks"] = [None, None]
    for name, dates in due.items():
        for due_on in dates:
            db.session.add(
                RaidItem(
                    programme_id=made[name].id,
                    kind=RaidKind.RISK,
                    title=f"Risk of {name}",
                    severity=4,
                    likelihood=4,
                    status=RaidStatus.OPEN,
                    due_on=due_on,
                )
            )
    db.session.flush()
    found = portfolio(pmo, TODAY)
    lines = {line.name: line for line in found.lines}
    assert lines["Charlie overdue"].status.rag == Rag.RED
    assert lines["Alpha calm"].status.rag == Rag.GREEN
    # Amber both, by open high RAID items: two before one.
    assert [line.name for line in found.lines] == [
        "Charlie overdue",
        "Delta two risks",
        "Bravo one risk",
        "Alpha calm",
    ]
    assert "1 open high RAID item (1 risk), 1 past due." in lines["Charlie overdue"].status.why


def test_a_team_shared_with_another_programme_counts_without_its_name(
    programme, people, auth, client
):
    other = factories.programme(admin=factories.user(name="Olga Other"), name="Secret merger")
    shared = Team(name="Claims Team", headcount=12, change_capacity=100)
    alone = Team(name="Archive Team", headcount=4)
    db.session.add_all([shared, alone])
    db.session.flush()
    factories.impacted(programme, shared, ImpactLevel.HIGH, go_live_on=TODAY)
    factories.impacted(programme, alone, ImpactLevel.LOW, go_live_on=TODAY)
    factories.impacted(other, shared, ImpactLevel.MEDIUM, go_live_on=TODAY)
    load = portfolio(people["pmo"], TODAY).lines[0].load
    assert (load.impacted, load.shared, load.saturated, load.peak) == (2, 1, 1, 130)
    auth.login("pmo@example.com")
    text = _text(client.get("/portfolio/").text)
    assert "1 of 2 teams shared Nov 2026: 1 over capacity, 0 busy; peak 130%" in text
    assert "Secret merger" not in text


def test_the_figures_are_the_dashboards_and_the_pdf_carries_them(demo, auth, client):
    auth.login("pmo@example.com", DEMO_PASSWORD)
    pmo = db.session.scalar(select(User).where(User.email == "pmo@example.com"))
    found = portfolio(pmo, TODAY)
    assert [line.name for line in found.lines] == [
        "Back-office optimisation",
        "Customer support outsourcing",
    ]
    line = found.lines[0]
    headline = adoption_headline(demo, TODAY)
    assert line.adoption.index == headline.total.adoption_index.value
    assert (line.adoption.wave, line.adoption.n) == (headline.choice.wave.name, headline.total.n)
    previous = db.session.scalar(
        select(Wave).where(
            Wave.programme_id == demo.id, Wave.name == line.adoption.trend.previous.name
        )
    )
    before = wave_total(demo, previous, TODAY).adoption_index.value
    assert line.adoption.trend.change.value == pytest.approx(line.adoption.index - before)
    counts = scorecard(demo).counts
    assert line.kpis.on_track == counts[Status.ON_TRACK]
    assert line.kpis.measured == sum(counts.values()) - counts[Status.NO_DATA]
    assert line.high_raid == programme_overview(demo, TODAY).open_high_raid.count
    # The portfolio and the sponsor report apply one set of rules: same colour, same reason.
    report = sponsor.build(demo, TODAY)
    assert line.status.rag == report.context["overall"]
    assert line.status in report.context["rules"]

    figures = [
        f"{round(line.adoption.index)} of 100",
        f"“{line.adoption.wave}”, n {line.adoption.n}",
        f"{line.kpis.on_track} of {line.kpis.measured}",
        line.status.rag.value.upper(),
        line.next_gate.phase,
    ]
    page = _text(client.get("/portfolio/").text)
    assert SORT_RULE in page
    reader = PdfReader(BytesIO(client.get("/portfolio/portfolio.pdf").data))
    pdf = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "As of 22 Nov 2026" in pdf
    for figure in figures:
        assert figure in page
        assert figure in pdf
    assert _names(client) == [line.name for line in found.lines]
    assert pdf.index("Back-office optimisation") < pdf.index("Customer support outsourcing")


def test_adoption_below_the_threshold_shows_no_figure(programme, people, auth, client):
    ensure_builtins()
    team = Team(name="Claims Team", headcount=12)
    db.session.add(team)
    db.session.flush()
    pulse = factories.open_pulse(programme, [team], TODAY)
    _answer(pulse, team, 4)
    adoption = portfolio(people["pmo"], TODAY).lines[0].adoption
    assert (adoption.index, adoption.n) == (None, None)
    assert "fewer than 5 responses so far" in adoption.note
    _answer(pulse, team, 1)
    auth.login("pmo@example.com")
    text = _text(client.get("/portfolio/").text)
    assert "“Pulse”, n 5; trend: no previous wave" in text


def _answer(wave: Wave, team: Team, count: int) -> None:
    for _ in range(count):
        response = Response(wave_id=wave.id, team_id=team.id, submitted_on=TODAY)
        response.answers = [Answer(item_id=item.id, value=4) for item in wave.instrument.items]
        db.session.add(response)
    db.session.flush()
