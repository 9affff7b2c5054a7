"""The sponsor report's story: key messages and commentary written before publishing,
change since the last published report, and the decisions the sponsor must take."""

from datetime import datetime, time, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from tests import factories
from tests.factories import SUITE_DAY
from tests.survey_setup import survey_world
from transform.extensions import db
from transform.models import RaidItem, RaidKind, Report, ReportKind
from transform.phases import service as phases_service
from transform.reports import sponsor, store
from transform.reports.commentary import CommentaryForm
from transform.reports.headline import Headline, Previous, changes

DAY = SUITE_DAY - timedelta(days=1)
EARLIER = DAY - timedelta(days=14)
MESSAGES = [
    "Process redesign is on schedule.",
    "Billing adoption needs coaching.",
    "The vendor dependency needs a decision.",
]
HTMX = {"HX-Request": "true"}


def draft_row(programme, as_of, kind=ReportKind.SPONSOR_PROGRESS) -> Report:
    """A stored draft without rendering it: publishing renders the report anew."""
    report = Report(
        programme_id=programme.id,
        kind=kind,
        as_of=as_of,
        fingerprint="0" * 64,
        pdf=b"%PDF-1.4\n",
        page_count=1,
    )
    db.session.add(report)
    db.session.flush()
    return report


def _headline(**changed) -> Headline:
    values = dict(
        status="amber",
        phase="Process Redesign",
        phase_progress=40,
        adoption_index=55.0,
        adoption_n=40,
        kpis_on_track=2,
        kpis_total=4,
        high_risks=3,
    )
    return Headline(**(values | changed))


def _form(app, **fields) -> CommentaryForm:
    with app.test_request_context(method="POST"):
        form = CommentaryForm(formdata=MultiDict(fields), meta={"csrf": False})
        form.validate()
        return form


def test_every_figure_says_first_report_when_none_was_published():
    assert [c.delta for c in changes(_headline(), None)] == ["first report"] * 5


def test_changes_carry_arrow_delta_and_whether_it_is_better():
    before = Previous(1, EARLIER, _headline())
    now = _headline(status="red", phase_progress=55, adoption_index=60.4, high_risks=4)
    status, phase, adoption, kpis, risks = changes(now, before)
    assert (status.arrow, status.delta, status.tone) == ("down", "was Amber", "worse")
    assert (phase.arrow, phase.delta) == ("up", "+15 points")
    assert (adoption.arrow, adoption.delta, adoption.tone) == ("up", "+5 points", "better")
    assert (kpis.arrow, kpis.delta, kpis.now) == ("same", "unchanged", "2 of 4")
    # More high risks is worse, though the number went up.
    assert (risks.arrow, risks.delta, risks.tone) == ("up", "+1", "worse")
    withheld = changes(_headline(adoption_index=None), before)[2]
    assert (withheld.now, withheld.delta) == ("—", "no figure to compare")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"messages": "\n".join(f"Message {i}" for i in range(6))}, "messages", "at most (6"),
        ({"messages": "One\nTwo"}, "messages", "at least 3"),
        ({"messages": "One\n" + "x" * 201 + "\nThree"}, "messages", "Message 2 has 201"),
        ({"messages": "\n".join(MESSAGES), "risks": "x" * 1201}, "risks", "1200"),
    ],
)
def test_the_commentary_form_says_which_field_is_wrong(app, fields, field, message):
    form = _form(app, **fields)
    assert list(form.errors) == [field]
    assert message in " ".join(form.errors[field])


def test_publishing_keeps_the_commentary_and_the_next_report_compares_with_it(app, db):
    world = survey_world()
    programme = world["programme"]
    admin = factories.logged_in(app, "pmo@example.com")
    url = f"/programmes/{programme.id}/reports"
    first = draft_row(programme, EARLIER)
    page = admin.get(f"{url}/{first.id}/commentary").get_data(as_text=True)
    assert "Key messages" in page and MESSAGES[0] not in page

    too_many = {"messages": "\n".join(MESSAGES * 2)}
    refused = admin.post(f"{url}/{first.id}/publish", data=too_many)
    assert refused.status_code == 422
    assert "Keep to 5 key messages at most (6 given)." in refused.get_data(as_text=True)
    assert store.published_reports(programme) == []

    words = {"messages": "\n".join(MESSAGES), "adoption": "Records lag; coaching starts."}
    assert admin.post(f"{url}/{first.id}/publish", data=words).status_code == 303
    (published,) = store.published_reports(programme)
    assert published.commentary["messages"] == MESSAGES
    assert published.headline["high_risks"] == 0
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(published.pdf)).pages)
    assert MESSAGES[2] in text and "Records lag; coaching starts." in text

    # The next report compares with what the published one printed, not with live data.
    published.headline = published.headline | {"high_risks": 2}
    db.session.add(
        RaidItem(
            programme_id=programme.id,
            kind=RaidKind.RISK,
            title="Vendor late",
            severity=4,
            likelihood=4,
            due_on=DAY - timedelta(days=2),
            created_at=datetime.combine(EARLIER, time(9)),
            recommendation="Fund a second vendor.",
        )
    )
    db.session.flush()
    content = sponsor.build(programme, DAY)
    risks = content.context["changes"][4]
    assert (risks.now, risks.delta, risks.tone) == ("1", "-1", "better")
    assert content.context["previous"].as_of == EARLIER
    (decision,) = content.context["decisions"]
    assert decision.title == "Overdue high risk: Vendor late"
    assert decision.since == DAY - timedelta(days=2)
    assert decision.recommendation == "Fund a second vendor."

    # The last published text is offered as the start of the next commentary.
    second = draft_row(programme, DAY)
    page = admin.get(f"{url}/{second.id}/commentary").get_data(as_text=True)
    assert MESSAGES[1] in page and "Records lag; coaching starts." in page


def test_only_the_pmo_reads_that_a_draft_has_no_commentary_yet(app, db):
    world = survey_world()
    programme = world["programme"]
    url = f"/programmes/{programme.id}/reports/sponsor-progress/prepare"
    draft = store.report_pdf(ReportKind.SPONSOR_PROGRESS, programme, DAY)
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(draft.pdf)).pages)
    assert "commentary" not in text.lower()
    for email, shown in (("pmo@example.com", True), ("sponsor@example.com", False)):
        client = factories.logged_in(app, email)
        html = client.post(url, data={"as_of": DAY}, headers=HTMX).get_data(as_text=True)
        assert ("No commentary yet" in html) is shown
        assert "Download PowerPoint" in html


def test_a_gate_recommendation_is_printed_with_the_decision(app, db):
    world = survey_world()
    programme = world["programme"]
    gate = programme.phases[0].gate
    phases_service.submit_gate(gate, world["pmo"], programme.id)
    gate.recommendation = "Approve, with training moved to week 3."
    db.session.flush()
    (decision,) = sponsor.build(programme, SUITE_DAY).context["decisions"]
    assert decision.title == f"Gate decision: {programme.phases[0].name}"
    assert (decision.since, decision.recommendation) == (
        SUITE_DAY,
        "Approve, with training moved to week 3.",
    )
