"""The reports page: prepare and download drafts, publish, the history; and the CLI."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from tests.reports.test_reports_store import stub_report  # noqa: F401  (fixture)
from tests.survey_setup import survey_world
from transform import clock
from transform.extensions import db
from transform.models import ReportKind, Response, Team
from transform.reports import store

pytestmark = pytest.mark.usefixtures("stub_report")

YESTERDAY = SUITE_DAY - timedelta(days=1)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world():
    return survey_world()


def _url(world, path: str = "") -> str:
    return f"/programmes/{world['programme'].id}/reports/{path}"


def test_the_page_lists_every_kind_with_its_pickers(app, world):
    client = factories.logged_in(app, "sponsor@example.com")
    page = client.get(_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for label in ("Sponsor progress report", "Operational assessment", "Team adoption report"):
        assert label in html
    assert 'hx-post="/programmes/' in html and 'hx-indicator="#rendering-sponsor-progress"' in html
    assert "Rendering the report — this takes a few seconds…" in html
    assert ">Billing (no results yet)</option>" in html and ">Pulse 1</option>" in html
    assert f'min="{world["programme"].starts_on.isoformat()}"' in html
    assert "Nothing published yet." in html
    assert 'aria-current="page">Reports</a>' in html
    # The CSP allows no inline style or script: the spinner is CSS classes only.
    assert "style=" not in html and "<script>" not in html


def test_outsiders_get_404_and_anonymous_users_the_login(app, world):
    factories.user("outsider@example.com")
    outsider = factories.logged_in(app, "outsider@example.com")
    assert outsider.get(_url(world)).status_code == 404
    assert outsider.get(_url(world, f"sponsor-progress.pdf?as_of={YESTERDAY}")).status_code == 404
    anonymous = app.test_client().get(_url(world))
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


def test_download_serves_the_draft_inline_or_as_attachment(app, world):
    world["programme"].name = "Back-Office Optimisation"
    client = factories.logged_in(app, "agent@example.com")
    inline = client.get(_url(world, f"sponsor-progress.pdf?as_of={YESTERDAY}"))
    assert inline.status_code == 200
    assert inline.mimetype == "application/pdf"
    assert inline.data.startswith(b"%PDF-")
    filename = f"back-office-optimisation-sponsor-progress-{YESTERDAY}.pdf"
    assert inline.headers["Content-Disposition"] == f"inline; filename={filename}"
    assert inline.headers["Cache-Control"] == "private, no-store"
    attached = client.get(_url(world, f"sponsor-progress.pdf?as_of={YESTERDAY}&download=1"))
    assert attached.headers["Content-Disposition"] == f"attachment; filename={filename}"


def test_download_defaults_to_today(app, world, stub_report):  # noqa: F811
    client = factories.logged_in(app, "sponsor@example.com")
    response = client.get(_url(world, "operational-assessment.pdf"))
    assert response.status_code == 200
    assert clock.today().isoformat() in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("annual-accounts.pdf?as_of={yesterday}", 404, "no such kind of report"),
        ("sponsor-progress.pdf?as_of=22/11/2026", 400, "Not a valid date value."),
        ("sponsor-progress.pdf?as_of={before_start}", 400, "The programme starts on"),
        ("sponsor-progress.pdf?as_of={tomorrow}", 400, "cannot be dated after today"),
        ("team-adoption.pdf?as_of={yesterday}", 400, "Team: Not a valid choice."),
        ("team-adoption.pdf?as_of={yesterday}&team=abc", 400, "Team: Invalid Choice"),
        ("team-adoption.pdf?as_of={yesterday}&team={outside_team}", 400, "Not a valid choice"),
        ("survey-wave.pdf?as_of={yesterday}&wave=999999", 400, "Not a valid choice"),
    ],
)
def test_bad_requests_get_a_clear_message(app, world, path, status, message):
    outside = Team(name="Elsewhere", headcount=4)
    db.session.add(outside)
    db.session.flush()
    url = path.format(
        yesterday=YESTERDAY,
        tomorrow=clock.today() + timedelta(days=1),
        before_start=world["programme"].starts_on - timedelta(days=1),
        outside_team=outside.id,
    )
    response = factories.logged_in(app, "sponsor@example.com").get(_url(world, url))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_team_and_wave_reports_name_their_team_and_wave(app, world):
    client = factories.logged_in(app, "agent@example.com")
    team = client.get(_url(world, f"team-adoption.pdf?team={world['billing'].id}"))
    assert (
        team.status_code == 200
        and "-team-adoption-billing-" in team.headers["Content-Disposition"]
    )
    wave = client.get(_url(world, f"survey-wave.pdf?wave={world['wave'].id}"))
    assert (
        wave.status_code == 200 and "-survey-wave-pulse-1-" in wave.headers["Content-Disposition"]
    )


def test_prepare_answers_htmx_with_the_ready_links(app, world):
    admin = factories.logged_in(app, "pmo@example.com")
    ready = admin.post(
        _url(world, "sponsor-progress/prepare"), data={"as_of": YESTERDAY}, headers=HTMX
    )
    assert ready.status_code == 200
    html = ready.get_data(as_text=True)
    assert "Draft ready" in html and "2 pages" in html
    assert f"sponsor-progress.pdf?as_of={YESTERDAY}&amp;download=1" in html
    assert "Write commentary and publish" in html and "Download PowerPoint" in html

    sponsor = factories.logged_in(app, "sponsor@example.com")
    html = sponsor.post(
        _url(world, "sponsor-progress/prepare"), data={"as_of": YESTERDAY}, headers=HTMX
    ).get_data(as_text=True)
    assert "Draft ready" in html and "Publish" not in html


def test_prepare_for_download_redirects_htmx_to_the_file(app, world):
    client = factories.logged_in(app, "sponsor@example.com")
    response = client.post(
        _url(world, "sponsor-progress/prepare"),
        data={"as_of": YESTERDAY, "download": "1"},
        headers=HTMX,
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith(
        f"sponsor-progress.pdf?as_of={YESTERDAY}&download=1"
    )


def test_prepare_shows_the_error_in_place(app, world):
    client = factories.logged_in(app, "sponsor@example.com")
    response = client.post(
        _url(world, "team-adoption/prepare"), data={"as_of": YESTERDAY}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Team: Not a valid choice." in response.get_data(as_text=True)


def test_admins_publish_and_the_history_shows_who_and_when(app, world):
    draft = store.report_pdf(ReportKind.OPERATIONAL_ASSESSMENT, world["programme"], YESTERDAY)
    admin = factories.logged_in(app, "pmo@example.com")
    response = admin.post(_url(world, f"{draft.id}/publish"))
    assert response.status_code == 303
    published = store.published_reports(world["programme"])
    assert len(published) == 1 and published[0].created_by.name == "Pam PMO"
    page = admin.get(_url(world)).get_data(as_text=True)
    assert "Published the operational assessment." in page
    assert "Pam PMO" in page and "Nothing published yet." not in page
    link = f"/reports/{published[0].id}.pdf?download=1"
    assert link in page
    pdf = admin.get(_url(world, f"{published[0].id}.pdf?download=1"))
    assert pdf.status_code == 200 and pdf.data == draft.pdf
    assert pdf.headers["Content-Disposition"].startswith("attachment; filename=")


@pytest.mark.parametrize(
    ("email", "status"), [("sponsor@example.com", 403), ("agent@example.com", 403)]
)
def test_only_admins_publish(app, world, email, status):
    draft = store.report_pdf(ReportKind.SPONSOR_PROGRESS, world["programme"], YESTERDAY)
    response = factories.logged_in(app, email).post(_url(world, f"{draft.id}/publish"))
    assert response.status_code == status
    assert store.published_reports(world["programme"]) == []


def test_publish_needs_the_csrf_token(app, world, csrf_enabled):
    draft = store.report_pdf(ReportKind.SPONSOR_PROGRESS, world["programme"], YESTERDAY)
    response = factories.logged_in(app, "pmo@example.com").post(_url(world, f"{draft.id}/publish"))
    assert response.status_code == 400
    assert store.published_reports(world["programme"]) == []


def test_stored_reports_of_another_programme_are_not_found(app, world):
    other = factories.programme(admin=world["pmo"], name="Other")
    foreign = store.report_pdf(ReportKind.SPONSOR_PROGRESS, other, YESTERDAY)
    client = factories.logged_in(app, "pmo@example.com")
    assert client.get(_url(world, f"{foreign.id}.pdf")).status_code == 404
    assert client.post(_url(world, f"{foreign.id}/publish")).status_code == 404
    assert client.get(_url(world, "999999.pdf")).status_code == 404


def test_team_and_wave_pages_link_to_their_reports(app, world):
    client = factories.logged_in(app, "pmo@example.com")
    programme_id = world["programme"].id
    team_page = client.get(f"/programmes/{programme_id}/teams/{world['billing'].id}")
    assert f"team-adoption.pdf?team={world['billing'].id}" in team_page.get_data(as_text=True)
    wave_url = f"/programmes/{programme_id}/waves/{world['wave'].id}"
    report = f"survey-wave.pdf?wave={world['wave'].id}"
    # A wave without responses has nothing to report; one response is enough to offer it.
    assert report not in client.get(wave_url).get_data(as_text=True)
    db.session.add(
        Response(wave_id=world["wave"].id, team_id=world["billing"].id, submitted_on=SUITE_DAY)
    )
    assert report in client.get(wave_url).get_data(as_text=True)


def test_cli_writes_the_pdf_and_prints_pages(app, world, tmp_path):
    out = tmp_path / "report.pdf"
    args = ["report", "render", "sponsor-progress", "--programme", str(world["programme"].id)]
    result = app.test_cli_runner().invoke(
        args=[*args, "--as-of", YESTERDAY.isoformat(), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert "2 pages in" in result.output and " s." in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["annual", "--programme", "{programme}"], "unknown report kind"),
        (["sponsor-progress", "--programme", "999999"], "no programme with this id"),
        (["team-adoption", "--programme", "{programme}"], "team-adoption needs --team"),
        (["team-adoption", "--programme", "{programme}", "--team", "999999"], "not a team"),
        (["survey-wave", "--programme", "{programme}", "--wave", "999999"], "not a survey wave"),
        (["sponsor-progress", "--programme", "{programme}", "--team", "1"], "takes no --team"),
    ],
)
def test_cli_refuses_bad_arguments_clearly(app, world, tmp_path, args, message):
    args = [arg.format(programme=world["programme"].id) for arg in args]
    out = tmp_path / "report.pdf"
    result = app.test_cli_runner().invoke(
        args=["report", "render", *args, "--as-of", YESTERDAY.isoformat(), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_cli_refuses_a_date_before_the_start(app, world, tmp_path):
    before = world["programme"].starts_on - timedelta(days=1)
    result = app.test_cli_runner().invoke(
        args=["report", "render", "sponsor-progress", "--programme", str(world["programme"].id),
              "--as-of", before.isoformat(), "--out", str(tmp_path / "r.pdf")]
    )  # fmt: skip
    assert result.exit_code == 2 and "before the programme starts" in result.output
    assert db.session.scalars(select(store.Report)).all() == []


def test_a_wave_report_dated_before_the_wave_opened_is_refused_with_a_message(app, world):
    wave = world["wave"]
    world["programme"].starts_on = wave.opens_on - timedelta(days=30)
    db.session.flush()
    before = wave.opens_on - timedelta(days=1)
    client = factories.logged_in(app, "pmo@example.com")
    download = client.get(_url(world, f"survey-wave.pdf?as_of={before}&wave={wave.id}"))
    assert download.status_code == 400
    assert "opened on" in download.get_data(as_text=True)
    prepared = client.post(
        _url(world, "survey-wave/prepare"), data={"as_of": before, "wave": wave.id}, headers=HTMX
    )
    assert prepared.status_code == 422
    assert "choose an as-of date from that day on" in prepared.get_data(as_text=True)


def test_the_team_report_defaults_to_a_team_with_results(client):
    from transform.demo import DEMO_PASSWORD

    programme = factories.demo_programme()
    client.post("/auth/login", data={"email": "pmo@example.com", "password": DEMO_PASSWORD})
    page = client.get(f"/programmes/{programme.id}/reports/").get_data(as_text=True)
    select = page[page.index('id="team-team-adoption"') :]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select[: select.index("</select>")])
    assert "(no results yet)" not in options[0]
    assert "Payroll (no results yet)" in options
