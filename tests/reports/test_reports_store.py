"""Draft reports are cached by data stamp and fingerprint; published ones stay unchanged.

A stub builder and template stand in for the real report content, so these tests are
about the storage, not what a report says.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from tests.survey_setup import survey_world
from transform import clock
from transform.extensions import db
from transform.models import AuditEvent, Report, ReportKind, Response, ResponseSource
from transform.reports import registry, render, store
from transform.reports.content import ReportContent

AS_OF = SUITE_DAY - timedelta(days=1)
STUB_TEMPLATE = """{% extends "reports/_base.html" %}
{% block cover_extra %}<p>Stub cover</p>{% endblock %}
{% block content %}
<section class="report-section" id="summary"><h1>Summary</h1>
<p class="lead">{{ note }}</p>
<p><img src="{{ url_for('static', filename='favicon.svg') }}" alt="" width="16"></p>
<table class="data"><thead><tr><th>Team</th><th class="num">Score</th></tr></thead>
<tbody><tr><td>Billing</td><td class="num score-high">78</td></tr></tbody></table>
</section>
{% endblock %}"""


@pytest.fixture
def stub_report(app, monkeypatch):
    """Every report kind builds a one-section stub; counts builds and PDF renders."""
    stub = SimpleNamespace(note="First version", builds=0, renders=0)
    loader = ChoiceLoader(
        [DictLoader({"reports/test_stub.html": STUB_TEMPLATE}), app.jinja_loader]
    )
    monkeypatch.setattr(app.jinja_env, "loader", loader)

    def build(programme, as_of, *, team_id=None, wave_id=None, commentary=None):
        stub.builds += 1
        return ReportContent(
            template="reports/test_stub.html",
            title="Stub report",
            subtitle=f"Team {team_id} wave {wave_id}",
            sections=[("summary", "Summary")],
            context={"note": stub.note},
        )

    real_render = render.render_pdf

    def counting_render(html):
        stub.renders += 1
        return real_render(html)

    monkeypatch.setattr(registry, "load_builder", lambda kind: build)
    monkeypatch.setattr(render, "render_pdf", counting_render)
    return stub


def _touch(programme) -> None:
    """Some audited change to the programme's data."""
    db.session.add(
        AuditEvent(programme_id=programme.id, action="phase.updated", entity="phase", entity_id=1)
    )
    db.session.flush()


def _sponsor_report(programme, **kwargs) -> Report:
    return store.report_pdf(ReportKind.SPONSOR_PROGRESS, programme, AS_OF, **kwargs)


def test_a_first_request_renders_and_stores_a_draft(stub_report):
    programme = factories.programme(starts_on=AS_OF - timedelta(days=30))
    report = _sponsor_report(programme)
    assert report.id is not None
    assert not report.is_published
    assert report.pdf.startswith(b"%PDF-")
    assert report.page_count == 2  # the cover, which lists the one section, and the section
    assert len(report.fingerprint) == len(report.data_stamp) == 64
    assert (stub_report.builds, stub_report.renders) == (1, 1)


def test_unchanged_data_is_served_from_cache_without_building(stub_report):
    programme = factories.programme(starts_on=AS_OF - timedelta(days=30))
    first = _sponsor_report(programme)
    again = _sponsor_report(programme)
    assert again.id == first.id
    assert (stub_report.builds, stub_report.renders) == (1, 1)


def test_changed_data_and_content_make_a_new_draft(stub_report):
    programme = factories.programme(starts_on=AS_OF - timedelta(days=30))
    first = _sponsor_report(programme)
    _touch(programme)
    stub_report.note = "Second version"
    second = _sponsor_report(programme)
    assert second.id != first.id
    assert second.fingerprint != first.fingerprint
    assert second.data_stamp != first.data_stamp
    assert (stub_report.builds, stub_report.renders) == (2, 2)


def test_changed_data_with_the_same_content_reuses_the_pdf(stub_report):
    programme = factories.programme(starts_on=AS_OF - timedelta(days=30))
    first = _sponsor_report(programme)
    old_stamp = first.data_stamp
    _touch(programme)
    second = _sponsor_report(programme)
    assert second.id == first.id
    assert second.data_stamp != old_stamp
    assert (stub_report.builds, stub_report.renders) == (2, 1)
    assert _sponsor_report(programme).id == first.id
    assert stub_report.builds == 2


def test_a_new_survey_response_changes_the_stamp(stub_report):
    world = survey_world()
    programme = world["programme"]
    before = store.data_stamp(programme.id)
    assert store.data_stamp(programme.id) == before
    db.session.add(
        Response(
            wave_id=world["wave"].id,
            team_id=world["billing"].id,
            submitted_on=clock.today(),
            source=ResponseSource.LINK,
        )
    )
    db.session.flush()
    assert store.data_stamp(programme.id) != before


def test_another_programmes_responses_leave_the_stamp_alone(stub_report):
    world = survey_world()
    other = factories.programme(name="Other")
    before = store.data_stamp(other.id)
    db.session.add(
        Response(
            wave_id=world["wave"].id,
            team_id=world["billing"].id,
            submitted_on=clock.today(),
            source=ResponseSource.LINK,
        )
    )
    db.session.flush()
    assert store.data_stamp(other.id) == before


def test_each_key_has_its_own_draft(stub_report):
    world = survey_world()
    programme = world["programme"]
    billing = store.report_pdf(ReportKind.TEAM_ADOPTION, programme, AS_OF, world["billing"].id)
    records = store.report_pdf(ReportKind.TEAM_ADOPTION, programme, AS_OF, world["records"].id)
    sponsor = _sponsor_report(programme)
    earlier = store.report_pdf(ReportKind.SPONSOR_PROGRESS, programme, AS_OF - timedelta(1))
    assert len({billing.id, records.id, sponsor.id, earlier.id}) == 4
    assert stub_report.renders == 4


def test_publish_keeps_an_unchanged_copy_after_the_data_changes(stub_report):
    publisher = factories.user(name="Pat Publisher")
    programme = factories.programme(admin=publisher, starts_on=AS_OF - timedelta(days=30))
    draft = _sponsor_report(programme)
    published = store.publish(draft, publisher)
    assert published.id != draft.id
    assert published.is_published and published.published_at is not None
    assert published.created_by_id == publisher.id
    assert published.pdf == draft.pdf
    assert published.fingerprint == draft.fingerprint
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.published")
    ).one()
    assert event.entity_id == published.id and event.programme_id == programme.id
    original_pdf = published.pdf

    for version in range(1, 6):
        _touch(programme)
        stub_report.note = f"Version {version}"
        _sponsor_report(programme)

    db.session.expire_all()
    kept = db.session.get(Report, published.id)
    assert kept.pdf == original_pdf and kept.is_published
    assert [report.id for report in store.published_reports(programme)] == [published.id]
    drafts = db.session.scalars(
        select(Report).where(Report.programme_id == programme.id, Report.is_published.is_(False))
    ).all()
    assert len(drafts) == store.DRAFTS_KEPT


def test_publishing_does_not_invalidate_the_cached_draft(stub_report):
    programme = factories.programme(starts_on=AS_OF - timedelta(days=30))
    draft = _sponsor_report(programme)
    store.publish(draft, None)
    assert _sponsor_report(programme).id == draft.id
    assert stub_report.builds == 1


def test_a_published_pdf_is_lent_to_a_new_draft_of_the_same_content(stub_report):
    programme = factories.programme(starts_on=AS_OF - timedelta(days=30))
    draft = _sponsor_report(programme)
    published = store.publish(draft, None)
    db.session.delete(draft)
    _touch(programme)
    again = _sponsor_report(programme)
    assert again.id not in (draft.id, published.id)
    assert not again.is_published
    assert again.pdf == published.pdf
    assert stub_report.renders == 1


def test_history_lists_published_reports_newest_first_with_the_publisher(stub_report):
    publisher = factories.user(name="Pat Publisher")
    programme = factories.programme(admin=publisher, starts_on=AS_OF - timedelta(days=30))
    first = store.publish(_sponsor_report(programme), publisher)
    _touch(programme)
    stub_report.note = "Later"
    second = store.publish(_sponsor_report(programme), publisher)
    history = store.published_reports(programme)
    assert [report.id for report in history] == [second.id, first.id]
    assert history[0].created_by.name == "Pat Publisher"


def test_filenames_name_programme_kind_team_and_date(stub_report):
    world = survey_world()
    programme = world["programme"]
    programme.name = "Back-Office Optimisation"
    sponsor = _sponsor_report(programme)
    team = store.report_pdf(ReportKind.TEAM_ADOPTION, programme, AS_OF, world["billing"].id)
    wave = store.report_pdf(ReportKind.SURVEY_WAVE, programme, AS_OF, wave_id=world["wave"].id)
    day = AS_OF.isoformat()
    assert store.report_filename(programme, sponsor) == (
        f"back-office-optimisation-sponsor-progress-{day}.pdf"
    )
    assert store.report_filename(programme, team) == (
        f"back-office-optimisation-team-adoption-billing-{day}.pdf"
    )
    assert store.report_filename(programme, wave) == (
        f"back-office-optimisation-survey-wave-pulse-1-{day}.pdf"
    )


def test_svg_safe_takes_only_svg():
    assert str(store.svg_safe('<svg viewBox="0 0 1 1"></svg>')).startswith("<svg")
    with pytest.raises(ValueError):
        store.svg_safe("<script>alert(1)</script>")


def test_a_sponsor_draft_is_built_again_once_an_earlier_report_is_published(stub_report):
    # The draft compares its figures with the latest published sponsor report before it.
    programme = factories.programme(starts_on=AS_OF - timedelta(days=30))
    _sponsor_report(programme)
    earlier = store.report_pdf(ReportKind.SPONSOR_PROGRESS, programme, AS_OF - timedelta(days=7))
    store.publish(earlier, None)
    _sponsor_report(programme)
    assert stub_report.builds == 3
