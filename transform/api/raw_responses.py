"""A closed wave's raw responses over the API, as CSV or JSON: the rows the file export
writes, by the same anonymity rules (transform/wave_data/exporting.py)."""

from datetime import date

from flask import Response
from pydantic import BaseModel, Field

from transform import clock
from transform.api.blueprint import api
from transform.api.problems import ApiProblem
from transform.models import Role
from transform.wave_data import queries
from transform.wave_data.exporting import WaveExport, filename, to_csv
from transform.waves.queries import wave_or_404

TAG = "Surveys"
RULES = (
    "Only once the wave has closed (409 with the reason while it collects), for PMO "
    "admins and sponsors as the export in the app. Teams with fewer responses than the "
    "programme's anonymity threshold are left out, with the next smallest team where a "
    "parent's or the wave's figures would give them away; comments only for teams at or "
    "above the comment threshold. Rows are sorted by team, day and answers, never by "
    "when they came in."
)


class RawResponses(BaseModel):
    wave_id: int
    wave: str
    columns: list[str] = Field(
        description="The keys of each row: the fixed columns, each item's code, comment."
    )
    rows: list[dict[str, str | int | date | None]] = Field(
        description="One response each; an answer is null for don't know or no answer."
    )
    anonymity_threshold: int
    comment_threshold: int
    omitted_teams: list[str] = Field(description="Teams left out by the anonymity rules.")
    comments_withheld: list[str] = Field(description="Teams whose comments are blanked.")


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/waves/<int:wave_id>/responses",
    summary="Read a closed wave's raw responses as JSON",
    tag=TAG,
    description=RULES,
    response=RawResponses,
    errors=(403, 404, 409),
)
def raw_responses(programme_id: int, wave_id: int):
    wave_id, export = _export(programme_id, wave_id)
    return RawResponses(
        wave_id=wave_id,
        wave=export.wave,
        columns=list(export.header),
        rows=[dict(zip(export.header, row, strict=True)) for row in export.rows],
        anonymity_threshold=export.anonymity_threshold,
        comment_threshold=export.comment_threshold,
        omitted_teams=export.omitted_teams,
        comments_withheld=export.comments_withheld,
    )


@api.operation(
    "GET",
    "/programmes/<int:programme_id>/waves/<int:wave_id>/responses.csv",
    summary="Read a closed wave's raw responses as CSV",
    tag=TAG,
    description=RULES + " The file the app's export gives: UTF-8 with a BOM, ISO dates, "
    "text that a spreadsheet would read as a formula starts with an apostrophe.",
    media_type="text/csv",
    errors=(403, 404, 409),
)
def raw_responses_csv(programme_id: int, wave_id: int):
    _wave_id, export = _export(programme_id, wave_id)
    response = Response(to_csv(export), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(export, "csv")}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _export(programme_id: int, wave_id: int) -> tuple[int, WaveExport]:
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, Role.SPONSOR)
    refusal = queries.still_collecting(wave, clock.today())
    if refusal:
        raise ApiProblem(409, refusal)
    return wave.id, queries.wave_export(access.programme, wave)
