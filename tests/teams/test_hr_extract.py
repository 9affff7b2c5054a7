"""The org import takes a person-level HR extract: the PMO chooses the team and parent
columns, and each team's headcount is counted from its people. All or nothing, every bad
row listed."""

import re
from html import unescape
from pathlib import Path

from tests.teams import test_team_import
from tests.teams.test_team_import import _counts, _teams, _token, _upload
from transform.teams.hr_extract import Extract, PeopleColumns, read_extract, team_rows
from transform.teams.importing import SourceRow

EXTRACT = Path(__file__).parent.parent / "fixtures" / "hr_extract.csv"
#: The extract's columns: Department code (3), Department (4), Manager department code (6).
CODES = PeopleColumns(team=3, parent=6, name=4)
#: The org import's PMO: an org editor.
pmo = test_team_import.pmo


def _extract(*rows: str, header: str = "Employee,Department,Manager department") -> Extract:
    text = "\n".join([header, *rows]) + "\n"
    return read_extract("people.csv", text.encode())


# Counting teams, pure


def test_people_become_teams_with_their_headcounts_and_parents():
    rows, problems = team_rows(read_extract("hr.csv", EXTRACT.read_bytes()), CODES)
    assert problems == []
    assert rows == [
        SourceRow(2, "EXEC", "Executive Office", "", "1"),
        SourceRow(3, "LS-100", "Legal Operations", "EXEC", "2"),
        SourceRow(4, "LS-120", "Billing", "LS-100", "3"),
        SourceRow(7, "LS-130", "Intake", "LS-100", "2"),
    ]


def test_a_team_with_two_parents_and_people_without_a_team_list_every_row():
    extract = _extract(
        "Ann,Billing,Finance",
        "Bob,Billing,Billing",
        "Cy,,Finance",
        "Di,Billing,Operations",
        "Ed,,Billing",
    )
    rows, problems = team_rows(extract, PeopleColumns(team=1, parent=2))
    assert [(problem.where, problem.message) for problem in problems] == [
        ("Rows 4, 6", "The team (Department) is missing: every person needs a team."),
        (
            "Rows 2, 5",
            "Team Billing has two or more parents: Finance (row 2); Operations (row 5).",
        ),
    ]
    assert SourceRow(2, "Billing", "Billing", "", "3") in rows


# Through the app


def _columns_page(client, data: bytes, filename: str = "hr.csv"):
    uploaded = client.post(
        "/teams/import",
        data={"file": (__import__("io").BytesIO(data), filename), "holds": "people"},
        content_type="multipart/form-data",
    )
    token = _token(uploaded)
    assert "people=1" in uploaded.headers["Location"]
    return token, client.get(f"/teams/import?upload={token}&people=1")


def test_an_hr_extract_imports_with_the_columns_chosen(client, pmo):
    token, page = _columns_page(client, EXTRACT.read_bytes())
    html = unescape(page.data.decode())
    assert page.status_code == 200 and "Columns of the HR extract" in html
    # "Department" is suggested as the team column; the PMO picks the codes instead.
    assert re.search(r'<option selected value="4">Department</option>', html)
    form = {
        "upload": token,
        "people": "1",
        "team_column": "3",
        "parent_column": "6",
        "name_column": "4",
    }
    review = client.post("/teams/import", data=form | {"preview": "Read the file again"})
    assert review.status_code == 200, unescape(review.data.decode())[:3000]
    assert "creates 4 teams" in unescape(review.data.decode())
    previewed = re.search(r'name="previewed" type="hidden" value="([0-9a-f]+)"', review.text)
    done = client.post(
        "/teams/import", data=form | {"previewed": previewed[1], "submit": "Import"}
    )
    assert done.status_code == 303
    assert _teams() == {
        "EXEC": ("Executive Office", None, 1),
        "LS-100": ("Legal Operations", "EXEC", 2),
        "LS-120": ("Billing", "LS-100", 3),
        "LS-130": ("Intake", "LS-100", 2),
    }


def test_a_bad_extract_imports_nothing_and_lists_every_bad_row(client, pmo):
    extract = (
        b"Employee,Department,Parent\n"
        b"Ann,Billing,Finance\n"
        b"Bob,Finance,Billing\n"
        b"Cy,Intake,Finance\n"
        b"Di,Intake,Operations\n"
        b"Ed,Operations,\n"
    )
    token, page = _columns_page(client, extract)
    before = _counts()
    assert page.status_code == 422
    html = unescape(page.data.decode())
    assert "Rows 2, 3 form a cycle: Billing → Finance → Billing (each is under the next)." in html
    assert "Team Intake has two or more parents: Finance (row 4); Operations (row 5)." in html
    form = {"upload": token, "people": "1", "team_column": "1", "parent_column": "2"}
    assert client.post("/teams/import", data=form | {"submit": "Import"}).status_code == 422
    assert _counts() == before


def test_an_extract_without_a_team_column_asks_for_one(client, pmo):
    token, page = _columns_page(client, b"Employee,Cost centre\nAnn,CC-1\n")
    assert page.status_code == 200 and "Choose the team column" in page.text
    refused = client.post(
        "/teams/import", data={"upload": token, "people": "1", "preview": "Read the file again"}
    )
    assert refused.status_code == 422
    assert "Choose the column that names each person&#39;s team." in refused.text


def test_a_team_file_still_imports_as_before(client, pmo):
    token = _token(_upload(client, b"team id,name,parent id,headcount\nLS-1,Legal,,4\n"))
    assert "people" not in client.get(f"/teams/import?upload={token}").text.split("Upload")[0]
