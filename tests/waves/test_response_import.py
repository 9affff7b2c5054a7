"""Importing survey responses from another tool's export: all or nothing, every bad row listed."""

import io
import re
from datetime import date, datetime
from html import unescape
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests import factories
from tests.statements import sent_statements
from transform import pending_uploads
from transform.answers import UNANSWERED, ItemSpec, read_answer
from transform.extensions import db
from transform.models import (
    Answer,
    AuditEvent,
    Instrument,
    Item,
    Membership,
    Programme,
    ProgrammeStatus,
    Response,
    ResponseSource,
    Role,
    Team,
    User,
    Wave,
    WaveCollection,
    WaveTeam,
)
from transform.value_reading import DateOrder, date_text
from transform.wave_data import import_files, importing
from transform.wave_data.import_files import Row, Table, read_table
from transform.wave_data.importing import (
    ColumnMapping,
    ImportRefused,
    MappingProblem,
    TeamMatch,
    TeamRef,
    check_mapping,
    check_responses,
    default_day,
)
from transform.wave_data.suggesting import suggest_mapping

FIXTURES = Path(__file__).parent.parent / "fixtures"
OPENS, CLOSES = date(2026, 3, 2), date(2026, 3, 20)

# The items of the test instrument, as (code, text, scale, required, don't know allowed).
ITEMS = [
    ("AW1", "I understand why the way we work is changing.", 5, True, False),
    ("DE1", "I want this change to succeed.", 5, True, False),
    ("KN3", "I know where to get help when I am unsure what to do.", 7, True, True),
    ("AB2", "I have time to practise the new way of working.", 5, False, True),
]
SPECS = [ItemSpec(id_, *spec) for id_, spec in enumerate(ITEMS, start=1)]
AW1, DE1, KN3, AB2 = SPECS
TEAMS = [
    TeamRef(10, "Billing", "LS-120", True),
    TeamRef(11, "Intake", "LS-130", True),
    TeamRef(12, "Records", "LS-140", False),
]


# Column labels of the fixture files
TEAM, DAY = "F · Team", "C · Completion time"
COL_AW1 = "G · I understand why the way we work is changing."
COL_DE1 = "H · I want this change to succeed."
COL_KN3 = "I · I know where to get help when I am unsure what to do."
COL_AB2 = "J · I have time to practise the new way of working."
NOT_AN_ANSWER = "“Maybe” is not an answer: give a number from 1–5 or a label such as “Agree”."
DK_REFUSED = "“Don't know” (don't know) is not allowed for this item."
NOT_A_DATE = "“31/02/2026” is not a date: write it as 2026-03-31 or 31/03/2026."
OUTSIDE = "2026-04-01 is outside the wave, 2026-03-02 to 2026-03-20."
FIXTURE_PROBLEMS = [
    ("Row 3", COL_AW1, "AW1: 6 is outside the item's scale (1–5)."),
    ("Row 4", COL_AW1, f"AW1: {NOT_AN_ANSWER}"),
    ("Row 5", TEAM, "Unknown team “Payroll”."),
    ("Row 6", TEAM, "Team “Records” is not one of the teams this wave surveys."),
    ("Row 7", COL_DE1, "DE1: the answer is missing and the item is required."),
    ("Row 8", COL_AW1, f"AW1: {DK_REFUSED}"),
    ("Row 9", DAY, NOT_A_DATE),
    ("Row 10", DAY, OUTSIDE),
    ("Row 11", TEAM, "The team is missing."),
    ("Row 11", COL_AW1, "AW1: 0 is outside the item's scale (1–5)."),
    ("Row 11", COL_DE1, "DE1: “Somewhat agree” is not on the item's 5-point scale."),
    ("Row 11", COL_KN3, "KN3: 8 is outside the item's scale (1–7)."),
    ("Row 11", COL_AB2, "AB2: 4.5 is not a whole number on the item's scale (1–5)."),
]


def _table(*lines: str, header: str = "Team,AW1,DE1,KN3,AB2") -> Table:
    return read_table("export.csv", (header + "\n" + "\n".join(lines) + "\n").encode())


def _mapping(**overrides) -> ColumnMapping:
    values = dict(items={1: 1, 2: 2, 3: 3, 4: 4}, team=0)
    return ColumnMapping(**(values | overrides))


def _check(table: Table, mapping: ColumnMapping | None = None, teams=TEAMS, order=None):
    return check_responses(
        table, mapping or _mapping(), SPECS, teams, (OPENS, CLOSES), date(2026, 3, 20), order
    )


def _refusal(table: Table, mapping: ColumnMapping | None = None, teams=TEAMS, order=None):
    with pytest.raises(ImportRefused) as refused:
        _check(table, mapping, teams, order)
    return [(p.where, p.column, p.message) for p in refused.value.problems]


def _days(*days: str) -> list[date]:
    """The days of one-response-a-day rows, read as the response import reads them."""
    table = _table(*(f"Billing,4,4,4,4,{day}" for day in days), header="Team,AW1,DE1,KN3,AB2,Date")
    return table, _mapping(day=5)


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Reading, checking and mapping are pure


def test_reading_and_checking_need_neither_flask_nor_the_database():
    import ast
    import inspect

    from transform import answers
    from transform.wave_data import exporting, layouts, suggesting
    from transform.waves import answers as form_answers

    for module in (import_files, importing, answers, form_answers, exporting, layouts, suggesting):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"flask", "flask_wtf", "sqlalchemy"}, module
                assert not name.startswith(("transform.models", "transform.extensions")), module


def test_a_realistic_export_keeps_its_header_quirks_out_of_the_way():
    table = read_table("export.csv", (FIXTURES / "responses_good.csv").read_bytes())
    assert table.headers[:6] == ("ID", "Start time", "Completion time", "Email", "Name", "Team")
    assert table.headers[6] == "I understand why the way we work is changing."
    assert [row.line for row in table.rows] == [2, 3, 4, 5, 6]
    assert table.rows[3].cell(10) == "More time to practise, please,\nand fewer meetings."
    assert table.label(5) == "F · Team"
    long = read_table("export.csv", ("x" * 80 + ",Team\n1,Billing\n").encode())
    assert long.label(0) == "A · " + "x" * 59 + "…"
    assert long.label(1) == "B · Team"


def test_blank_rows_are_skipped_and_rows_keep_spreadsheet_numbers():
    data = b"Team;AW1\r\n\r\nBilling;4\r\n;\r\nIntake;5\r\n"
    table = read_table("EXPORT.CSV", data)
    assert table.rows == (Row(3, ("Billing", "4")), Row(5, ("Intake", "5")))


def test_a_windows_1252_file_is_read():
    data = "Team,Comment\nBilling,Très bien – merci\n".encode("cp1252")
    assert read_table("export.csv", data).rows[0].cells == ("Billing", "Très bien – merci")


def test_xlsx_cells_become_text_and_date_cells_read_as_days():
    data = _xlsx(
        [
            ["Team", "Completion time", "AW1"],
            ["Billing", datetime(2026, 3, 4, 9, 15), 4],
            ["LS-130", date(2026, 3, 5), 5.0],
        ]
    )
    table = read_table("forms.xlsx", data)
    assert [row.cells for row in table.rows] == [
        ("Billing", "2026-03-04 09:15:00", "4"),
        ("LS-130", "2026-03-05 00:00:00", "5"),
    ]
    assert date_text(table.rows[0].cells[1]).read(None) == date(2026, 3, 4)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("export.xls", b"\xd0\xcf\x11\xe0", "Upload a .csv or .xlsx file"),
        ("export.txt", b"Team\nBilling\n", "Upload a .csv or .xlsx file"),
        ("export.xlsx", b"Team\nBilling\n", "is named .xlsx but is not an Excel workbook."),
        ("export.xlsx", b"PK\x03\x04 broken", "could not be read as an Excel workbook"),
        ("export.csv", _xlsx([["Team"]]), "is named .csv but is not text"),
        ("export.csv", b"", "The file is empty."),
        ("export.csv", b",,\n,,\n", "The file is empty."),
        ("export.xlsx", _xlsx([]), "The file is empty."),
        ("export.csv", b"Team,AW1\n", "The file has a header row but no responses."),
        ("export.csv", b"Team\nCaf\x81\n", "not UTF-8 or Windows-1252"),
    ],
)
def test_whole_file_problems(filename, data, message):
    with pytest.raises(ImportRefused) as refused:
        read_table(filename, data)
    [problem] = refused.value.problems
    assert problem.where == "File" and message in problem.message


def test_too_many_rows(monkeypatch):
    assert import_files.MAX_ROWS == 20_000
    monkeypatch.setattr(import_files, "MAX_ROWS", 2)
    assert len(_table("Billing,4,4,4,4", "Billing,4,4,4,4").rows) == 2
    with pytest.raises(ImportRefused, match="more than 2 responses; split it"):
        _table("Billing,4,4,4,4", "Billing,4,4,4,4", "Billing,4,4,4,4")


@pytest.mark.parametrize(
    ("item", "text", "value"),
    [
        (AW1, "1", 1),
        (AW1, "5", 5),
        (AW1, "4.0", 4),  # as Excel writes a whole number
        (AW1, "Strongly disagree", 1),
        (AW1, "disagree", 2),
        (AW1, "NEITHER AGREE NOR DISAGREE", 3),
        (AW1, "Neutral", 3),
        (AW1, "agree", 4),
        (AW1, "Strongly  Agree", 5),
        (KN3, "7", 7),
        (KN3, "Strongly disagree", 1),
        (KN3, "Disagree", 2),
        (KN3, "Somewhat disagree", 3),
        (KN3, "Slightly disagree", 3),
        (KN3, "Neither agree nor disagree", 4),
        (KN3, "Somewhat agree", 5),
        (KN3, "Agree", 6),
        (KN3, "Strongly agree", 7),
        (KN3, "Don't know", None),
        (KN3, "Don’t know", None),
        (KN3, "DK", None),
        (KN3, "n/a", None),
        (AB2, "N/A", None),
        (AB2, "", UNANSWERED),
    ],
)
def test_answers_are_numbers_or_labels(item, text, value):
    answer = read_answer(item, text)
    assert answer.value is value or answer.value == value
    assert answer.refusal is None


@pytest.mark.parametrize(
    ("item", "text", "reason"),
    [
        (AW1, "", "the answer is missing and the item is required."),
        (AW1, "0", "0 is outside the item's scale (1–5)."),
        (AW1, "6", "6 is outside the item's scale (1–5)."),
        (AW1, "-1", "-1 is outside the item's scale (1–5)."),
        (KN3, "8", "8 is outside the item's scale (1–7)."),
        (AW1, "3.5", "3.5 is not a whole number on the item's scale (1–5)."),
        (AW1, "Maybe", "“Maybe” is not an answer: give a number from 1–5 or a label"),
        (AW1, "Somewhat agree", "“Somewhat agree” is not on the item's 5-point scale."),
        (AW1, "Don't know", "“Don't know” (don't know) is not allowed for this item."),
        (DE1, "DK", "“DK” (don't know) is not allowed for this item."),
    ],
)
def test_answers_that_cannot_be_read(item, text, reason):
    answer = read_answer(item, text)
    assert answer.value is None and answer.refusal and answer.message.startswith(reason)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-04", date(2026, 3, 4)),
        ("2026-03-04 09:15:00", date(2026, 3, 4)),
        ("2026-03-04T09:15:00Z", date(2026, 3, 4)),
        ("2026/3/4", date(2026, 3, 4)),
        ("4 Mar 2026", date(2026, 3, 4)),
        ("14/03/2026", date(2026, 3, 14)),
        ("14.03.2026", date(2026, 3, 14)),
        ("03/14/2026", date(2026, 3, 14)),  # month first: no month 14
        ("3/14/2026 9:15:30 AM", date(2026, 3, 14)),  # SurveyMonkey's date and time
        ("03/03/2026", date(2026, 3, 3)),  # day and month alike
        ("2026-03-02", OPENS),
        ("20/03/2026", CLOSES),
    ],
)
def test_a_day_that_reads_one_way_only_is_read(text, day):
    [checked] = _check(*_days(text))
    assert checked.submitted_on == day


@pytest.mark.parametrize(
    ("days", "order", "read"),
    [
        (("04/03/2026", "05/03/2026"), "dmy", [date(2026, 3, 4), date(2026, 3, 5)]),
        (("03/04/2026", "03/05/2026"), "mdy", [date(2026, 3, 4), date(2026, 3, 5)]),
        (("04/03/2026", "14/03/2026"), None, [date(2026, 3, 4), date(2026, 3, 14)]),
        (("03/04/2026", "03/14/2026 08:04:00 AM"), None, [date(2026, 3, 4), date(2026, 3, 14)]),
    ],
)
def test_days_that_could_be_swapped_are_read_as_chosen_or_as_the_file_settles(days, order, read):
    order = DateOrder(order) if order else None
    assert [checked.submitted_on for checked in _check(*_days(*days), order=order)] == read


def test_a_day_that_could_be_swapped_is_refused_with_its_rows_never_guessed():
    assert _refusal(*_days("04/03/2026", "05/03/2026", "2026-03-06")) == [
        (
            "Rows 2, 3",
            "F · Date",
            "04/03/2026 reads as 4 March 2026 (day first) or 3 April 2026 (month first), and "
            "no date in the file settles which: choose the order of day and month.",
        )
    ]
    assert _refusal(*_days("14/03/2026", "03/15/2026")) == [
        (
            "Rows 2, 3",
            "F · Date",
            "The dates are written both ways: 14/03/2026 (row 2) can only be read "
            "day/month/year, 03/15/2026 (row 3) only month/day/year. Write them all one way.",
        )
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "The date is missing."),
        ("31/02/2026", "“31/02/2026” is not a date"),
        ("4/3/26", "“4/3/26” has a two-digit year: write the year in full."),
        ("March 4th", "“March 4th” is not a date"),
        ("46085", "“46085” is not a date"),
        ("2026-03-01", "2026-03-01 is outside the wave, 2026-03-02 to 2026-03-20."),
        ("21/03/2026", "2026-03-21 is outside the wave"),
    ],
)
def test_days_that_cannot_be_used(text, reason):
    [(where, column, message)] = _refusal(*_days(text))
    assert (where, column) == ("Row 2", "F · Date") and message.startswith(reason)


def test_the_default_day_is_today_within_the_wave():
    assert default_day(OPENS, CLOSES, date(2026, 3, 10)) == date(2026, 3, 10)
    assert default_day(OPENS, CLOSES, date(2026, 6, 1)) == CLOSES
    assert default_day(OPENS, CLOSES, date(2026, 1, 1)) == OPENS


def test_a_mapping_is_suggested_from_codes_texts_and_usual_headers():
    headers = ["ID", "Completion time", "Email", "Team ", "aw1", "I WANT THIS CHANGE TO SUCCEED."]
    headers += ["Other", "Any other comments?"]
    assert suggest_mapping(headers, SPECS) == ColumnMapping(
        items={1: 4, 2: 5, 3: None, 4: None},
        team=3,
        team_match=TeamMatch.NAME,
        day=1,
        comment=7,
    )
    by_id = suggest_mapping(["Team ID", "AW1"], SPECS)
    assert (by_id.team, by_id.team_match, by_id.day, by_id.comment) == (
        0,
        TeamMatch.EXTERNAL_ID,
        None,
        None,
    )


def test_a_mapping_that_cannot_work_says_why_per_field():
    labels = ["A · Team", "B · AW1", "C · DE1", "D · KN3"]
    mapping = ColumnMapping(items={1: 1, 2: 1, 3: None, 4: None}, team=None, day=1, comment=0)
    assert check_mapping(mapping, SPECS, labels) == [
        MappingProblem("team", "Choose the column that names the team."),
        MappingProblem(3, "KN3 is required: choose the column with its answers."),
        MappingProblem(1, "Column B · AW1 is already chosen for the date."),
        MappingProblem(2, "Column B · AW1 is already chosen for the date."),
    ]
    nothing = ColumnMapping(items={1: None, 2: None, 3: None, 4: None}, team=0)
    assert MappingProblem("items", "Choose a column for at least one item.") in check_mapping(
        nothing, SPECS, labels
    )
    assert check_mapping(_mapping(), SPECS, labels + ["E · AB2"]) == []


def test_every_bad_row_is_listed_with_its_column_and_reason():
    table = read_table("export.csv", (FIXTURES / "responses_bad.csv").read_bytes())
    mapping = ColumnMapping(items={1: 6, 2: 7, 3: 8, 4: 9}, team=5, day=2, comment=10)
    assert _refusal(table, mapping) == FIXTURE_PROBLEMS


def test_good_rows_become_responses_with_only_team_day_answers_and_comment():
    table = read_table("export.csv", (FIXTURES / "responses_good.csv").read_bytes())
    mapping = ColumnMapping(items={1: 6, 2: 7, 3: 8, 4: 9}, team=5, day=2, comment=10)
    checked = _check(table, mapping)
    assert [(r.line, r.team_id, r.submitted_on) for r in checked] == [
        (2, 10, date(2026, 3, 3)),
        (3, 10, date(2026, 3, 3)),
        (4, 11, date(2026, 3, 4)),
        (5, 11, date(2026, 3, 5)),
        (6, 10, date(2026, 3, 9)),
    ]
    assert [r.answers for r in checked] == [
        {1: 4, 2: 5, 3: 6, 4: 4},
        {1: 4, 2: 5, 3: None},  # AB2 blank: unanswered, no answer at all
        {1: 1, 2: 3, 3: 5, 4: 2},
        {1: 3, 2: 3, 3: None, 4: 5},
        {1: 5, 2: 4, 3: 7, 4: None},
    ]
    assert checked[1].comment == "Training came too late for month end."
    assert checked[0].comment is None


def test_teams_match_by_external_id_exactly():
    table = _table("LS-120,4,4,4,4", "ls-130,4,4,4,4", "LS-140,4,4,4,4", "Billing,4,4,4,4")
    assert _refusal(table, _mapping(team_match=TeamMatch.EXTERNAL_ID)) == [
        ("Row 3", "A · Team", "Unknown team id “ls-130”."),
        ("Row 4", "A · Team", "Team id “LS-140” is not one of the teams this wave surveys."),
        ("Row 5", "A · Team", "Unknown team id “Billing”."),
    ]
    [checked] = _check(_table("LS-120,4,4,4,4"), _mapping(team_match=TeamMatch.EXTERNAL_ID))
    assert checked.team_id == 10


def test_a_name_shared_by_two_surveyed_teams_asks_for_ids():
    teams = [*TEAMS, TeamRef(13, "billing", "LS-900", True), TeamRef(14, "Intake", None, False)]
    assert _refusal(_table("Billing,4,4,4,4", "Intake,4,4,4,4"), teams=teams) == [
        ("Row 2", "A · Team", "Several of the wave's teams are named “Billing”: match by team id.")
    ]


def test_without_a_date_column_every_response_gets_the_default_day():
    checked = _check(_table("Billing,4,4,4,4"))
    assert checked[0].submitted_on == date(2026, 3, 20)


def test_a_long_comment_is_a_problem():
    long = "x" * 2001
    table = _table(f"Billing,4,4,4,4,{long}", header="Team,AW1,DE1,KN3,AB2,Comment")
    assert _refusal(table, _mapping(comment=5)) == [
        ("Row 2", "F · Comment", "The comment is longer than 2,000 characters.")
    ]


def test_a_bad_mapping_refuses_the_whole_file():
    assert _refusal(_table("Billing,4,4,4,4"), _mapping(team=None)) == [
        ("File", "", "Choose the column that names the team.")
    ]


def test_problems_beyond_the_listed_are_counted(monkeypatch):
    monkeypatch.setattr(importing, "PROBLEMS_LISTED", 3)
    table = _table("Payroll,9,9,4,4", "Audit,8,8,4,4")
    with pytest.raises(ImportRefused) as refused:
        _check(table)
    assert len(refused.value.problems) == 3
    assert (refused.value.total, refused.value.unlisted) == (6, 3)


def test_one_cause_on_many_rows_is_one_problem_naming_its_rows():
    table = _table(*["Payroll,4,4,4,4"] * 30, "Billing,9,4,4,4")
    assert _refusal(table) == [
        ("Rows 2–31", "A · Team", "Unknown team “Payroll”."),
        ("Row 32", "B · AW1", "AW1: 9 is outside the item's scale (1–5)."),
    ]


def test_a_second_header_row_is_one_problem_not_one_per_cell():
    header = "Team,How far do you agree - AW1,DE1,KN3,AB2"
    second = ",I understand why the way we work is changing.,I want it,I know where,I have time"
    assert _refusal(_table(second, "Billing,4,4,4,4", header=header)) == [
        (
            "Row 2",
            "",
            "Row 2 holds question text, not answers: it looks like a second header row. "
            "Delete it, or export the file again without it.",
        ),
    ]


# Importing through the app


@pytest.fixture
def survey(auth, db):
    admin = factories.user("pmo@example.com", name="Pam PMO")
    sponsor = factories.user("sponsor@example.com", name="Sam Sponsor")
    agent = factories.user("agent@example.com", name="Ari Agent")
    factories.user("outsider@example.com", name="Olly Outsider")
    programme = factories.programme(
        admin=admin, members={sponsor: Role.SPONSOR, agent: Role.CHANGE_AGENT}
    )
    instrument = Instrument(name="Import test pulse")
    for position, (code, text, scale, required, dont_know) in enumerate(ITEMS, start=1):
        instrument.items.append(
            Item(
                position=position,
                code=code,
                text=text,
                dimension="custom",
                scale_points=scale,
                is_required=required,
                allows_dont_know=dont_know,
            )
        )
    billing = Team(name="Billing", external_id="LS-120", headcount=12)
    intake = Team(name="Intake", external_id="LS-130", headcount=9)
    records = Team(name="Records", external_id="LS-140", headcount=4)
    db.session.add_all([instrument, billing, intake, records])
    db.session.flush()
    wave = Wave(
        programme_id=programme.id,
        instrument_id=instrument.id,
        name="March pulse",
        opens_on=OPENS,
        closes_on=CLOSES,
        collection=WaveCollection.IMPORT,
    )
    wave.teams = [WaveTeam(team_id=billing.id), WaveTeam(team_id=intake.id)]
    db.session.add(wave)
    db.session.flush()
    auth.login("pmo@example.com")
    return wave


def _url(wave: Wave, tail: str = "import") -> str:
    return f"/programmes/{wave.programme_id}/waves/{wave.id}/{tail}"


def _upload(client, wave: Wave, data: bytes, filename: str = "export.csv"):
    return client.post(
        _url(wave),
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _token(response) -> str:
    assert response.status_code == 303, response.data[:2000]
    return re.search(r"upload=([0-9a-f]{32})", response.headers["Location"])[1]


def _selected(html: str) -> dict[str, str]:
    """Each select's chosen option value."""
    chosen = {}
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        found = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option value="([^"]*)" selected', options
        )
        chosen[name] = found[1] if found else None
    return chosen


def _previewed(html: str) -> str:
    found = re.search(r'name="previewed" type="hidden" value="([0-9a-f]*)"', html)
    return found[1] if found else ""


def _mapping_form(client, wave: Wave, token: str) -> dict[str, str]:
    """The mapping step 2 suggests, as posted to import what its preview showed."""
    html = client.get(_url(wave) + f"?upload={token}").data.decode()
    form = {name: value or "" for name, value in _selected(html).items()}
    return form | {"upload": token, "previewed": _previewed(html), "submit": "Import responses"}


def _import_mapped(client, wave: Wave, form: dict[str, str]):
    """Preview a changed mapping, then import what the preview showed."""
    check = {name: value for name, value in form.items() if name not in ("submit", "previewed")}
    preview = client.post(_url(wave), data=check | {"preview": "Check how the rows read"})
    assert preview.status_code == 200, unescape(preview.data.decode())[:3000]
    return client.post(_url(wave), data=form | {"previewed": _previewed(preview.data.decode())})


def _counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Response, Answer, AuditEvent)
    )


def _stored_uploads(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "imports"
    return sorted(folder.glob("*")) if folder.exists() else []


def _kept(app, token: str) -> bool:
    return any(path.name.startswith(token) for path in _stored_uploads(app))


def test_a_good_csv_imports_through_both_steps(app, client, survey):
    page = client.get(_url(survey))
    assert page.status_code == 200 and b"Upload an export" in page.data
    good = (FIXTURES / "responses_good.csv").read_bytes()
    token = _token(_upload(client, survey, good, "Pulse export (March).csv"))
    assert {path.name for path in _stored_uploads(app)} >= {f"{token}.upload", f"{token}.json"}
    form = _mapping_form(client, survey, token)
    assert re.fullmatch("[0-9a-f]{64}", form.pop("previewed"))
    items = {item.code: item.id for item in survey.instrument.items}
    assert form == {
        f"item_{items['AW1']}": "6",
        f"item_{items['DE1']}": "7",
        f"item_{items['KN3']}": "8",
        f"item_{items['AB2']}": "9",
        "team_column": "5",
        "team_match": "name",
        "day_column": "2",
        "comment_column": "10",
        "response_id_column": "0",
        "date_order": "",
        "upload": token,
        "submit": "Import responses",
    }
    before = _counts()
    response = client.post(_url(survey), data=_mapping_form(client, survey, token))
    assert response.status_code == 303
    assert response.headers["Location"] == _url(survey, "").rstrip("/")
    with client.session_transaction() as session:
        [(category, message)] = session["_flashes"]
    assert category == "success"
    assert message == (
        "Imported 5 responses from Pulse export (March).csv into March pulse: Billing 3, Intake 2."
    )
    after = _counts()
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (5, 19, 1)
    responses = db.session.scalars(
        select(Response).where(Response.wave_id == survey.id).order_by(Response.id)
    ).all()
    teams = {team.id: team.name for team in db.session.scalars(select(Team))}
    # Ids are random, not in order of arrival: the file's rows by day, then comment.
    responses = sorted(responses, key=lambda r: (r.submitted_on, r.comment or ""))
    assert [(teams[r.team_id], r.submitted_on, r.source) for r in responses] == [
        ("Billing", date(2026, 3, 3), ResponseSource.IMPORT),
        ("Billing", date(2026, 3, 3), ResponseSource.IMPORT),
        ("Intake", date(2026, 3, 4), ResponseSource.IMPORT),
        ("Intake", date(2026, 3, 5), ResponseSource.IMPORT),
        ("Billing", date(2026, 3, 9), ResponseSource.IMPORT),
    ]
    codes = {item_id: code for code, item_id in items.items()}
    assert [{codes[a.item_id]: a.value for a in r.answers} for r in responses] == [
        {"AW1": 4, "DE1": 5, "KN3": 6, "AB2": 4},
        {"AW1": 4, "DE1": 5, "KN3": None},
        {"AW1": 1, "DE1": 3, "KN3": 5, "AB2": 2},
        {"AW1": 3, "DE1": 3, "KN3": None, "AB2": 5},
        {"AW1": 5, "DE1": 4, "KN3": 7, "AB2": None},
    ]
    assert [r.comment for r in responses] == [
        None,
        "Training came too late for month end.",
        '=HYPERLINK("http://evil.example","click")',
        "More time to practise, please,\nand fewer meetings.",
        None,
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("wave.%")))
    assert (event.entity, event.entity_id, event.via) == ("wave", survey.id, "import")
    assert set(event.after) == {
        "responses",
        "answers",
        "file_sha256",
        "skipped_as_imported_before",
    }
    assert event.after["responses"] == 5 and event.after["answers"] == 19
    assert not _kept(app, token)


def test_nothing_identifying_is_stored(client, survey):
    good = (FIXTURES / "responses_good.csv").read_bytes()
    token = _token(_upload(client, survey, good))
    assert client.post(_url(survey), data=_mapping_form(client, survey, token)).status_code == 303
    stored = " ".join(
        str(value)
        for model in (Response, Answer, AuditEvent)
        for row in db.session.execute(select(model.__table__)).all()
        for value in row
    )
    for identifying in ("example.com", "Ana Silva", "Ben Okafor", "08:59", "09:02:40", "export"):
        assert identifying not in stored


def test_a_good_xlsx_imports(client, survey):
    data = _xlsx(
        [
            ["ID", "Start time", "Completion time", "Email", "Name", "Team", "AW1", "DE1"]
            + ["KN3", "AB2", "Comments"],
            [1, datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 9, 4), "a@example.com", "A"]
            + ["LS-120", 4, 5.0, "Agree", None, "Fine"],
            [2, datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 9, 4), "b@example.com", "B"]
            + ["LS-130", "Strongly agree", 2, 7, "DK", None],
        ]
    )
    token = _token(_upload(client, survey, data, "Forms export.xlsx"))
    form = _mapping_form(client, survey, token)
    assert (form["team_column"], form["day_column"], form["comment_column"]) == ("5", "2", "10")
    form["team_match"] = "external_id"
    assert client.post(_url(survey), data=form).status_code == 200  # a preview, not an import
    assert _import_mapped(client, survey, form).status_code == 303
    responses = db.session.scalars(select(Response).order_by(Response.submitted_on)).all()
    assert [(r.submitted_on, r.comment) for r in responses] == [
        (date(2026, 3, 3), "Fine"),
        (date(2026, 3, 6), None),
    ]
    assert sorted(sorted((a.value or 0) for a in r.answers) for r in responses) == [
        [0, 2, 5, 7],
        [4, 5, 6],
    ]


def test_a_bad_file_lists_every_bad_row_and_imports_nothing(app, client, survey):
    bad = (FIXTURES / "responses_bad.csv").read_bytes()
    token = _token(_upload(client, survey, bad))
    before = _counts()
    response = client.post(_url(survey), data=_mapping_form(client, survey, token))
    assert response.status_code == 422
    html = unescape(response.data.decode())
    assert "Nothing was imported: 13 problems to fix" in html
    rows = re.findall(r'<tr><td class="nowrap">(Row \d+)</td><td>(.*?)</td><td>(.*?)</td>', html)
    rows = [tuple(cell for cell in row) for row in rows]
    assert rows == [(where, column, message) for where, column, message in FIXTURE_PROBLEMS]
    assert _counts() == before
    # The upload is kept, so that the columns can be chosen again.
    assert f"{token}.upload" in {path.name for path in _stored_uploads(app)}
    assert f'name="upload" type="hidden" value="{token}"' in html


def test_mapping_problems_are_shown_at_their_fields(client, survey):
    good = (FIXTURES / "responses_good.csv").read_bytes()
    token = _token(_upload(client, survey, good))
    form = _mapping_form(client, survey, token)
    aw1 = next(item for item in survey.instrument.items if item.code == "AW1")
    form |= {"team_column": "", "day_column": "6"}
    before = _counts()
    response = client.post(_url(survey), data=form)
    assert response.status_code == 422
    html = unescape(response.data.decode())
    assert 'id="team_column-error">Choose the column that names the team.' in html
    assert (
        f'id="item_{aw1.id}-error">Column G · I understand why the way we work is changing. '
        "is already chosen for the date." in html
    )
    assert _counts() == before


def test_a_tampered_column_choice_is_refused(client, survey):
    token = _token(_upload(client, survey, (FIXTURES / "responses_good.csv").read_bytes()))
    form = _mapping_form(client, survey, token) | {"team_column": "99"}
    response = client.post(_url(survey), data=form)
    assert response.status_code == 422 and b"Not a valid choice" in response.data


def test_the_same_file_is_not_imported_twice(client, survey):
    good = (FIXTURES / "responses_good.csv").read_bytes()
    token = _token(_upload(client, survey, good))
    assert client.post(_url(survey), data=_mapping_form(client, survey, token)).status_code == 303
    before = _counts()
    again = _token(_upload(client, survey, good))
    response = client.post(_url(survey), data=_mapping_form(client, survey, again))
    assert response.status_code == 422
    assert b"already imported into this wave" in response.data
    assert _counts() == before


def test_a_wrong_file_is_refused_at_step_one(app, client, survey):
    before = len(_stored_uploads(app))
    response = _upload(client, survey, b"\xd0\xcf\x11\xe0", "export.xls")
    assert response.status_code == 422
    assert b"Upload a .csv or .xlsx file" in response.data
    assert len(_stored_uploads(app)) == before
    empty = client.post(_url(survey), data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and b"Choose a file to import." in empty.data


@pytest.mark.parametrize("token", ["0" * 32, "../../etc/passwd", "", "ZZ"])
def test_an_unknown_upload_goes_back_to_step_one(client, survey, token):
    response = client.post(_url(survey), data={"upload": token, "submit": "Import"})
    assert response.status_code == 303
    assert response.headers["Location"] == _url(survey)
    assert client.get(_url(survey) + f"?upload={token}").status_code == 303


def test_an_upload_is_only_for_its_uploader_and_wave(client, auth, survey):
    token = _token(_upload(client, survey, (FIXTURES / "responses_good.csv").read_bytes()))
    other = factories.user("second-pmo@example.com")
    db.session.add(Membership(programme_id=survey.programme_id, user=other, role=Role.ADMIN))
    db.session.flush()
    auth.logout()
    auth.login("second-pmo@example.com")
    assert client.get(_url(survey) + f"?upload={token}").status_code == 303


def test_an_expired_or_altered_upload_is_discarded(app, client, survey, monkeypatch):
    good = (FIXTURES / "responses_good.csv").read_bytes()
    token = _token(_upload(client, survey, good))
    data_file = Path(app.config["UPLOAD_FOLDER"]) / "imports" / f"{token}.upload"
    data_file.write_bytes(data_file.read_bytes().replace(b"Agree", b"Disagree", 1))
    assert client.get(_url(survey) + f"?upload={token}").status_code == 303
    assert not data_file.exists() and not _kept(app, token)

    token = _token(_upload(client, survey, good))
    monkeypatch.setattr(pending_uploads, "MAX_AGE_SECONDS", -1)
    assert client.get(_url(survey) + f"?upload={token}").status_code == 303
    assert not _kept(app, token)


def test_cancel_discards_the_upload(app, client, survey):
    token = _token(_upload(client, survey, (FIXTURES / "responses_good.csv").read_bytes()))
    before = _counts()
    response = client.post(
        _url(survey), data={"upload": token, "cancel": "Discard it and upload another"}
    )
    assert response.status_code == 303 and response.headers["Location"] == _url(survey)
    assert not _kept(app, token)
    assert _counts() == before


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("agent@example.com", 403),
        ("sponsor@example.com", 403),
        ("outsider@example.com", 404),
    ],
)
def test_only_the_programmes_admins_import(client, auth, survey, email, status):
    auth.logout()
    auth.login(email)
    assert client.get(_url(survey)).status_code == status
    good = (FIXTURES / "responses_good.csv").read_bytes()
    assert _upload(client, survey, good).status_code == status


def test_an_archived_programme_takes_no_import(client, survey):
    programme = db.session.get(Programme, survey.programme_id)
    programme.status = ProgrammeStatus.ARCHIVED
    db.session.flush()
    assert client.get(_url(survey)).status_code == 403


def test_a_wave_of_another_programme_is_not_found(client, survey):
    other = factories.programme(name="Other programme")
    assert client.get(f"/programmes/{other.id}/waves/{survey.id}/import").status_code == 404
    assert client.get(f"/programmes/{survey.programme_id}/waves/999999/import").status_code == 404


def test_twenty_thousand_rows_import_in_a_bounded_number_of_statements(survey):
    """Answers are written in one batch, not a statement each (the time is in bench/)."""
    from transform.wave_data import service

    lines = [
        f"{'Billing' if n % 3 else 'Intake'},{n % 5 + 1},{(n + 2) % 5 + 1},{n % 7 + 1},DK"
        for n in range(20_000)
    ]
    table = _table(*lines)
    items = {item.code: item.id for item in survey.instrument.items}
    mapping = ColumnMapping(
        items={items["AW1"]: 1, items["DE1"]: 2, items["KN3"]: 3, items["AB2"]: 4}, team=0
    )
    pmo = db.session.scalar(select(User).where(User.email == "pmo@example.com"))
    with sent_statements() as sent:
        summary = service.import_responses(
            survey, table, mapping, date(2026, 3, 10), "f" * 64, pmo
        )
    assert summary.responses == 20_000 and summary.answers == 80_000
    assert summary.per_team == [("Billing", 13_333), ("Intake", 6_667)]
    # Answers go in as one executemany, never a statement each (80,000 here). Responses
    # need their ids back in order: PostgreSQL batches that INSERT ... RETURNING, while
    # SQLAlchemy sends SQLite one row at a time, so the bound allows a statement each.
    assert len(sent) < summary.responses + 50, len(sent)


def test_both_steps_carry_a_csrf_token(client, survey, csrf_enabled):
    good = (FIXTURES / "responses_good.csv").read_bytes()
    assert _upload(client, survey, good).status_code == 400
    page = client.get(_url(survey)).data.decode()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = client.post(
        _url(survey),
        data={"csrf_token": csrf, "file": (io.BytesIO(good), "export.csv")},
        content_type="multipart/form-data",
    )
    token = _token(response)
    form = _mapping_form(client, survey, token)
    assert client.post(_url(survey), data=form).status_code == 400
    assert client.post(_url(survey), data=form | {"csrf_token": csrf}).status_code == 303


def test_text_from_the_file_is_escaped(client, survey):
    data = b"Team,<img src=x onerror=alert(1)>,AW1,DE1,KN3\n<b>Billing</b>,1,4,4,4\n"
    token = _token(_upload(client, survey, data, "<script>alert(1)</script>.csv"))
    page = client.get(_url(survey) + f"?upload={token}").data.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert(1)</script>" not in page
    response = client.post(_url(survey), data=_mapping_form(client, survey, token))
    assert response.status_code == 422
    assert "Unknown team “&lt;b&gt;Billing&lt;/b&gt;”." in response.data.decode()


# Days are never misread: an order of day and month the file does not settle is asked for


US_EXPORT = (
    "Respondent ID,Team,Date,AW1,DE1,KN3\n"
    "1,Billing,03/04/2026 08:04:00 AM,4,4,4\n"
    "2,Intake,03/05/2026 09:30:00 PM,5,5,5\n"
)


def test_days_that_could_be_swapped_are_asked_about_on_the_mapping_page(client, survey):
    token = _token(_upload(client, survey, US_EXPORT.encode()))
    before = _counts()
    page = client.get(_url(survey) + f"?upload={token}")
    assert page.status_code == 422
    html = unescape(page.data.decode())
    assert (
        '<tr><td class="nowrap">Rows 2, 3</td><td>C · Date</td><td>03/04/2026 08:04:00 AM reads '
        "as 3 April 2026 (day first) or 4 March 2026 (month first), and no date in the file "
        "settles which: choose the order of day and month.</td></tr>"
    ) in html
    assert "Month first: 03/04/2026 08:04:00 AM is 4 March 2026" in html
    assert 'name="submit"' not in html
    form = _mapping_form(client, survey, token)
    assert client.post(_url(survey), data=form).status_code == 422
    assert _counts() == before

    response = _import_mapped(client, survey, form | {"date_order": "mdy"})
    assert response.status_code == 303
    days = db.session.scalars(select(Response.submitted_on).order_by(Response.submitted_on)).all()
    assert days == [date(2026, 3, 4), date(2026, 3, 5)]


def test_a_surveymonkey_export_settles_its_own_order_and_the_preview_shows_it(client, survey):
    export = US_EXPORT + "3,Billing,03/14/2026 11:15:00 AM,3,3,3\n"
    token = _token(_upload(client, survey, export.encode()))
    page = client.get(_url(survey) + f"?upload={token}")
    assert page.status_code == 200
    html = unescape(page.data.decode())
    assert "Month/day/year: row 4 has 03/14/2026 11:15:00 AM, which reads only that way." in html
    assert '03/04/2026 08:04:00 AM <span class="reads-as">→ 4 March 2026</span>' in html
    assert _counts()[0] == 0  # the preview stores nothing
    assert client.post(_url(survey), data=_mapping_form(client, survey, token)).status_code == 303
    days = db.session.scalars(select(Response.submitted_on).order_by(Response.submitted_on)).all()
    assert days == [date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 14)]
