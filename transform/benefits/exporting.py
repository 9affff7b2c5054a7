"""The register as a workbook: one sheet of initiatives, one of every value entry. Text
that a spreadsheet would run as a formula is escaped (transform.spreadsheets)."""

import io
import re
from datetime import date

from transform.benefits.queries import Register
from transform.models import Programme, ValueKind
from transform.spreadsheets import workbook_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INITIATIVE_HEADER = (
    "Id",
    "Initiative",
    "Stage",
    "Workstream",
    "Owner",
    "Teams",
    "Planned net",
    "Forecast net",
    "Actual net",
    "Expected net",
    "Value at risk",
)
VALUE_HEADER = ("Initiative id", "Initiative", "Month", "Kind", "Type", "Amount", "Confirmed on")


def filename(programme: Programme, today: date) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", programme.name.lower()).strip("-")[:60] or "programme"
    return f"{slug}-benefits-{today.isoformat()}.xlsx"


def to_xlsx(programme: Programme, register: Register) -> bytes:
    """The register's initiatives and their value entries, amounts in the programme's
    currency (named in the header)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)

    def cells(sheet, values):
        return workbook_row(sheet, values, "yyyy-mm")

    currency = programme.currency
    initiatives = workbook.create_sheet("Initiatives")
    initiatives.append(
        cells(
            initiatives,
            [*INITIATIVE_HEADER[:6], *(f"{h} ({currency})" for h in INITIATIVE_HEADER[6:])],
        )
    )
    values = workbook.create_sheet("Values")
    values.append(cells(values, [*VALUE_HEADER[:5], f"Amount ({currency})", VALUE_HEADER[6]]))
    for row in register.rows:
        initiative = row.initiative
        initiatives.append(
            cells(
                initiatives,
                (
                    initiative.id,
                    initiative.name,
                    initiative.stage.value,
                    initiative.workstream,
                    initiative.owner.name if initiative.owner else "",
                    "; ".join(team.name for team in initiative.teams),
                    row.planned.net,
                    row.forecast.net,
                    row.actual.net,
                    row.expected,
                    row.risk.value,
                ),
            )
        )
        for entry in sorted(initiative.entries, key=lambda e: (e.month, e.kind, e.value_type)):
            confirmed = entry.confirmed_at.date() if entry.confirmed_at else None
            values.append(
                cells(
                    values,
                    (
                        initiative.id,
                        initiative.name,
                        entry.month,
                        entry.kind.value,
                        entry.value_type.value,
                        entry.amount,
                        confirmed if entry.kind == ValueKind.ACTUAL else None,
                    ),
                )
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
