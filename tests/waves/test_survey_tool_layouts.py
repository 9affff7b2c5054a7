"""Survey tools' exports import as they come: their extra header rows skipped by
themselves, their columns suggested, their dates read as the tool writes them, and a
grown export imported again adds only the new responses.

The fixtures under tests/fixtures/survey_tools are shaped as each tool exports: Qualtrics'
three header rows (export tags, question text, import ids), SurveyMonkey's two (a matrix
question named once above its first column, then "Response" and the statements),
Google Forms' `Question [statement]`, LimeSurvey's `GROUP[CODE]` separated by
semicolons, and Microsoft Forms' workbook.
"""

from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.waves import test_response_import
from tests.waves.test_response_import import FIXTURES, SPECS, _mapping_form, _token, _upload, _url
from transform.extensions import db
from transform.models import AuditEvent, Response, SourceIdHash, SourceIdSalt, Team
from transform.wave_data import layouts
from transform.wave_data.import_files import read_table
from transform.wave_data.suggesting import suggest_mapping

TOOLS = FIXTURES / "survey_tools"
#: The import wave of the response import's tests: its items, teams and dates.
survey = test_response_import.survey

# file, tool recognised, rows skipped with why, (team, day, answers by code) per response
EXPORTS = [
    (
        "qualtrics.csv",
        "Qualtrics",
        [(2, "holds each question's text"), (3, "holds Qualtrics import ids")],
        [
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": 6, "AB2": 4}),
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": 2}),
            ("Intake", date(2026, 3, 4), {"AW1": 1, "DE1": 3, "KN3": 5, "AB2": 2}),
            ("Intake", date(2026, 3, 5), {"AW1": 3, "DE1": 3, "KN3": 4, "AB2": 5}),
        ],
    ),
    (
        "surveymonkey.csv",
        "SurveyMonkey",
        [(2, "names each question's options, or “Response”")],
        [
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": 6, "AB2": 4}),
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": None}),
            ("Intake", date(2026, 3, 4), {"AW1": 1, "DE1": 3, "KN3": 5, "AB2": 2}),
        ],
    ),
    (
        "google_forms.csv",
        "Google Forms",
        [],
        [
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": 6, "AB2": 4}),
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": 7}),
            ("Intake", date(2026, 3, 4), {"AW1": 1, "DE1": 3, "KN3": 5, "AB2": 2}),
        ],
    ),
    (
        "limesurvey.csv",
        "LimeSurvey",
        [],
        [
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": 6, "AB2": 4}),
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": 7}),
            ("Intake", date(2026, 3, 4), {"AW1": 1, "DE1": 3, "KN3": 5, "AB2": 2}),
        ],
    ),
    (
        "microsoft_forms.xlsx",
        "Microsoft Forms",
        [],
        [
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": 6, "AB2": 4}),
            ("Billing", date(2026, 3, 3), {"AW1": 4, "DE1": 5, "KN3": None}),
            ("Intake", date(2026, 3, 4), {"AW1": 1, "DE1": 3, "KN3": 5, "AB2": 2}),
        ],
    ),
]


@pytest.mark.parametrize(("filename", "tool", "skipped", "_responses"), EXPORTS)
def test_each_layout_is_recognised_and_its_extra_rows_skipped(filename, tool, skipped, _responses):
    table = read_table(filename, (TOOLS / filename).read_bytes())
    assert table.tool == tool
    assert [(row.line, row.why) for row in table.skipped] == skipped
    first_answers = 2 + len(skipped)
    assert table.rows[0].line == first_answers


@pytest.mark.parametrize(("filename", "tool", "_skipped", "_responses"), EXPORTS)
def test_every_item_is_suggested_from_codes_or_statements(filename, tool, _skipped, _responses):
    table = read_table(filename, (TOOLS / filename).read_bytes())
    mapping = suggest_mapping(
        table.headers, SPECS, table.statements, layouts.RESPONSE_ID_HEADERS.get(tool)
    )
    labels = table.labels()
    suggested = {item.code: labels[mapping.items[item.id]] for item in SPECS}
    assert all(suggested.values()) and len(set(suggested.values())) == len(SPECS)
    assert mapping.team is not None and mapping.day is not None and mapping.comment is not None
    assert (mapping.response_id is None) == (tool == "Google Forms")


@pytest.mark.parametrize(("filename", "tool", "skipped", "responses"), EXPORTS)
def test_each_export_imports_untouched_with_the_suggested_columns(
    client, survey, filename, tool, skipped, responses
):
    token = _token(_upload(client, survey, (TOOLS / filename).read_bytes(), filename))
    page = client.get(_url(survey) + f"?upload={token}")
    html = unescape(page.data.decode())
    assert page.status_code == 200, html[:3000]
    assert f"Recognised as a {tool} export." in html
    for line, why in skipped:
        assert f"Row {line} {why}: skipped." in html
    imported = client.post(_url(survey), data=_mapping_form(client, survey, token))
    assert imported.status_code == 303
    teams = {team.id: team.name for team in db.session.scalars(select(Team))}
    codes = {item.id: item.code for item in survey.instrument.items}
    stored = db.session.scalars(select(Response)).all()
    # Response ids are random (nothing orders them by arrival), so compare as sets of rows.
    assert sorted(
        (
            (teams[r.team_id], r.submitted_on, {codes[a.item_id]: a.value for a in r.answers})
            for r in stored
        ),
        key=repr,
    ) == sorted(responses, key=repr)


def test_surveymonkey_dates_are_month_first_because_the_layout_says_so(client, survey):
    token = _token(_upload(client, survey, (TOOLS / "surveymonkey.csv").read_bytes()))
    html = unescape(client.get(_url(survey) + f"?upload={token}").data.decode())
    assert "Month/day/year: SurveyMonkey exports write dates month first." in html
    assert '03/04/2026 02:24:31 PM <span class="reads-as">→ 4 March 2026</span>' in html


def test_the_same_dates_without_the_surveymonkey_layout_are_asked_about(client, survey):
    plain = b"Team,End Date,AW1,DE1,KN3\nBilling,03/04/2026 02:24:31 PM,4,4,4\n"
    token = _token(_upload(client, survey, plain))
    page = client.get(_url(survey) + f"?upload={token}")
    assert page.status_code == 422
    assert "no date in the file settles which: choose the order of day and month" in unescape(
        page.data.decode()
    )


def _grown(rows: int) -> bytes:
    """The SurveyMonkey export as it stood after its first `rows` responses."""
    lines = (TOOLS / "surveymonkey.csv").read_bytes().split(b"\r\n")
    return b"\r\n".join(lines[: 2 + rows]) + b"\r\n"


def test_a_grown_export_imported_again_adds_only_the_new_responses(client, survey):
    first = _token(_upload(client, survey, _grown(1), "monkey-monday.csv"))
    assert client.post(_url(survey), data=_mapping_form(client, survey, first)).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1

    grown = _token(_upload(client, survey, _grown(3), "monkey-wednesday.csv"))
    page = unescape(client.get(_url(survey) + f"?upload={grown}").data.decode())
    assert (
        "1 response of this file was imported into this wave before (the same response ids): "
        "it is skipped, and 2 new ones are imported."
    ) in page
    response = client.post(_url(survey), data=_mapping_form(client, survey, grown))
    assert response.status_code == 303
    with client.session_transaction() as session:
        [(_category, message)] = session["_flashes"]
    assert message == (
        "Imported 2 responses from monkey-wednesday.csv into March pulse: Billing 1, Intake 1. "
        "Skipped 1 imported before."
    )
    assert db.session.scalar(select(func.count()).select_from(Response)) == 3
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [event.after["skipped_as_imported_before"] for event in events] == [0, 1]

    # The same responses through another collector: not the same file, nothing new.
    resent = _grown(3).replace(b"431870012", b"431870013")
    again = _token(_upload(client, survey, resent, "monkey-again.csv"))
    refused = client.get(_url(survey) + f"?upload={again}")
    assert refused.status_code == 422
    assert "Every response in this file (3) was imported into this wave before" in unescape(
        refused.data.decode()
    )


def test_response_ids_are_kept_only_as_salted_hashes_apart_from_responses(client, survey):
    token = _token(_upload(client, survey, (TOOLS / "surveymonkey.csv").read_bytes()))
    assert client.post(_url(survey), data=_mapping_form(client, survey, token)).status_code == 303
    hashes = db.session.scalars(select(SourceIdHash.id_hash)).all()
    assert len(hashes) == 3 and len(db.session.scalars(select(SourceIdSalt)).all()) == 1
    assert not any(
        source_id in stored
        for source_id in ("114261236025", "114261249871", "114261301544")
        for stored in hashes
    )
    assert hashes == sorted(hashes)
    assert set(SourceIdHash.__table__.columns.keys()) == {"wave_id", "id_hash"}


def test_a_response_id_on_two_rows_is_refused(client, survey):
    export = _grown(2).replace(b"114261249871", b"114261236025")
    token = _token(_upload(client, survey, export))
    page = client.get(_url(survey) + f"?upload={token}")
    assert page.status_code == 422
    assert "The response id “114261236025” is on more than one row." in unescape(
        page.data.decode()
    )
