"""Importing KPI actuals from CSV or Excel: all or nothing, every bad row listed."""

import csv
import io
import re
from datetime import date, datetime
from html import unescape

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from tests import factories
from transform.extensions import db
from transform.kpis import imports
from transform.kpis.imports import SourceRow, read_file
from transform.models import (
    AuditEvent,
    Checkpoint,
    Direction,
    Kpi,
    Perspective,
    ProgrammeStatus,
    Role,
)
from transform.value_reading import date_text

HEADER = "KPI,Date,Value\n"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{line}\n" for line in lines)).encode()


def _xlsx(rows: list[list], formats: dict[str, str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _kpi(programme, name: str, unit: str, baseline_on: date, **kwargs) -> Kpi:
    kpi = Kpi(
        programme_id=programme.id,
        name=name,
        unit=unit,
        direction=kwargs.pop("direction", Direction.HIGHER_IS_BETTER),
        perspective=Perspective.INTERNAL_PROCESS,
        baseline_value=kwargs.pop("baseline_value", 10.0),
        baseline_on=baseline_on,
        target_value=kwargs.pop("target_value", 50.0),
        target_on=date(2026, 12, 31),
        **kwargs,
    )
    db.session.add(kpi)
    db.session.flush()
    return kpi


# Reading and checking, without the app


@pytest.mark.parametrize(
    "header",
    ["KPI,Date,Value", "kpi , DATE,value", "KPI name,date,Actual", "Value,kpi_name,Date,Unit"],
)
def test_header_names_are_matched_loosely_and_in_any_order(header):
    cells = {"kpi": "Cycle time", "kpi name": "Cycle time", "date": "2026-03-31"}
    cells |= {"value": "4", "actual": "4", "unit": "days"}
    labels = [re.sub(r"[\s_]+", " ", column.strip().lower()) for column in header.split(",")]
    row = ",".join(cells[label] for label in labels)
    assert read_file("a.csv", f"{header}\n{row}\n".encode()).rows == [
        SourceRow(2, "Cycle time", "2026-03-31", "4")
    ]


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    data = _csv("A,2026-03-31,1", "B,2026-03-31,1", "C,2026-03-31,1")
    with pytest.raises(imports.ImportRefused) as refused:
        read_file("a.csv", data)
    assert (
        refused.value.problems[0].message
        == "The file has more than 2 actuals; split it into parts."
    )


def test_the_shared_table_reader_needs_neither_flask_nor_the_database():
    import ast
    import inspect

    from transform import tabular_files

    for node in ast.walk(ast.parse(inspect.getsource(tabular_files))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in {"flask", "flask_wtf", "sqlalchemy"}
            # Only the reader of values, which is pure too (tests/test_value_reading.py).
            assert not name.startswith("transform") or name == "transform.value_reading"


# Importing through the app


@pytest.fixture
def world(db):
    admin = factories.user("pmo@example.com", name="Pam PMO")
    sponsor = factories.user("sponsor@example.com", name="Sam Sponsor")
    agent = factories.user("agent@example.com", name="Ari Agent")
    factories.user("outsider@example.com", name="Otto Outsider")
    programme = factories.programme(
        admin=admin, members={sponsor: Role.SPONSOR, agent: Role.CHANGE_AGENT}
    )
    cycle = _kpi(
        programme,
        "Invoice cycle time",
        "days",
        date(2026, 3, 1),
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=14.0,
        target_value=5.0,
        min_value=0.0,
    )
    cycle.checkpoints += [
        Checkpoint(on_date=date(2026, 3, 31), planned_value=12.0, actual_value=12.5),
        Checkpoint(on_date=date(2026, 4, 30), planned_value=10.0),
    ]
    adoption = _kpi(
        programme, "Adoption rate", "%", date(2026, 1, 15), min_value=0.0, max_value=100.0
    )
    cost = _kpi(programme, "Cost per invoice", "EUR", date(2026, 2, 1), min_value=0.0)
    db.session.flush()
    return {
        "programme": programme,
        "admin_id": admin.id,
        "cycle": cycle,
        "adoption": adoption,
        "cost": cost,
    }


@pytest.fixture
def pmo(auth, world):
    auth.login("pmo@example.com")
    return world


def _url(programme, suffix: str = "") -> str:
    return f"/programmes/{programme.id}/kpis/import{suffix}"


def _upload(client, programme, data: bytes, filename: str = "actuals.csv", **kwargs):
    """Step 1: the upload, answered with a redirect to its review (or refused)."""
    return client.post(
        _url(programme),
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        **kwargs,
    )


def _token(response) -> str:
    assert response.status_code == 303, unescape(response.data.decode())[:3000]
    return re.search(r"upload=([0-9a-f]{32})", response.headers["Location"])[1]


def _review(client, programme, token: str, **choices):
    """Step 2: the upload read with the choices (none: the file decides)."""
    data = {"upload": token, "date_order": "", "decimal_mark": ""} | choices
    return client.post(_url(programme), data=data | {"preview": "Read the file again"})


def _previewed(response) -> str:
    return re.search(
        r'name="previewed" type="hidden" value="([0-9a-f]*)"', response.data.decode()
    )[1]


def _import(
    client, programme, data: bytes, filename: str = "actuals.csv", headers=None, **choices
):
    """Upload, review with the choices, and import what the review showed: the import's
    answer, or the review's when it refuses the file (or the upload's)."""
    uploaded = _upload(client, programme, data, filename)
    if uploaded.status_code != 303:
        return uploaded
    token = _token(uploaded)
    review = _review(client, programme, token, **choices)
    if review.status_code != 200:
        return review
    form = {"upload": token, "date_order": "", "decimal_mark": ""} | choices
    form |= {"previewed": _previewed(review), "submit": "Import actuals"}
    return client.post(_url(programme), data=form, headers=headers or {})


def _checkpoints() -> list[tuple]:
    rows = db.session.execute(
        select(
            Checkpoint.kpi_id,
            Checkpoint.on_date,
            Checkpoint.planned_value,
            Checkpoint.actual_value,
            Checkpoint.version,
        ).order_by(Checkpoint.kpi_id, Checkpoint.on_date)
    )
    return [tuple(row) for row in rows]


def _actuals(kpi: Kpi) -> dict[date, tuple]:
    rows = db.session.execute(
        select(Checkpoint.on_date, Checkpoint.planned_value, Checkpoint.actual_value).where(
            Checkpoint.kpi_id == kpi.id
        )
    )
    return {on_date: (planned, actual) for on_date, planned, actual in rows}


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def _problems(response) -> list[tuple[str, str, str]]:
    html = unescape(response.data.decode())
    return re.findall(
        r"<tr><td class=\"nowrap\">(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", html
    )


def test_the_page_explains_the_columns_and_lists_the_kpis(client, pmo):
    response = client.get(_url(pmo["programme"]))
    assert response.status_code == 200
    html = unescape(response.data.decode())
    assert "KPI, Date, Value" in html
    assert "Invoice cycle time" in html and "Adoption rate" in html
    assert 'enctype="multipart/form-data"' in html
    assert _url(pmo["programme"], "/template.csv") in html


def test_a_good_csv_updates_and_adds_checkpoints(client, pmo):
    programme, cycle = pmo["programme"], pmo["cycle"]
    ids = {name: pmo[name].id for name in ("cycle", "adoption", "cost")}
    data = _csv(
        " invoice CYCLE time ,2026-03-31,11",  # replaces 12.5
        "Invoice cycle time,30/04/2026,9.5",  # the planned checkpoint gets its actual
        "Adoption rate,2026-04-15,87%",  # new checkpoint
        'Cost per invoice,2026-04-30,"1,234.5"',  # new checkpoint
        ",,",
    )
    response = _import(client, programme, data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/programmes/{programme.id}/kpis/"
    assert _flashes(client) == [
        ("success", "4 actuals imported from actuals.csv: 2 updated, 2 new checkpoints."),
        (
            "info",
            "Replaced 1 earlier actual: Invoice cycle time on 31 Mar 2026: 12.5 days → 11 days.",
        ),
    ]
    assert _actuals(cycle) == {date(2026, 3, 31): (12.0, 11.0), date(2026, 4, 30): (10.0, 9.5)}
    assert _actuals(pmo["adoption"]) == {date(2026, 4, 15): (None, 87.0)}
    assert _actuals(pmo["cost"]) == {date(2026, 4, 30): (None, 1234.5)}

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "kpi.actuals_imported")
    ).all()
    by_kpi = {event.entity_id: event for event in events}
    assert set(by_kpi) == set(ids.values())
    event = by_kpi[ids["cycle"]]
    assert (event.entity, event.via, event.programme_id) == ("kpi", "import", programme.id)
    assert event.user_id == pmo["admin_id"]
    assert event.before == {"actuals": {"2026-03-31": 12.5, "2026-04-30": None}}
    assert event.after == {
        "actuals": {"2026-03-31": 11.0, "2026-04-30": 9.5},
        "file": "actuals.csv",
    }
    assert by_kpi[ids["adoption"]].after["actuals"] == {"2026-04-15": 87.0}


def test_importing_the_same_file_again_changes_nothing(client, pmo):
    programme = pmo["programme"]
    data = _csv("Invoice cycle time,2026-03-31,12.5", "Adoption rate,2026-04-15,40")
    assert _import(client, programme, data).status_code == 303
    with client.session_transaction() as session:
        session.pop("_flashes")
    before, audits = _checkpoints(), _audit_count()
    assert _import(client, programme, data).status_code == 303
    assert _flashes(client) == [
        (
            "success",
            "2 actuals imported from actuals.csv: 0 updated, 0 new checkpoints, 2 unchanged.",
        )
    ]
    assert _checkpoints() == before and _audit_count() == audits


def test_a_good_xlsx_imports_date_number_and_percentage_cells(client, pmo):
    programme, cycle = pmo["programme"], pmo["cycle"]
    data = _xlsx(
        [
            ["KPI name", "Unit", "Date", "Actual"],
            ["Invoice cycle time", "days", datetime(2026, 3, 31), 10],
            ["Adoption rate", "%", datetime(2026, 5, 29, 0, 0), 0.875],
            [None, None, None, None],
            ["Adoption rate", "%", "14/06/2026", 91.5],
            ["Cost per invoice", "EUR", "2026-05-01", 1234.5],
        ],
        formats={"C2": "dd/mm/yyyy", "D3": "0.0%"},
    )
    response = _import(client, programme, data, "KPI extract.xlsx")
    assert response.status_code == 303
    assert _actuals(cycle)[date(2026, 3, 31)] == (12.0, 10.0)
    assert _actuals(pmo["adoption"]) == {
        date(2026, 5, 29): (None, 87.5),
        date(2026, 6, 14): (None, 91.5),
    }
    assert _actuals(pmo["cost"]) == {date(2026, 5, 1): (None, 1234.5)}
    [(category, message), *_] = _flashes(client)
    assert message == "4 actuals imported from KPI extract.xlsx: 1 updated, 3 new checkpoints."


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_bad_row(client, pmo):
    programme = pmo["programme"]
    before, audits = _checkpoints(), _audit_count()
    data = _csv(
        "Invoice cycle time,2026-03-31,11",  # row 2: fine on its own
        "Invoice cycle tme,2026-04-30,9",  # 3: unknown KPI, with a suggestion
        "Headcount,2026-04-30,9",  # 4: unknown KPI
        "Invoice cycle time,31/04/2026,9",  # 5: no such date
        "Invoice cycle time,2026-02-28,9",  # 6: before the baseline
        "Cost per invoice,2026-04-30,twelve",  # 7: not a number
        "Adoption rate,2026-04-30,120%",  # 8: above 100 %
        "Invoice cycle time,2026-03-31,10",  # 9: the same KPI and date as row 2
        "Invoice cycle time,2026-05-31,-2",  # 10: below the minimum
        "Cost per invoice,2026-05-31,12%",  # 11: a percentage of euros
        ",,",  # blank: skipped
        "Adoption rate,,",  # 13: date and value missing
        "Invoice cycle time,9999-12-31,9",  # 14: beyond the years a chart can draw
    )
    response = _import(client, programme, data)
    assert response.status_code == 422
    html = unescape(response.data.decode())
    assert "Nothing was imported: 12 problems to fix" in html
    assert _problems(response) == [
        (
            "Row 3",
            "KPI",
            "“Invoice cycle tme” is not a KPI of this programme. "
            "Did you mean “Invoice cycle time”?",
        ),
        ("Row 4", "KPI", "“Headcount” is not a KPI of this programme."),
        ("Row 5", "Date", "“31/04/2026” is not a date: write it as 2026-03-31 or 31/03/2026."),
        (
            "Row 6",
            "Date",
            "28 Feb 2026 is before the baseline date 1 Mar 2026 of Invoice cycle time.",
        ),
        ("Row 7", "Value", "“twelve” is not a number: write it as 1234.5 or 1,234.5."),
        ("Row 8", "Value", "120% must be at most 100 %."),
        ("Row 9", "Date", "Invoice cycle time on 31 Mar 2026 is also on row 2."),
        ("Row 10", "Value", "-2 must be at least 0 days."),
        ("Row 11", "Value", "“12%” is a percentage, but Cost per invoice is measured in EUR."),
        ("Row 13", "Date", "The date is missing."),
        (
            "Row 13",
            "Value",
            "The value is missing; leave the row out to keep the KPI's actual as it is.",
        ),
        ("Row 14", "Date", "Give a date between 1900 and 2999."),
    ]
    assert _checkpoints() == before
    assert _audit_count() == audits
    assert b'name="cancel"' in response.data  # to upload the file again, fixed
    assert b'name="submit"' not in response.data


def test_long_lists_are_capped_but_counted(client, pmo, monkeypatch):
    programme, cycle = pmo["programme"], pmo["cycle"]
    days = [date(2026, 5, day) for day in range(1, 8)]
    cycle.checkpoints += [Checkpoint(on_date=day, actual_value=5.0) for day in days]
    monkeypatch.setattr(imports, "PROBLEMS_LISTED", 3)
    bad = _import(client, programme, _csv(*[f"Nope,{day},1" for day in days]))
    assert bad.status_code == 422 and len(_problems(bad)) == 3
    html = unescape(bad.data.decode())
    assert "Nothing was imported: 7 problems to fix" in html and "and 4 more not listed" in html

    good = _import(client, programme, _csv(*[f"Invoice cycle time,{day},6" for day in days]))
    assert good.status_code == 303
    [_summary, (_category, replaced)] = _flashes(client)
    assert replaced.startswith("Replaced 7 earlier actuals: Invoice cycle time on 1 May 2026: ")
    assert replaced.count("5 days → 6 days") == 5 and replaced.endswith("; and 2 more.")


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("actuals.csv", b"", "The file is empty."),
        ("actuals.csv", b"\r\n,,\r\n", "The file is empty."),
        ("actuals.csv", HEADER.encode(), "The file has a header row but no actuals."),
        (
            "actuals.csv",
            b"Indicator,When,Amount\nA,2026-03-31,1\n",
            "Missing columns: KPI, Date, Value. "
            "The first row must name the columns KPI, Date, Value.",
        ),
        ("actuals.csv", b"KPI,Value\nA,1\n", "Missing column: Date."),
        ("actuals.csv", b"KPI,Date,Value,Actual\n", "The column “Actual” appears more than once."),
        ("actuals.xls", b"\xd0\xcf\x11\xe0", "Upload a .csv or .xlsx file"),
        ("actuals.pdf", b"%PDF-1.7", "Upload a .csv or .xlsx file"),
        (
            "actuals.xlsx",
            _csv("A,2026-03-31,1"),
            "The file is named .xlsx but is not an Excel workbook.",
        ),
        ("actuals.csv", _xlsx([["KPI"]]), "The file is named .csv but is not text"),
        ("actuals.xlsx", b"PK\x03\x04 not a workbook", "could not be read as an Excel workbook"),
    ],
)
def test_a_wrong_file_is_refused_with_a_message(client, pmo, filename, data, message):
    before, audits = _checkpoints(), _audit_count()
    response = _upload(client, pmo["programme"], data, filename)
    assert response.status_code == 422
    assert [where for where, _column, _message in _problems(response)] == ["File"]
    assert message in unescape(response.data.decode())
    assert _checkpoints() == before and _audit_count() == audits


def test_an_oversized_file_is_refused_at_the_field(app, client, pmo, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    before = _checkpoints()
    data = _csv(*["Invoice cycle time,2026-03-31,11"] * 40)
    assert len(data) > 1024
    response = _upload(client, pmo["programme"], data)
    assert response.status_code == 422
    assert b'id="file-error"' in response.data
    assert b"The file is larger than the 1 KB limit." in response.data
    assert _checkpoints() == before


def test_no_file_is_refused_at_the_field(client, pmo):
    response = client.post(_url(pmo["programme"]), data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert b'id="file-error"' in response.data and b"Choose a file to import." in response.data


def test_a_windows_1252_semicolon_csv_imports(client, pmo):
    programme = pmo["programme"]
    kpi = _kpi(programme, "Qualité perçue", "%", date(2026, 1, 1), max_value=100.0)
    data = "KPI;Date;Value\r\nqualité PERÇUE;01.04.2026;75,5\r\n".encode("cp1252")
    assert _import(client, programme, data, date_order="dmy").status_code == 303
    assert _actuals(kpi) == {date(2026, 4, 1): (None, 75.5)}


def test_htmx_gets_a_redirect_header(client, pmo):
    data = _csv("Adoption rate,2026-04-15,40")
    response = _import(client, pmo["programme"], data, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/programmes/{pmo['programme'].id}/kpis/"


def test_an_import_that_loses_a_race_is_refused(client, pmo, monkeypatch):
    def changed_meanwhile(*args):
        raise StaleDataError("checkpoint changed")

    monkeypatch.setattr(imports, "import_reviewed", changed_meanwhile)
    response = _import(client, pmo["programme"], _csv("Adoption rate,2026-04-15,40"))
    assert response.status_code == 409
    assert "The KPIs changed while this file was being imported" in unescape(
        response.data.decode()
    )


def test_the_template_lists_the_kpis_and_neutralises_formulas(client, pmo):
    programme = pmo["programme"]
    formula = _kpi(
        programme, '=HYPERLINK("http://evil.example","Click")', "@ratio", date(2026, 1, 1)
    )
    formula_id = formula.id
    response = client.get(_url(programme, "/template.csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["KPI", "Unit", "Date", "Value"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {
        "Adoption rate",
        "Cost per invoice",
        "Invoice cycle time",
        '\'=HYPERLINK("http://evil.example","Click")',
    }
    assert by_name['\'=HYPERLINK("http://evil.example","Click")'][1] == "'@ratio"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    cycle_row = by_name["Invoice cycle time"]
    assert cycle_row[1] == "days" and cycle_row[3] == ""
    assert date_text(cycle_row[2]).read(None) >= date(2026, 3, 1)

    # The template filled in imports as it is, the escaped name included.
    filled = [rows[0]] + [[*row[:3], "42"] for row in rows[1:]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(filled)
    response = _import(client, programme, buffer.getvalue().encode(), "template.csv")
    assert response.status_code == 303
    assert [actual for _planned, actual in _actuals(db.session.get(Kpi, formula_id)).values()] == [
        42.0
    ]


def test_text_from_the_file_is_escaped(client, pmo):
    data = _csv("<script>alert(1)</script>,2026-04-15,<b>1</b>")
    response = _import(client, pmo["programme"], data)
    assert response.status_code == 422
    assert b"<script>alert(1)</script>" not in response.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.data


def test_the_form_carries_a_csrf_token(client, pmo, csrf_enabled):
    page = client.get(_url(pmo["programme"]))
    assert b'name="csrf_token"' in page.data
    response = _upload(client, pmo["programme"], _csv("Adoption rate,2026-04-15,40"))
    assert response.status_code == 400
    assert _actuals(pmo["adoption"]) == {}


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("sponsor@example.com", 403),
        ("agent@example.com", 403),
        ("outsider@example.com", 404),
    ],
)
def test_only_the_programmes_pmo_admins_import(client, auth, world, email, status):
    programme = world["programme"]
    auth.login(email)
    before = _checkpoints()
    assert client.get(_url(programme)).status_code == status
    assert client.get(_url(programme, "/template.csv")).status_code == status
    assert _upload(client, programme, _csv("Adoption rate,2026-04-15,40")).status_code == status
    assert _checkpoints() == before


def test_an_archived_programme_refuses_imports(client, pmo):
    programme = pmo["programme"]
    programme.status = ProgrammeStatus.ARCHIVED
    db.session.flush()
    assert client.get(_url(programme)).status_code == 403
    assert _upload(client, programme, _csv("Adoption rate,2026-04-15,40")).status_code == 403
    assert _actuals(pmo["adoption"]) == {}


def test_a_visitor_must_log_in(client, world):
    response = client.get(_url(world["programme"]))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


# Dates and numbers are never misread: what the file does not settle is asked for


def _preview_cells(response) -> list[list[str]]:
    """The preview's rows: the row number, then each cell as written (→ as read)."""
    html = unescape(response.data.decode())
    table = html.split('class="preview-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row" class="nowrap">(\d+)</th>(.*?)</tr>', table, re.S)
    return [
        [
            line,
            *(
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<td>(.*?)</td>", cells)
            ),
        ]
        for line, cells in rows
    ]


def test_a_us_date_that_could_be_swapped_is_asked_about_not_guessed(client, pmo):
    programme, cost = pmo["programme"], pmo["cost"]
    data = _csv("Cost per invoice,11/04/2026,12", "Cost per invoice,12/05/2026,13")
    before, audits = _checkpoints(), _audit_count()
    token = _token(_upload(client, programme, data))
    review = client.get(_url(programme) + f"?upload={token}")
    assert review.status_code == 422
    assert _problems(review) == [
        (
            "Rows 2, 3",
            "Date",
            "11/04/2026 reads as 11 April 2026 (day first) or 4 November 2026 (month first), "
            "and no date in the file settles which: choose the order of day and month.",
        )
    ]
    html = unescape(review.data.decode())
    assert "Day first: 11/04/2026 is 11 April 2026" in html
    assert "Month first: 11/04/2026 is 4 November 2026" in html
    assert b'name="submit"' not in review.data
    assert _checkpoints() == before and _audit_count() == audits

    # Importing anyway, without a preview of a settled reading, writes nothing.
    form = {"upload": token, "date_order": "", "decimal_mark": "", "submit": "Import actuals"}
    assert client.post(_url(programme), data=form).status_code == 422
    assert _checkpoints() == before

    response = _import(client, programme, data, date_order="mdy")
    assert response.status_code == 303
    assert _actuals(cost) == {date(2026, 11, 4): (None, 12.0), date(2026, 12, 5): (None, 13.0)}


@pytest.mark.parametrize(
    ("decider", "order_read"),
    [
        ("25/04/2026", {date(2026, 4, 11), date(2026, 4, 25)}),  # day first
        ("04/25/2026", {date(2026, 11, 4), date(2026, 4, 25)}),  # month first
    ],
)
def test_a_date_that_reads_one_way_only_settles_the_whole_column(client, pmo, decider, order_read):
    programme = pmo["programme"]
    data = _csv("Cost per invoice,11/04/2026,12", f"Cost per invoice,{decider},13")
    token = _token(_upload(client, programme, data))
    review = client.get(_url(programme) + f"?upload={token}")
    assert review.status_code == 200
    assert f"row 3 has {decider}, which reads only that way" in unescape(review.data.decode())
    assert _import(client, programme, data).status_code == 303
    assert set(_actuals(pmo["cost"])) == order_read


def test_dates_written_both_ways_are_refused_with_their_rows(client, pmo):
    data = _csv(
        "Cost per invoice,25/04/2026,1",
        "Cost per invoice,04/26/2026,2",
        "Cost per invoice,2026-05-01,3",
    )
    response = _import(client, pmo["programme"], data)
    assert response.status_code == 422
    assert _problems(response) == [
        (
            "Rows 2, 3",
            "Date",
            "The dates are written both ways: 25/04/2026 (row 2) can only be read day/month/year, "
            "04/26/2026 (row 3) only month/day/year. Write them all one way.",
        )
    ]
    assert _actuals(pmo["cost"]) == {}


def test_a_date_with_a_time_reads_as_its_date(client, pmo):
    data = _csv(
        "Cost per invoice,11/26/2026 08:04:00 AM,12", "Cost per invoice,2026-11-27T09:00:00Z,13"
    )
    assert _import(client, pmo["programme"], data).status_code == 303
    assert set(_actuals(pmo["cost"])) == {date(2026, 11, 26), date(2026, 11, 27)}


def test_a_semicolon_file_reads_decimal_commas(client, pmo):
    programme = pmo["programme"]
    data = b"KPI;Date;Value\nCost per invoice;2026-05-01;1,250\nCost per invoice;2026-05-02;7\n"
    token = _token(_upload(client, programme, data))
    review = client.get(_url(programme) + f"?upload={token}")
    assert review.status_code == 200
    assert "Decimal comma: the file's fields are separated by semicolons." in unescape(
        review.data.decode()
    )
    assert _preview_cells(review) == [
        ["2", "Cost per invoice", "2026-05-01 → 1 May 2026", "1,250 → 1.25 EUR"],
        ["3", "Cost per invoice", "2026-05-02 → 2 May 2026", "7 → 7 EUR"],
    ]
    assert _import(client, programme, data).status_code == 303
    assert _actuals(pmo["cost"]) == {date(2026, 5, 1): (None, 1.25), date(2026, 5, 2): (None, 7.0)}
    commas = b"KPI;Date;Value\nInvoice cycle time;2026-05-01;1,25\n"
    assert _import(client, programme, commas).status_code == 303
    assert _actuals(pmo["cycle"])[date(2026, 5, 1)] == (None, 1.25)


def test_a_semicolon_file_reads_points_when_told_or_when_its_numbers_say_so(client, pmo):
    programme, cost, cycle = pmo["programme"], pmo["cost"], pmo["cycle"]
    told = b"KPI;Date;Value\nCost per invoice;2026-05-01;1,250\n"
    assert _import(client, programme, told, decimal_mark=".").status_code == 303
    assert _actuals(cost) == {date(2026, 5, 1): (None, 1250.0)}
    shown = (
        b"KPI;Date;Value\n"
        b"Invoice cycle time;2026-05-01;1,250\n"
        b"Invoice cycle time;2026-05-02;2,500.5\n"
    )
    assert _import(client, programme, shown).status_code == 303
    assert _actuals(cycle)[date(2026, 5, 1)] == (None, 1250.0)


def test_a_number_that_could_be_read_two_ways_is_asked_about(client, pmo):
    programme, cost = pmo["programme"], pmo["cost"]
    data = _csv('Cost per invoice,2026-05-01,"1,250"', "Cost per invoice,2026-05-02,7")
    response = _import(client, programme, data)
    assert response.status_code == 422
    assert _problems(response) == [
        (
            "Row 2",
            "Value",
            "1,250 reads as 1250 (decimal point) or 1.25 (decimal comma), and no number in the "
            "file settles which: choose the decimal mark.",
        )
    ]
    assert _actuals(cost) == {}
    assert _import(client, programme, data, decimal_mark=",").status_code == 303
    assert _actuals(cost)[date(2026, 5, 1)] == (None, 1.25)


def test_thousands_separators_are_recognised(client, pmo):
    data = (
        "KPI;Date;Value\n"
        "Cost per invoice;2026-05-01;1.250,5\n"
        "Cost per invoice;2026-05-02;1 250,5\n"
        "Cost per invoice;2026-05-03;1\u00a0250,5\n"
    ).encode()
    assert _import(client, pmo["programme"], data).status_code == 303
    assert {actual for _planned, actual in _actuals(pmo["cost"]).values()} == {1250.5}
    more = _csv('Invoice cycle time,2026-05-01,"1,250.5"', "Invoice cycle time,2026-05-02,1'250.5")
    assert _import(client, pmo["programme"], more).status_code == 303
    assert _actuals(pmo["cycle"])[date(2026, 5, 2)] == (None, 1250.5)


def test_an_import_goes_ahead_only_on_a_preview_of_the_same_choices(client, pmo):
    programme = pmo["programme"]
    data = _csv("Cost per invoice,11/04/2026,12")
    token = _token(_upload(client, programme, data))
    day_first = _review(client, programme, token, date_order="dmy")
    assert day_first.status_code == 200
    form = {"upload": token, "date_order": "mdy", "decimal_mark": ""}
    form |= {"previewed": _previewed(day_first), "submit": "Import actuals"}
    switched = client.post(_url(programme), data=form)
    assert switched.status_code == 200  # the preview of month first, not an import
    assert _preview_cells(switched)[0][2] == "11/04/2026 → 4 November 2026"
    assert _actuals(pmo["cost"]) == {}
    form["previewed"] = _previewed(switched)
    assert client.post(_url(programme), data=form).status_code == 303
    assert _actuals(pmo["cost"]) == {date(2026, 11, 4): (None, 12.0)}


def test_workbook_numbers_are_never_read_again_whatever_the_choice(client, pmo):
    data = _xlsx([["KPI", "Date", "Value"], ["Cost per invoice", datetime(2026, 5, 1), 1.125]])
    assert (
        _import(client, pmo["programme"], data, "kpis.xlsx", decimal_mark=",").status_code == 303
    )
    assert _actuals(pmo["cost"]) == {date(2026, 5, 1): (None, 1.125)}


def test_a_review_writes_nothing_and_a_discarded_upload_is_gone(client, pmo):
    programme = pmo["programme"]
    token = _token(_upload(client, programme, _csv("Adoption rate,2026-04-15,40")))
    before, audits = _checkpoints(), _audit_count()
    assert client.get(_url(programme) + f"?upload={token}").status_code == 200
    assert _review(client, programme, token).status_code == 200
    assert _checkpoints() == before and _audit_count() == audits
    discard = {"upload": token, "cancel": "Discard it and upload another"}
    assert client.post(_url(programme), data=discard).status_code == 303
    assert client.get(_url(programme) + f"?upload={token}").status_code == 303
    assert _checkpoints() == before
