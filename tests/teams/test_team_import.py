"""Importing the org structure from CSV or Excel: all or nothing, every bad row listed."""

import io
import re
from html import unescape

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests import factories
from tests.statements import sent_statements
from transform.extensions import db
from transform.models import AuditEvent, Role, Team
from transform.teams import import_files
from transform.teams.import_files import read_file
from transform.teams.importing import (
    ExistingTeam,
    ImportRefused,
    SourceRow,
    plan_import,
)

HEADER = "team id,name,parent id,headcount\n"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{line}\n" for line in lines)).encode()


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _refusal(callable_, *args) -> list[tuple[str, str]]:
    """(where, message) of every problem the call refuses with."""
    with pytest.raises(ImportRefused) as refused:
        callable_(*args)
    return [(problem.where, problem.message) for problem in refused.value.problems]


def read_rows(filename: str, data: bytes) -> list[SourceRow]:
    return read_file(filename, data).rows


def _rows(*lines: str) -> list[SourceRow]:
    return read_rows("org.csv", _csv(*lines))


# Reading files, pure


def test_reading_and_checking_need_neither_flask_nor_the_database():
    import ast
    import inspect

    from transform.teams import hr_extract, import_files, importing, tree

    for module in (import_files, importing, tree, hr_extract):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"flask", "flask_wtf", "sqlalchemy"}, module
                assert not name.startswith(("transform.models", "transform.extensions")), module


@pytest.mark.parametrize(
    "header",
    [
        "team id,name,parent id,headcount",
        "Team ID,Name,Parent ID,Headcount",
        "team_id,NAME,parent_id,head count",
        "id,name,parent,headcount",
        "headcount, Parent-Id ,name,Team Id,notes",
    ],
)
def test_header_names_are_matched_loosely_and_in_any_order(header):
    columns = [
        column.strip().lower().replace("-", " ").replace("_", " ") for column in header.split(",")
    ]
    values = {"team id": "LS-1", "id": "LS-1", "name": "Root", "parent id": "", "parent": ""}
    values |= {"headcount": "8", "head count": "8", "notes": "ignored"}
    row = ",".join(values[column] for column in columns)
    [parsed] = read_rows("org.csv", f"{header}\n{row}\n".encode())
    assert parsed == SourceRow(2, "LS-1", "Root", "", "8")


def test_csv_rows_keep_spreadsheet_row_numbers_and_skip_blank_lines():
    data = (
        b"\xef\xbb\xbfteam id;name;parent id;headcount\r\n"
        b"LS-1;Root;;8\r\n;;;\r\n\r\nLS-2; Billing ;LS-1;6\r\n"
    )
    rows = read_rows("ORG.CSV", data)
    assert rows == [
        SourceRow(2, "LS-1", "Root", "", "8"),
        SourceRow(5, "LS-2", "Billing", "LS-1", "6"),
    ]


def test_windows_1252_csv_is_read():
    data = "team id,name,parent id,headcount\nLS-1,Société Générale Büro,,3\n".encode("cp1252")
    assert read_rows("org.csv", data)[0].name == "Société Générale Büro"


def test_xlsx_cells_become_text():
    data = _xlsx(
        [
            ["Team ID", "Name", "Parent ID", "Headcount"],
            [100, "Root", None, 8.0],
            ["LS-2", "Billing", 100, 6],
        ]
    )
    assert read_rows("org.xlsx", data) == [
        SourceRow(2, "100", "Root", "", "8"),
        SourceRow(3, "LS-2", "Billing", "100", "6"),
    ]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("org.xls", b"team id", "Upload a .csv or .xlsx file"),
        ("org", b"team id", "Upload a .csv or .xlsx file"),
        ("org.txt", HEADER.encode(), "Upload a .csv or .xlsx file"),
        ("org.xlsx", HEADER.encode(), "The file is named .xlsx but is not an Excel workbook."),
        ("org.xlsx", b"PK\x03\x04 not really a zip", "could not be read as an Excel workbook"),
        ("org.csv", _xlsx([["team id"]]), "The file is named .csv but is not text"),
        ("org.csv", b"team id,name\x00,parent id,headcount", "is not text"),
        ("org.csv", b"", "The file is empty."),
        ("org.csv", b" \r\n\r\n", "The file is empty."),
        ("org.csv", b",,,\n,,,\n", "The file is empty."),
        ("org.xlsx", _xlsx([]), "The file is empty."),
        ("org.csv", HEADER.encode(), "The file has a header row but no teams."),
        ("org.csv", b"team id,name\nLS-1,Root\n", "Missing columns: parent id, headcount."),
        ("org.csv", b"id,team,parent,headcount\n", "Missing column: name."),
        ("org.csv", b"id,name,team id,parent,headcount\n", "The column “team id” appears more"),
        ("org.csv", HEADER.encode() + b"LS-1,Caf\x81,,1\n", "not UTF-8 or Windows-1252"),
    ],
)
def test_whole_file_problems(filename, data, message):
    [(where, found)] = _refusal(read_rows, filename, data)
    assert where == "File"
    assert message in found


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    assert len(_rows("A,a,,1", "B,b,,1", "C,c,,1")) == 3
    [(where, message)] = _refusal(
        read_rows, "org.csv", _csv("A,a,,1", "B,b,,1", "C,c,,1", "D,d,,1")
    )
    assert message == "The file has more than 3 teams; split it into parts."


def test_the_row_limit_is_twenty_thousand():
    assert import_files.MAX_ROWS == 20_000


# Checking rows, pure

EXISTING = [
    ExistingTeam(1, "EX-1", "Existing root", None, 10),
    ExistingTeam(2, None, "No id", 1, 3),
    ExistingTeam(3, "EX-3", "Under no id", 2, 4),
]


def test_every_bad_row_is_listed_with_its_reason():
    rows = _rows(
        "LS-1,Root,,8",  # row 2: fine
        "LS-2,Billing,LS-9,6",  # 3: unknown parent
        "LS-1,Root again,,1",  # 4: duplicate id
        ",Nameless id,LS-1,1",  # 5: missing id
        "LS-5,,LS-1,1",  # 6: missing name
        "LS-6,Negative,LS-1,-3",  # 7
        "LS-7,Fractional,LS-1,2.5",  # 8
        "LS-8,Words,LS-1,ten",  # 9
        "LS-9b,No headcount,LS-1,",  # 10
        "LS-10,Self,LS-10,1",  # 11: its own parent
        "LS-200,Two A,LS-210,1",  # 12: 2-cycle with 15
        "LS-300,Three A,LS-310,1",  # 13: 3-cycle with 14, 16
        "LS-310,Three B,LS-320,1",  # 14
        "LS-210,Two B,LS-200,1",  # 15
        "LS-320,Three C,LS-300,1",  # 16
        "LS-11,Later parent,LS-12,1",  # 17: fine, its parent comes later
        "LS-12,Parent,,1",  # 18: fine
    )
    assert _refusal(plan_import, rows, EXISTING) == [
        ("Row 3", "Parent id LS-9 is neither in the file nor an existing team."),
        ("Row 4", "Team id LS-1 is also on row 2."),
        ("Row 5", "The team id is missing."),
        ("Row 6", "The name is missing."),
        ("Row 7", "Headcount -3 is negative."),
        ("Row 8", "Headcount “2.5” is not a whole number."),
        ("Row 9", "Headcount “ten” is not a whole number."),
        ("Row 10", "The headcount is missing; give 0 for a team with no people."),
        ("Row 11", "LS-10 is its own parent."),
        (
            "Rows 12, 15",
            "Rows 12, 15 form a cycle: LS-200 → LS-210 → LS-200 (each is under the next).",
        ),
        (
            "Rows 13, 14, 16",
            "Rows 13, 14, 16 form a cycle: LS-300 → LS-310 → LS-320 → LS-300 "
            "(each is under the next).",
        ),
    ]


def test_a_cycle_through_existing_teams_is_found_and_named():
    # EX-1 moves under EX-3, which sits under "No id", which sits under EX-1.
    rows = _rows("EX-1,Existing root,EX-3,10")
    assert _refusal(plan_import, rows, EXISTING) == [
        (
            "Row 2",
            "Row 2 forms a cycle: EX-1 → EX-3 → No id → EX-1 (each is under the next).",
        )
    ]


def test_long_values_and_huge_headcounts_are_refused():
    rows = _rows(f"{'x' * 65},Long id,,1", f"LS-1,{'n' * 161},,1", "LS-2,Big,,1000001")
    assert [message for _where, message in _refusal(plan_import, rows, [])] == [
        "The team id is longer than 64 characters.",
        "The name is longer than 160 characters.",
        "Headcount 1000001 is more than 1,000,000.",
    ]


def test_the_plan_creates_updates_and_leaves_unchanged_parents_first():
    rows = _rows(
        "N-2,New child,N-1,4",
        "EX-3,Under no id,,4",  # moves to the top
        "N-1,New parent,EX-1,12.0",
        "EX-1,Existing root,,10",  # unchanged
        "N-3,Grandchild,N-2,0",
    )
    plan = plan_import(rows, EXISTING)
    assert [change.external_id for change in plan.creates] == ["N-1", "N-2", "N-3"]
    assert plan.creates[0].headcount == 12 and plan.creates[0].parent_external_id == "EX-1"
    assert [(change.external_id, change.team_id) for change in plan.updates] == [("EX-3", 3)]
    assert plan.unchanged == 1


# Importing through the app


@pytest.fixture
def pmo(auth, db):
    admin = factories.user("pmo@example.com", name="Pam PMO")
    agent = factories.user("agent@example.com", name="Ari Agent")
    factories.programme(admin=admin, members={agent: Role.CHANGE_AGENT})
    auth.login("pmo@example.com")
    return admin


def _upload(client, data: bytes, filename: str = "org.csv"):
    """Step 1: the upload, answered with a redirect to its review (or refused)."""
    return client.post(
        "/teams/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _token(response) -> str:
    assert response.status_code == 303, unescape(response.data.decode())[:3000]
    return re.search(r"upload=([0-9a-f]{32})", response.headers["Location"])[1]


def _import(client, data: bytes, filename: str = "org.csv", decimal_mark: str = ""):
    """Upload, review with the decimal mark chosen, and import what the review showed:
    the import's answer, or the review's when it refuses the file (or the upload's)."""
    uploaded = _upload(client, data, filename)
    if uploaded.status_code != 303:
        return uploaded
    form = {"upload": _token(uploaded), "decimal_mark": decimal_mark}
    review = client.post("/teams/import", data=form | {"preview": "Read the file again"})
    if review.status_code != 200:
        return review
    previewed = re.search(r'name="previewed" type="hidden" value="([0-9a-f]+)"', review.text)
    return client.post(
        "/teams/import", data=form | {"previewed": previewed[1], "submit": "Import"}
    )


def _teams() -> dict[str, tuple]:
    """Every team as external id: (name, parent's external id, headcount)."""
    teams = db.session.scalars(select(Team)).all()
    external = {team.id: team.external_id for team in teams}
    return {
        team.external_id: (team.name, external.get(team.parent_id), team.headcount)
        for team in teams
    }


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Team)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def test_a_good_csv_creates_then_updates(client, pmo):
    page = client.get("/teams/import")
    assert page.status_code == 200 and b"team id, name, parent id, headcount" in page.data
    first = _import(client, _csv("LS-110,Practice Support,LS-100,5", "LS-100,Hartley & Finch,,8"))
    assert first.status_code == 303 and first.headers["Location"] == "/teams/"
    assert _teams() == {
        "LS-100": ("Hartley & Finch", None, 8),
        "LS-110": ("Practice Support", "LS-100", 5),
    }
    listing = client.get("/teams/")
    assert b"Imported org.csv: 2 created, 0 updated, 0 unchanged." in listing.data

    second = _import(
        client,
        _csv("LS-100,Hartley & Finch,,8", "LS-110,Practice support,LS-120,6", "LS-120,Ops,,1"),
    )
    assert second.status_code == 303
    assert _teams()["LS-110"] == ("Practice support", "LS-120", 6)
    assert b"1 created, 1 updated, 1 unchanged." in client.get("/teams/").data
    events = db.session.execute(select(AuditEvent.action, AuditEvent.via)).all()
    assert sorted(events) == [("team.created", "import")] * 3 + [("team.updated", "import")]


def test_a_good_xlsx_imports(client, pmo):
    data = _xlsx(
        [
            ["Team ID", "Name", "Parent ID", "Headcount"],
            ["LS-100", "Hartley & Finch", None, 8],
            ["LS-120", "Billing", "LS-100", 6.0],
            [None, None, None, None],
            [121, "Billing Operations", "LS-120", 28],
        ]
    )
    response = _import(client, data, "Org chart.xlsx")
    assert response.status_code == 303
    assert _teams() == {
        "LS-100": ("Hartley & Finch", None, 8),
        "LS-120": ("Billing", "LS-100", 6),
        "121": ("Billing Operations", "LS-120", 28),
    }


def test_a_bad_file_lists_every_bad_row_and_writes_nothing(client, pmo):
    existing = Team(name="Billing", external_id="LS-120", headcount=6)
    db.session.add(existing)
    db.session.flush()
    before = _counts()
    data = _csv(
        "LS-100,Hartley & Finch,,8",
        "LS-120,Billing renamed,LS-100,6",  # fine on its own
        "LS-100,Duplicate,,1",
        "LS-130,Orphan,LS-999,1",
        "LS-140,Negative,LS-100,-1",
        "LS-150,Fraction,LS-100,1.5",
        "LS-160,,LS-100,1",
        "LS-200,Loop A,LS-210,1",
        "LS-210,Loop B,LS-200,1",
        "LS-300,Ring A,LS-310,1",
        "LS-310,Ring B,LS-320,1",
        "LS-320,Ring C,LS-300,1",
        "LS-400,Self,LS-400,1",
    )
    response = _import(client, data)
    assert response.status_code == 422
    html = unescape(response.data.decode())
    assert "Nothing was imported: 8 problems to fix" in html
    cells = re.findall(
        r"<tr><td class=\"nowrap\">(.*?)</td><td class=\"nowrap\">.*?</td><td>(.*?)</td></tr>",
        html.split('class="preview-table"')[0],
    )
    cycle = "form a cycle: {} (each is under the next)."
    assert cells == [
        ("Row 4", "Team id LS-100 is also on row 2."),
        ("Row 5", "Parent id LS-999 is neither in the file nor an existing team."),
        ("Row 6", "Headcount -1 is negative."),
        ("Row 7", "Headcount “1.5” is not a whole number."),
        ("Row 8", "The name is missing."),
        ("Rows 9, 10", "Rows 9, 10 " + cycle.format("LS-200 → LS-210 → LS-200")),
        ("Rows 11–13", "Rows 11–13 " + cycle.format("LS-300 → LS-310 → LS-320 → LS-300")),
        ("Row 14", "LS-400 is its own parent."),
    ]
    assert _counts() == before
    assert db.session.get(Team, existing.id).name == "Billing"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("org.xls", b"\xd0\xcf\x11\xe0", "Upload a .csv or .xlsx file"),
        ("org.xlsx", _csv("LS-1,Root,,1"), "is not an Excel workbook"),
        ("org.csv", b"team,headcount\nLS-1,4\n", "Missing columns: team id, name, parent id."),
        ("org.csv", b"", "The file is empty."),
    ],
)
def test_a_wrong_file_is_refused_with_a_message(client, pmo, filename, data, message):
    before = _counts()
    response = _upload(client, data, filename)
    assert response.status_code == 422
    assert message in unescape(response.data.decode())
    assert _counts() == before


def test_a_windows_1252_csv_imports(client, pmo):
    data = "team id,name,parent id,headcount\nLS-1,Comptabilité générale,,3\n".encode("cp1252")
    assert _import(client, data).status_code == 303
    assert _teams() == {"LS-1": ("Comptabilité générale", None, 3)}


def test_no_file_is_refused_at_the_field(client, pmo):
    response = client.post("/teams/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert b'id="file-error"' in response.data and b"Choose a file to import." in response.data


def test_the_template_names_the_columns(client, pmo):
    response = client.get("/teams/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data == b"team id,name,parent id,headcount\r\n"
    assert read_rows("t.csv", response.data + b"LS-1,Root,,1\n")[0].team_id == "LS-1"


def test_two_thousand_teams_import_in_a_bounded_number_of_statements(client, pmo):
    """2,000 teams import in batches, not a statement per team (the time is in bench/)."""
    lines = [f"T-{n},Division {n},,{n % 40}" for n in range(20)]
    lines += [f"T-{n},Team {n},T-{n % 20},{n % 40}" for n in range(20, 2000)]
    data = _csv(*lines)
    assert len(data) < 256 * 1024
    with sent_statements() as first:
        response = _import(client, data)
    assert response.status_code == 303
    assert _counts()[0] == 2000
    assert len(first) < STATEMENTS_PER_IMPORT, len(first)
    with sent_statements() as again:
        response = _import(client, data.replace(b"Team 1999", b"Team MCMXCIX"))
    assert response.status_code == 303 and len(again) < STATEMENTS_PER_IMPORT, len(again)
    assert b"0 created, 1 updated, 1999 unchanged." in client.get("/teams/").data


#: What an import of any size may send to the database, its review and upload included.
STATEMENTS_PER_IMPORT = 120


def test_only_org_editors_import(client, auth, pmo):
    auth.logout()
    auth.login("agent@example.com")
    assert _upload(client, _csv("LS-1,Root,,1")).status_code == 403
    assert _counts()[0] == 0


# Headcounts are never misread: what the file does not settle is asked for


def test_a_headcount_that_could_be_read_two_ways_is_asked_about(client, pmo):
    data = _csv('LS-1,Root,,"1,250"', 'LS-2,Branch,LS-1,"2,500"', "LS-3,Leaf,LS-2,7")
    before = _counts()
    response = _import(client, data)
    assert response.status_code == 422
    html = unescape(response.text)
    assert "Nothing was imported: 1 problem to fix" in html
    assert (
        '<tr><td class="nowrap">Rows 2, 3</td><td class="nowrap"></td><td>1,250 reads as '
        "1250 (decimal point) or 1.25 (decimal comma), and no number in the file settles "
        "which: choose the decimal mark.</td></tr>"
    ) in html
    assert "Decimal point: 1,250 is 1250" in html
    assert _counts() == before
    assert _import(client, data, decimal_mark=".").status_code == 303
    assert _teams()["LS-1"] == ("Root", None, 1250)


def test_a_semicolon_file_groups_thousands_with_points(client, pmo):
    data = b"team id;name;parent id;headcount\nLS-1;Root;;1.250\nLS-2;Branch;LS-1;12\n"
    token = _token(_upload(client, data))
    review = client.get(f"/teams/import?upload={token}")
    assert review.status_code == 200
    html = unescape(review.text)
    assert "Decimal comma: the file's fields are separated by semicolons." in html
    assert '1.250 <span class="reads-as">→ 1250</span>' in html
    assert "Importing it creates 2 teams, updates 0 and leaves 0 unchanged." in html
    assert _counts()[0] == 0  # nothing is stored by the review
    assert _import(client, data).status_code == 303
    assert _teams()["LS-1"] == ("Root", None, 1250)
    fraction = b"team id;name;parent id;headcount\nLS-3;Leaf;;1,5\n"
    response = _import(client, fraction)
    assert response.status_code == 422
    assert "Headcount “1,5” is not a whole number." in unescape(response.text)


def test_an_org_upload_can_be_discarded_and_is_only_its_uploaders(client, auth, pmo):
    token = _token(_upload(client, _csv("LS-1,Root,,1")))
    discard = {"upload": token, "cancel": "Discard it and upload another"}
    assert client.post("/teams/import", data=discard).status_code == 303
    assert client.get(f"/teams/import?upload={token}").status_code == 303
    token = _token(_upload(client, _csv("LS-1,Root,,1")))
    factories.programme(name="Second", admin=factories.user("second-pmo@example.com"))
    auth.logout()
    auth.login("second-pmo@example.com")
    assert client.get(f"/teams/import?upload={token}").status_code == 303
    confirm = {"upload": token, "decimal_mark": "", "submit": "Import"}
    assert client.post("/teams/import", data=confirm).status_code == 303
    assert _counts()[0] == 0
