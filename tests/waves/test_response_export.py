"""Exporting a wave's raw responses: anonymity applied, no cell that can run a formula."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from transform.extensions import db
from transform.models import (
    Answer,
    Instrument,
    Item,
    Membership,
    Programme,
    ProgrammeStatus,
    Response,
    Role,
    Team,
    User,
    Wave,
    WaveTeam,
)
from transform.scoring.anonymity import withheld_rows
from transform.spreadsheets import FORMULA_STARTS, safe_cell
from transform.wave_data.exporting import (
    ResponseRecord,
    build_export,
    filename,
    slug,
)

# Escaping, pure


def test_formula_starts_are_those_owasp_lists():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def test_every_first_character_is_escaped_exactly_when_it_starts_a_formula():
    for code_point in range(0x110000):
        first = chr(code_point)
        text = first + "1+1"
        expected = "'" + text if first in FORMULA_STARTS else text
        assert safe_cell(text) == expected, repr(first)
        assert safe_cell(first) == ("'" + first if first in FORMULA_STARTS else first)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("-2+3", "'-2+3"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("'=already quoted", "'=already quoted"),
        ("Fine, =1+1 inside", "Fine, =1+1 inside"),
        (" =1+1", " =1+1"),
        ("", ""),
    ],
)
def test_text_cells(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", [-2, 0, 3, -1.5, None, True, date(2026, 3, 4)])
def test_values_that_are_not_text_are_left_alone(value):
    assert safe_cell(value) is value


# Building the export, pure


def _record(team_id: int, team: str, day: int, values, comment=None) -> ResponseRecord:
    return ResponseRecord(team_id, team, date(2026, 3, day), tuple(values), comment)


def test_teams_are_withheld_below_the_threshold_and_comments_blanked_below_theirs():
    records = [
        _record(1, "Billing", 5, (4, 5), "Billing one"),
        _record(1, "Billing", 3, (2, None), "Billing two"),
        _record(1, "Billing", 3, (1, 3)),
        _record(1, "Billing", 4, (5, 5)),
        _record(2, "Intake", 6, (3, 3), "Intake says"),
        _record(2, "Intake", 6, (3, 2)),
        _record(2, "Intake", 7, (None, 4)),
        _record(3, "Records", 8, (5, 5), "Records says"),
        _record(3, "Records", 8, (1, 1)),
        _record(4, "Scanning", 8, (1, 1)),
        _record(4, "Scanning", 8, (2, 1)),
        _record(4, "Scanning", 9, (3, 1)),
    ]
    parents = {1: None, 2: None, 3: None, 4: None}
    export = build_export("Programme", "March", ["AW1", "DE1"], records, parents, 3, 4)
    assert export.header == ("wave", "team_id", "team", "submitted_on", "AW1", "DE1", "comment")
    assert export.rows == [
        ("March", "", "Billing", date(2026, 3, 3), 1, 3, None),
        ("March", "", "Billing", date(2026, 3, 3), 2, None, "Billing two"),
        ("March", "", "Billing", date(2026, 3, 4), 5, 5, None),
        ("March", "", "Billing", date(2026, 3, 5), 4, 5, "Billing one"),
        ("March", "", "Scanning", date(2026, 3, 8), 1, 1, None),
        ("March", "", "Scanning", date(2026, 3, 8), 2, 1, None),
        ("March", "", "Scanning", date(2026, 3, 9), 3, 1, None),
    ]
    # Records has 2 responses; the wave's figure minus the rest would give them away,
    # so the next smallest team (Intake, 3) is withheld too.
    assert export.omitted_teams == ["Intake", "Records"]
    # Scanning is below the comment threshold too, but had no comment to withhold.
    assert export.comments_withheld == []


@pytest.mark.parametrize(
    ("counts", "parents", "withheld"),
    [
        ({1: 5, 2: 9}, {}, set()),
        ({1: 2, 2: 3, 3: 10}, {}, {1, 2}),
        # Two small teams that together reach the threshold hide each other.
        ({1: 3, 2: 2, 3: 10, 4: 12}, {}, {1, 2}),
        ({1: 2, 2: 1, 3: 10}, {}, {1, 2, 3}),
        ({1: 1, 2: 2}, {}, {1, 2}),
        # A small child: its sibling goes, or parent minus sibling gives it away.
        ({11: 2, 12: 8, 20: 6}, {11: 10, 12: 10, 10: None, 20: None}, {11, 12}),
        # A parent's own responses count in its subtree's figure like a sibling's.
        ({10: 6, 11: 2, 20: 20}, {11: 10, 10: None, 20: None}, {10, 11}),
        # Grandchildren roll up through their parent into the grandparent.
        ({111: 4, 112: 30, 12: 40}, {111: 11, 112: 11, 11: 1, 12: 1, 1: None}, {111, 112}),
    ],
)
def test_teams_withheld_so_that_no_figure_gives_a_small_team_away(counts, parents, withheld):
    assert withheld_rows(counts, parents, 5) == withheld


def test_the_row_order_does_not_follow_arrival():
    first = [_record(1, "Billing", 3, (5,)), _record(1, "Billing", 3, (1,))]
    export_a = build_export("P", "W", ["AW1"], first, {}, 1, 1)
    export_b = build_export("P", "W", ["AW1"], list(reversed(first)), {}, 1, 1)
    assert export_a.rows == export_b.rows


def test_filenames_are_slugged():
    export = build_export("Back-office: Legal & Finance", "Wave 2 / März", [], [], {}, 5, 10)
    assert filename(export, "csv") == "back-office-legal-finance-wave-2-m-rz-responses.csv"
    assert slug("!!!") == "wave"


# Through the app


@pytest.fixture
def wave(auth, db):
    """Thresholds 3 and 5; a wave's teams and their responses.

    Billing 5 (comments shown), Intake 4 (comments blanked), +Ops 6, Scanning 3 (withheld:
    the next smallest after Records), Records 2 (withheld: below 3), Empty 0.
    """
    admin = factories.user("pmo@example.com", name="Pam PMO")
    sponsor = factories.user("sponsor@example.com", name="Sam Sponsor")
    agent = factories.user("agent@example.com", name="Ari Agent")
    factories.user("outsider@example.com", name="Olly Outsider")
    programme = factories.programme(
        admin=admin,
        members={sponsor: Role.SPONSOR, agent: Role.CHANGE_AGENT},
        name="Back-office optimisation",
    )
    programme.anonymity_threshold, programme.comment_threshold = 3, 5
    instrument = Instrument(name="Export test pulse")
    instrument.items = [
        Item(position=1, code="AW1", text="I understand why.", dimension="awareness"),
        Item(
            position=2,
            code="KN1",
            text="I know how.",
            dimension="knowledge",
            scale_points=7,
            allows_dont_know=True,
        ),
    ]
    hr_ids = {"Billing": "LS-120", "Intake": "LS-130", "+Ops": "LS-150", "Scanning": "LS-160"}
    teams = {
        name: Team(name=name, headcount=10, external_id=hr_ids.get(name))
        for name in ("Billing", "Intake", "+Ops", "Scanning", "Records", "Empty")
    }
    db.session.add_all([instrument, *teams.values()])
    db.session.flush()
    record = Wave(
        programme_id=programme.id,
        instrument_id=instrument.id,
        name="March pulse",
        opens_on=date(2026, 3, 2),
        closes_on=date(2026, 3, 20),
    )
    record.teams = [WaveTeam(team_id=team.id) for team in teams.values()]
    db.session.add(record)
    db.session.flush()
    aw1, kn1 = instrument.items
    rows = [
        ("Billing", 3, 4, 6, '=HYPERLINK("http://evil.example","click")'),
        ("Billing", 4, 5, "-", "-2+3"),
        ("Billing", 5, 2, 7, "@SUM(A1)"),
        ("Billing", 6, 1, 1, "\t=cmd"),
        ("Billing", 6, 3, 3, "Fine +1"),
        ("Intake", 3, 3, 3, "Intake: shown only from 5"),
        ("Intake", 4, 3, 4, None),
        ("Intake", 5, 4, None, None),
        ("Intake", 5, 5, 5, None),
        *[("+Ops", 9, 5, 5, None)] * 6,
        *[("Scanning", 10, 2, 2, "Scanning: withheld")] * 3,
        ("Records", 3, 1, 1, "Records: secret"),
        ("Records", 4, 2, 2, None),
    ]
    for team, day, aw1_value, kn1_value, comment in rows:
        response = Response(
            wave_id=record.id,
            team_id=teams[team].id,
            submitted_on=date(2026, 3, day),
            comment=comment,
        )
        response.answers = [Answer(item_id=aw1.id, value=aw1_value)]
        if kn1_value != "-":  # "-": unanswered, no answer row; None: don't know
            response.answers.append(Answer(item_id=kn1.id, value=kn1_value))
        db.session.add(response)
    db.session.flush()
    auth.login("pmo@example.com")
    return record


def _url(wave: Wave, extension: str) -> str:
    return f"/programmes/{wave.programme_id}/waves/{wave.id}/responses.{extension}"


EXPECTED = [
    ["wave", "team_id", "team", "submitted_on", "AW1", "KN1", "comment"],
    *[["March pulse", "LS-150", "'+Ops", "2026-03-09", "5", "5", ""]] * 6,
    ["March pulse", "LS-120", "Billing", "2026-03-03", "4", "6", '\'=HYPERLINK("http://evil.example","click")'],
    ["March pulse", "LS-120", "Billing", "2026-03-04", "5", "", "'-2+3"],
    ["March pulse", "LS-120", "Billing", "2026-03-05", "2", "7", "'@SUM(A1)"],
    ["March pulse", "LS-120", "Billing", "2026-03-06", "1", "1", "'\t=cmd"],
    ["March pulse", "LS-120", "Billing", "2026-03-06", "3", "3", "Fine +1"],
    ["March pulse", "LS-130", "Intake", "2026-03-03", "3", "3", ""],
    ["March pulse", "LS-130", "Intake", "2026-03-04", "3", "4", ""],
    ["March pulse", "LS-130", "Intake", "2026-03-05", "4", "", ""],
    ["March pulse", "LS-130", "Intake", "2026-03-05", "5", "5", ""],
]  # fmt: skip


def test_csv_export(client, wave):
    response = client.get(_url(wave, "csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="back-office-optimisation-march-pulse-responses.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows == EXPECTED
    text = response.data.decode("utf-8-sig")
    for withheld in ("Records", "Scanning", "Intake: shown only from 5"):
        assert withheld not in text


def test_xlsx_export(client, wave):
    response = client.get(_url(wave, "xlsx"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="back-office-optimisation-march-pulse-responses.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Responses", "About"]
    sheet = workbook["Responses"]
    values = [
        ["" if value is None else value for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    as_text = [
        [value.isoformat()[:10] if hasattr(value, "isoformat") else str(value) for value in row]
        for row in values
    ]
    # In a workbook text is text: written as it is, without the CSV's apostrophe.
    assert as_text == [[_unescaped(value) for value in row] for row in EXPECTED]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    formula_like = [cell for cell in cells if str(cell.value)[:1] in ("=", "+", "-", "@", "\t")]
    assert len(formula_like) == 10 and all(cell.data_type == "s" for cell in formula_like)
    assert sheet["D2"].is_date and sheet["E2"].value == 5 and sheet["E2"].data_type == "n"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{len(EXPECTED)}"
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Teams left out"] == "Records; Scanning"
    assert about["Teams whose comments are blanked"] == "Intake"
    assert about["Responses in this file"] == 15
    assert about["Anonymity threshold"].startswith("3: teams with fewer responses are left out")
    assert about["Comment threshold"].startswith("5: ")
    assert "secret" not in str(about) and "withheld:" not in str(about)


def _unescaped(value: str) -> str:
    return value[1:] if value[:2] in ("'=", "'+", "'-", "'@", "'\t") else value


def test_an_empty_wave_exports_a_header(client, wave):
    programme = db.session.get(Programme, wave.programme_id)
    programme.anonymity_threshold, programme.comment_threshold = 20, 20
    db.session.flush()
    rows = list(csv.reader(io.StringIO(client.get(_url(wave, "csv")).data.decode("utf-8-sig"))))
    assert rows == [EXPECTED[0]]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("pmo@example.com", 200),
        ("sponsor@example.com", 200),
        ("agent@example.com", 403),
        ("outsider@example.com", 404),
    ],
)
def test_who_may_export(client, auth, wave, email, status, extension):
    auth.logout()
    auth.login(email)
    assert client.get(_url(wave, extension)).status_code == status


def test_an_archived_programme_still_exports(client, wave):
    db.session.get(Programme, wave.programme_id).status = ProgrammeStatus.ARCHIVED
    db.session.flush()
    assert client.get(_url(wave, "csv")).status_code == 200


def test_a_wave_of_another_programme_is_not_found(client, wave):
    pmo = db.session.scalar(select(User).where(User.email == "pmo@example.com"))
    other = factories.programme(name="Other")
    db.session.add(Membership(programme=other, user=pmo, role=Role.ADMIN))
    db.session.flush()
    assert client.get(f"/programmes/{other.id}/waves/{wave.id}/responses.csv").status_code == 404
