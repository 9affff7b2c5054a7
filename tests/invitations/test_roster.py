"""A wave's roster: all or nothing, every bad row listed, at most 50,000 rows."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from transform.extensions import db
from transform.import_problems import ImportRefused
from transform.invitations import roster
from transform.models import RosterEntry


def _base(world) -> str:
    return f"/programmes/{world['programme'].id}/waves/{world['wave'].id}/invitations"


def _entries() -> list[tuple[str, int, str | None]]:
    return db.session.execute(
        select(RosterEntry.email, RosterEntry.team_id, RosterEntry.language).order_by(
            RosterEntry.email
        )
    ).all()


def test_a_roster_with_bad_rows_imports_nothing_and_lists_every_one(client, signed_in):
    world = signed_in
    pasted = (
        "Email\tTeam\tLanguage\n"
        "ana@example.org\tBilling\tfr\n"
        "not-an-address\tBilling\t\n"
        "ben@example.org\tPayroll\t\n"
        "ANA@example.org\tB-1\t\n"
        "cy@example.org\tRecords\tfrench please\n"
    )
    page = client.post(f"{_base(world)}/roster", data={"pasted": pasted})

    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "4 problems to fix" in text
    assert "Row 3" in text and "“not-an-address” is not an e-mail address" in text
    assert "Row 4" in text and "“Payroll” is not a team this wave surveys" in text
    assert "Row 5" in text and "ana@example.org is already on row 2" in text
    assert "Row 6" in text and "is not a language code" in text
    assert _entries() == []


def test_a_good_roster_matches_teams_by_name_id_or_hr_id(client, signed_in):
    world = signed_in
    billing, records = world["billing"], world["records"]
    pasted = (
        "email,team,language\n"
        "Ana@Example.org,billing,FR\n"
        f"ben@example.org,{billing.id},\n"
        "cy@example.org,R-1,fr_CA\n"
    )
    response = client.post(f"{_base(world)}/roster", data={"pasted": pasted})

    assert response.status_code == 303
    assert _entries() == [
        ("ana@example.org", billing.id, "fr"),
        ("ben@example.org", billing.id, None),
        ("cy@example.org", records.id, "fr-ca"),
    ]
    again = client.post(
        f"{_base(world)}/roster", data={"pasted": "email,team\nben@example.org,Billing\n"}
    )
    assert again.status_code == 422 and "already on this wave" in again.get_data(as_text=True)


def test_a_language_the_survey_cannot_be_sent_in_is_refused_at_its_row(client, signed_in):
    world = signed_in
    pasted = "email,team,language\nana@example.org,Billing,fr\nben@example.org,Billing,de\n"
    page = client.post(f"{_base(world)}/roster", data={"pasted": pasted})

    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Row 3" in text and "has no German translation" in text
    assert _entries() == []


def test_an_excel_roster_is_read_like_a_csv(client, signed_in):
    world = signed_in
    book = Workbook()
    sheet = book.active
    sheet.append(["E-mail", "Team"])
    sheet.append(["dee@example.org", "Records"])
    data = io.BytesIO()
    book.save(data)
    upload = {"file": (io.BytesIO(data.getvalue()), "people.xlsx")}

    response = client.post(
        f"{_base(world)}/roster", data=upload, content_type="multipart/form-data"
    )

    assert response.status_code == 303
    assert _entries() == [("dee@example.org", world["records"].id, None)]


def test_a_team_cannot_invite_more_people_than_its_headcount(client, signed_in):
    world = signed_in  # Records has 3 people
    rows = "".join(f"p{n}@example.org,Records\n" for n in range(4))
    page = client.post(f"{_base(world)}/roster", data={"pasted": "email,team\n" + rows})
    assert page.status_code == 422
    assert "Records has room for 3 more people" in page.get_data(as_text=True)
    assert _entries() == []


def test_over_50000_rows_is_refused_with_the_limit():
    rows = "".join(f"p{n}@example.org,Billing\n" for n in range(roster.MAX_ROWS + 1))
    with pytest.raises(ImportRefused) as refused:
        roster.read_roster("people.csv", ("email,team\n" + rows).encode())
    assert "more than 50,000 people" in str(refused.value)


def test_a_roster_without_its_columns_says_which(client, signed_in):
    page = client.post(f"{_base(signed_in)}/roster", data={"pasted": "name,team\nAna,Billing\n"})
    assert page.status_code == 422
    assert "Missing column: email" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 0
