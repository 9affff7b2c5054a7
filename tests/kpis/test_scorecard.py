"""The KPI scorecard shows the scoring core's status for every KPI, by perspective."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from tests.statements import sent_statements
from transform.demo import DEMO_PASSWORD, load_demo
from transform.extensions import db
from transform.formatting import format_value
from transform.indices.history import team_history
from transform.indices.service import adkar_waves, wave_dashboard
from transform.kpis.queries import adoption_series, kpi_views
from transform.models import Checkpoint, Direction, Kpi, Perspective, Programme, Role, Team
from transform.scoring.anonymity import CellState
from transform.scoring.kpi import KpiLine, Status, kpi_status

TODAY = SUITE_DAY
BACKOFFICE = "Back-office optimisation"
OUTSOURCING = "Customer support outsourcing"


@pytest.fixture
def demo(db):
    load_demo(TODAY)
    return {p.name: p for p in db.session.scalars(select(Programme))}


def _client(app, email="pmo@example.com"):
    return factories.logged_in(app, email, DEMO_PASSWORD)


def _page(app, programme: Programme, email="pmo@example.com") -> str:
    response = _client(app, email).get(f"/programmes/{programme.id}/kpis/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(page: str, perspective: Perspective) -> str:
    start = page.index(f'aria-labelledby="perspective-{perspective.value}"')
    return page[start : page.index("</section>", start)]


def _row(html: str, kpi: Kpi) -> str:
    start = html.index(f'id="kpi-{kpi.id}"')
    return html[start : html.index("</tr>", start)]


def _cell(row: str, name: str) -> str:
    match = re.search(rf'<td class="[^"]*{name}[^"]*">(.*?)</td>', row, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _core_status(kpi: Kpi):
    """The status the scoring core gives the KPI's checkpoints, built here by hand."""
    programme = kpi.programme
    line = KpiLine(
        kpi.baseline_value,
        kpi.baseline_on,
        kpi.target_value,
        kpi.target_on,
        programme.kpi_at_risk_tolerance
        if kpi.at_risk_tolerance is None
        else kpi.at_risk_tolerance,
        programme.kpi_off_track_tolerance
        if kpi.off_track_tolerance is None
        else kpi.off_track_tolerance,
    )
    return kpi_status(
        line, [(c.on_date, c.planned_value, c.actual_value) for c in kpi.checkpoints]
    )


def test_each_kpi_sits_under_its_perspective_with_the_cores_status(app, demo):
    statuses = set()
    for programme in demo.values():
        page = _page(app, programme)
        kpis = db.session.scalars(select(Kpi).where(Kpi.programme_id == programme.id)).all()
        assert kpis
        for kpi in kpis:
            expected = _core_status(kpi)
            row = _row(_section(page, kpi.perspective), kpi)
            assert f"/programmes/{programme.id}/kpis/{kpi.id}" in row and kpi.name in row
            assert f"kpi-status-{expected.status.value}" in row
            assert _cell(row, "scorecard-status") == expected.status.label
            assert expected.trend is not None
            # The arrow is decoration; the word says it.
            trend = _cell_html(row, "scorecard-trend")
            assert _cell(row, "scorecard-trend").endswith(f" {expected.trend.value}")
            assert '<span aria-hidden="true">' in trend
            assert "<svg" in _cell_html(row, "scorecard-spark")
            statuses.add(expected.status)
    assert {Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK} <= statuses


def _cell_html(row: str, name: str) -> str:
    return re.search(rf'<td class="[^"]*{name}[^"]*">(.*?)</td>', row, re.S).group(1)


def test_perspectives_follow_the_balanced_scorecard_and_empty_ones_are_left_out(app, demo):
    page = _page(app, demo[BACKOFFICE])
    headings = re.findall(r'<h2 id="perspective-[a-z_]+">([^<]+)', page)
    assert [h.strip() for h in headings] == [
        "Customer",
        "Internal process",
        "Learning &amp; growth",
    ]
    page = _page(app, demo[OUTSOURCING])
    headings = re.findall(r'<h2 id="perspective-[a-z_]+">([^<]+)', page)
    assert [h.strip() for h in headings] == ["Financial", "Customer", "Internal process"]


def test_values_carry_their_units_and_dates(app, demo):
    programme = demo[OUTSOURCING]
    page = _page(app, programme)
    for kpi in db.session.scalars(select(Kpi).where(Kpi.programme_id == programme.id)):
        latest = [c for c in kpi.checkpoints if c.actual_value is not None][-1]
        row = _row(page, kpi)
        actual = format_value(latest.actual_value, kpi.unit)
        assert actual.endswith(kpi.unit)
        assert _cell(row, "scorecard-actual") == f"Latest {actual} {latest.on_date.day} Oct 2026"
        target = format_value(kpi.target_value, kpi.unit)
        assert (
            _cell(row, "scorecard-target") == f"Target {target} by 22 Sept 2027"
        )  # en_GB (CLDR) writes Sept
    assert "4.90 EUR" in page and "85%" in page and "7.5 minutes" in page


def test_value_format_keeps_cents_and_drops_noise():
    assert format_value(6.8, "EUR") == "6.80 EUR"
    assert format_value(78.0, "%") == "78%"
    assert format_value(19.25, "matters per FTE per month") == "19.25 matters per FTE per month"
    assert format_value(1234.5, "items") == "1,234.5 items"
    assert format_value(-0.001, "days") == "0 days"
    assert format_value(None, "days") == "—"


def test_the_summary_counts_kpis_by_status(app, demo):
    page = _page(app, demo[BACKOFFICE])
    counts = dict(re.findall(r'scorecard-stat-([a-z_]+)">.*?stat-value">(\d+)<', page))
    views = kpi_views(demo[BACKOFFICE])
    assert counts == {
        status.value: str(sum(v.status.status == status for v in views)) for status in Status
    }
    assert counts["on_track"] == counts["at_risk"] == counts["off_track"] == "1"


def test_admins_get_the_add_and_import_buttons_others_do_not(app, demo):
    programme = demo[BACKOFFICE]
    admin = _page(app, programme)
    assert f'href="/programmes/{programme.id}/kpis/new"' in admin
    assert f'href="/programmes/{programme.id}/kpis/import' in admin
    sponsor = _page(app, programme, "sponsor@example.com")
    assert "Add a KPI" not in sponsor and "Import actuals" not in sponsor
    assert 'aria-current="page">KPIs</a>' in sponsor


def test_non_members_get_404(app, demo):
    # The back-office change agent is no member of the outsourcing programme.
    response = _client(app, "agent@example.com").get(f"/programmes/{demo[OUTSOURCING].id}/kpis/")
    assert response.status_code == 404
    assert (
        _client(app, "admin@example.com")
        .get(f"/programmes/{demo[BACKOFFICE].id}/kpis/")
        .status_code
        == 404
    )


def test_login_is_required(client, demo):
    response = client.get(f"/programmes/{demo[BACKOFFICE].id}/kpis/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_programme_without_kpis_says_so(app):
    admin = factories.user()
    sponsor = factories.user()
    programme = factories.programme(admin, {sponsor: Role.SPONSOR})
    page = factories.logged_in(app, admin.email).get(f"/programmes/{programme.id}/kpis/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "No KPIs yet" in text
    assert text.count("Add a KPI") == 1 and text.count("Import actuals") == 1
    assert "scorecard-stat" not in text
    text = factories.logged_in(app, sponsor.email).get(f"/programmes/{programme.id}/kpis/")
    text = text.get_data(as_text=True)
    assert "No KPIs yet" in text and "Add a KPI" not in text


def _add_kpis(programme: Programme, number: int) -> None:
    team = Team(name="Scorecard team", headcount=10)
    owner = factories.user()
    db.session.add(team)
    for index in range(number):
        kpi = Kpi(
            programme_id=programme.id,
            team=team,
            owner=owner,
            name=f"KPI {index:02}",
            unit="%",
            direction=Direction.HIGHER_IS_BETTER,
            perspective=list(Perspective)[index % 4],
            baseline_value=50,
            baseline_on=date(2026, 1, 5),
            target_value=80,
            target_on=date(2026, 12, 18),
            at_risk_tolerance=0.05 if index % 3 == 0 else None,
        )
        kpi.checkpoints = [
            Checkpoint(
                on_date=date(2026, 1, 31) + timedelta(days=30 * month),
                planned_value=50 + 2.5 * month,
                actual_value=50 + (2.5 - index % 3) * month,
            )
            for month in range(6)
        ]
        db.session.add(kpi)
    db.session.flush()


@pytest.mark.parametrize("number", [1, 24])
def test_kpi_views_takes_a_bounded_number_of_queries(number):
    programme = factories.programme()
    _add_kpis(programme, number)
    programme_id = programme.id
    db.session.expire_all()
    programme = db.session.get(Programme, programme_id)
    programme.kpi_at_risk_tolerance  # noqa: B018  (loaded before counting)
    with sent_statements() as statements:
        views = kpi_views(programme)
        for view in views:
            view.kpi.team.name, view.kpi.owner.name  # noqa: B018
    assert len(views) == number
    assert len(statements) <= 3
    assert [v.kpi.perspective for v in views] == sorted(
        (v.kpi.perspective for v in views), key=list(Perspective).index
    )
    assert views[0].status == _core_status(views[0].kpi)
    assert views[0].actual_values == [c.actual_value for c in views[0].kpi.checkpoints]


def test_adoption_series_follows_the_whole_programmes_shown_indices(demo):
    programme = demo[BACKOFFICE]
    expected = []
    for wave in reversed(adkar_waves(programme)):
        total = wave_dashboard(programme, wave, None, TODAY).total
        assert total.state == CellState.SHOWN
        expected.append((min(wave.closes_on, TODAY), total.adoption_index.value))
    assert adoption_series(programme, None, TODAY) == expected and len(expected) == 3
    # Above the first wave's respondents its total is hidden, and so left out.
    programme.comment_threshold = programme.anonymity_threshold = expected_n(programme) + 1
    db.session.flush()
    assert adoption_series(programme, None, TODAY) == expected[1:]


def expected_n(programme: Programme) -> int:
    first = adkar_waves(programme)[-1]
    return wave_dashboard(programme, first, None, TODAY).total.n


def test_adoption_series_of_a_team_leaves_out_suppressed_waves(demo):
    programme = demo[BACKOFFICE]
    team_id = db.session.scalar(select(Team.id).where(Team.name == "Billing Operations"))
    shown = [
        (min(p.wave.closes_on, TODAY), p.adoption_index.value)
        for p in team_history(programme, team_id, SUITE_DAY).points
    ]
    assert adoption_series(programme, team_id, TODAY) == shown and len(shown) == 3
    payroll = db.session.scalar(select(Team.id).where(Team.name == "Payroll"))
    assert adoption_series(programme, payroll, TODAY) == []
    # A threshold between the team's wave sizes hides the smaller waves.
    programme.comment_threshold = programme.anonymity_threshold = 10
    db.session.flush()
    points = team_history(programme, team_id, SUITE_DAY).points
    hidden = {min(p.wave.closes_on, TODAY) for p in points if p.state != CellState.SHOWN}
    series = adoption_series(programme, team_id, TODAY)
    assert len(hidden) == 1 and len(series) == 2
    assert not hidden & {day for day, _ in series}
    assert series == [
        (min(p.wave.closes_on, TODAY), p.adoption_index.value)
        for p in points
        if p.state == CellState.SHOWN
    ]
