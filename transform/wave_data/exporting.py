"""A wave's raw responses as CSV and Excel: pure, no Flask and no database.

Anonymity decides what is written: a team with fewer responses in the wave than the
programme's anonymity threshold is left out entirely, and so is the next smallest
team where its parent's or the wave's figures would otherwise give it away (see
the scoring core's disclosure rule); a team below the comment threshold has its comments blanked.

In the CSV every text cell goes through transform.spreadsheets.safe_cell, so that no
cell can start a formula (OWASP "CSV injection"); the workbook types text cells as text
instead, so they are never formulas and read exactly as written. Its header row is
frozen and filtered. Beside each team's name is its team id (the HR system's id), so
that a BI tool can join the rows to HR data.
"""

import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from transform.scoring.anonymity import comment_visible, withheld_rows
from transform.spreadsheets import csv_text, workbook_row

FIXED_COLUMNS = ("wave", "team_id", "team", "submitted_on")
COMMENT_COLUMN = "comment"
CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel read the file as UTF-8
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ResponseRecord:
    team_id: int
    team: str
    submitted_on: date
    #: Answers in item order; None for "don't know" or unanswered.
    values: tuple[int | None, ...]
    comment: str | None
    #: The team's id in the HR system (Team.external_id); "" when it has none.
    team_external_id: str = ""


@dataclass(frozen=True)
class WaveExport:
    """What the files hold, and what anonymity withheld from them."""

    programme: str
    wave: str
    item_codes: tuple[str, ...]
    rows: list[tuple]
    anonymity_threshold: int
    comment_threshold: int
    #: Teams left out, and teams whose comments were blanked, by name.
    omitted_teams: list[str]
    comments_withheld: list[str]

    @property
    def header(self) -> tuple[str, ...]:
        return (*FIXED_COLUMNS, *self.item_codes, COMMENT_COLUMN)


def build_export(
    programme: str,
    wave: str,
    item_codes: Sequence[str],
    records: Sequence[ResponseRecord],
    parents: Mapping[int, int | None],
    anonymity_threshold: int,
    comment_threshold: int,
) -> WaveExport:
    """One row per response of teams not withheld, comments where allowed.

    Rows are sorted by team, day and answers, not by when they came in, so their order
    cannot tell who answered first.
    """
    counts = Counter(record.team_id for record in records)
    names = {record.team_id: record.team for record in records}
    withheld = withheld_rows(counts, parents, anonymity_threshold)
    rows = []
    for record in records:
        if record.team_id in withheld:
            continue
        comment = (
            record.comment
            if comment_visible(counts[record.team_id], comment_threshold, anonymity_threshold)
            else None
        )
        rows.append(
            (
                wave,
                record.team_external_id,
                record.team,
                record.submitted_on,
                *record.values,
                comment or None,
            )
        )
    rows.sort(key=_row_order)
    commented = {record.team_id for record in records if record.comment}
    blanked = [
        team
        for team, count in counts.items()
        if team not in withheld
        and not comment_visible(count, comment_threshold, anonymity_threshold)
        and team in commented
    ]
    return WaveExport(
        programme,
        wave,
        tuple(item_codes),
        rows,
        anonymity_threshold,
        comment_threshold,
        sorted(names[team] for team in withheld),
        sorted(names[team] for team in blanked),
    )


def _row_order(row: tuple) -> tuple:
    """Team, day, then answers (no answer last), then comment."""
    answers = tuple((value is None, value or 0) for value in row[4:-1])
    return (row[2], row[1], row[3], answers, row[-1] or "")


def filename(export: WaveExport, extension: str) -> str:
    return f"{slug(export.programme)}-{slug(export.wave)}-responses.{extension}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "wave"


def to_csv(export: WaveExport) -> bytes:
    """The export as CSV: ISO dates, blank cells for no answer, formula text escaped."""
    return csv_text(export.header, export.rows).encode(CSV_ENCODING)


def to_xlsx(export: WaveExport, exported_on: date) -> bytes:
    """The export as a workbook: the responses, then an About sheet on what was withheld."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)

    def cells(sheet, values):
        return workbook_row(sheet, values, "yyyy-mm-dd")

    responses = workbook.create_sheet("Responses")
    responses.freeze_panes = "A2"
    last = f"{get_column_letter(len(export.header))}{len(export.rows) + 1}"
    responses.auto_filter.ref = f"A1:{last}"
    responses.append(cells(responses, export.header))
    for values in export.rows:
        responses.append(cells(responses, values))
    about = workbook.create_sheet("About")
    for values in _about(export, exported_on):
        about.append(cells(about, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _about(export: WaveExport, exported_on: date) -> list[tuple]:
    def names(teams: list[str]) -> str:
        return "; ".join(teams) if teams else "None"

    return [
        ("Programme", export.programme),
        ("Wave", export.wave),
        ("Exported on", exported_on),
        ("Responses in this file", len(export.rows)),
        (
            "Anonymity threshold",
            f"{export.anonymity_threshold}: teams with fewer responses are left out, and "
            "with them the next smallest team where the figures of their parent team or "
            "of the whole wave would otherwise give their answers away.",
        ),
        ("Teams left out", names(export.omitted_teams)),
        (
            "Comment threshold",
            f"{export.comment_threshold}: teams with fewer responses have their comments blanked.",
        ),
        ("Teams whose comments are blanked", names(export.comments_withheld)),
        ("Blank answers", "Don't know, or not answered."),
        ("Team id", "The team's id in the HR system, to join the rows to HR data."),
        (
            "Formula-like text",
            "Text cells are text: one starting with =, +, -, @ is shown as written and "
            "never run as a formula. (The CSV export puts an apostrophe before such text.)",
        ),
    ]
