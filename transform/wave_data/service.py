"""Importing checked responses into a wave, in bulk and all or nothing.

Padding is refused before anything is read: rows typed in by someone who cannot see a
hidden group's answers could lift it over the anonymity threshold, and subtracting them
would give the real respondents' figures away. So only a wave that collects by import
takes imports (a link wave never does), and only from the person who made its first
import, who holds every row of it already.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import insert, select

from transform.audit import record_change
from transform.extensions import db
from transform.models import (
    Answer,
    AuditEvent,
    Response,
    ResponseSource,
    User,
    Wave,
    WaveCollection,
)
from transform.value_reading import DateOrder
from transform.wave_data import layouts, source_ids
from transform.wave_data.import_files import Table
from transform.wave_data.importing import (
    CheckedResponse,
    ColumnMapping,
    ImportRefused,
    Problem,
    ResponseReview,
    default_day,
    review_responses,
)
from transform.wave_data.queries import answer_specs, team_refs

IMPORTED = "wave.responses_imported"


class CollectionRefused(ImportRefused):
    """This wave does not take imports from this person; nothing was read."""


@dataclass(frozen=True)
class ImportSummary:
    responses: int
    answers: int
    #: (team name, responses imported), by name
    per_team: list[tuple[str, int]]
    #: Responses of the file skipped as imported before (by their source response id).
    skipped: int = 0


def review(
    wave: Wave,
    table: Table,
    mapping: ColumnMapping,
    today: date,
    file_sha256: str,
    date_order: DateOrder | None = None,
) -> ResponseReview:
    """The table read through the mapping for the wave, writing nothing, without the
    responses whose source id was imported into the wave before; a file already imported
    into the wave, or a mapping that cannot work, raises ImportRefused."""
    _refuse_a_second_import(wave, file_sha256)
    reviewed = review_responses(
        table,
        mapping,
        answer_specs(wave),
        team_refs(wave),
        (wave.opens_on, wave.closes_on),
        default_day(wave.opens_on, wave.closes_on, today),
        date_order,
        layouts.MONTH_FIRST_ORDER.get(table.tool or ""),
    )
    ids = [response.source_id for response in reviewed.responses if response.source_id]
    before = source_ids.imported_before(wave, ids)
    if not before:
        return reviewed
    new = [response for response in reviewed.responses if response.source_id not in before]
    reviewed = replace(reviewed, responses=new, already_imported=len(before))
    if not new and not reviewed.total:
        raise ImportRefused(
            [
                Problem(
                    f"Every response in this file ({len(before):,}) was imported into this "
                    "wave before: there is nothing new to import."
                )
            ]
        )
    return reviewed


def import_responses(
    wave: Wave,
    table: Table,
    mapping: ColumnMapping,
    today: date,
    file_sha256: str,
    by: User,
    via: str = "import",
) -> ImportSummary:
    """Add every response in the table to the wave, or ImportRefused listing every problem.
    `via` is the audit trail's source: "import" for a file, the API token's for responses
    sent as JSON (whose days are ISO dates: no order of day and month is needed)."""
    refuse_padding(wave, by)
    reviewed = review(wave, table, mapping, today, file_sha256)
    refusal = reviewed.refusal()
    if refusal:
        raise refusal
    return write_responses(
        wave, reviewed.responses, file_sha256, by, via, reviewed.already_imported
    )


def write_responses(
    wave: Wave,
    checked: Sequence[CheckedResponse],
    file_sha256: str,
    by: User,
    via: str,
    skipped: int = 0,
) -> ImportSummary:
    """Add checked responses to the wave, if `by` may add to it; flush only.

    Responses and answers go in as two bulk inserts, so 20,000 rows take seconds. Only
    wave, team, day, answers and comment are stored: whatever else the file holds
    (respondent ids, e-mails, names, times) is never read.
    """
    refuse_padding(wave, by)
    # render_nulls keeps rows with and without a NULL in one batch, not one INSERT each.
    response_ids = db.session.scalars(
        insert(Response)
        .returning(Response.id, sort_by_parameter_order=True)
        .execution_options(render_nulls=True),
        [
            {
                "wave_id": wave.id,
                "team_id": response.team_id,
                "submitted_on": response.submitted_on,
                "source": ResponseSource.IMPORT,
                "comment": response.comment,
            }
            for response in checked
        ],
    ).all()
    answers = [
        {"response_id": response_id, "item_id": item_id, "value": value}
        for response_id, response in zip(response_ids, checked, strict=True)
        for item_id, value in response.answers.items()
    ]
    if answers:
        # A Core executemany: it skips the ORM's per-row bookkeeping of 300,000 rows.
        db.session.execute(insert(Answer.__table__), answers)
    source_ids.remember(wave, (response.source_id for response in checked if response.source_id))
    wave.importer_id = by.id
    counts = Counter(response.team_id for response in checked)
    names = {team.id: team.name for team in team_refs(wave)}
    record_change(
        IMPORTED,
        wave,
        wave.programme_id,
        after={
            "responses": len(checked),
            "answers": len(answers),
            "file_sha256": file_sha256,
            "skipped_as_imported_before": skipped,
        },
        via=via,
    )
    db.session.flush()
    per_team = sorted((names[team_id], count) for team_id, count in counts.items())
    return ImportSummary(len(checked), len(answers), per_team, skipped)


def refuse_padding(wave: Wave, by: User) -> None:
    """CollectionRefused unless the wave collects by import and `by` may add to it."""
    if wave.collection != WaveCollection.IMPORT:
        raise CollectionRefused(
            [
                Problem(
                    f"“{wave.name}” collects through survey links, so it takes no imported "
                    "responses: rows typed in could lift a team hidden for anonymity over "
                    "the threshold and give its respondents' answers away. Import into a "
                    "wave created to collect imported responses."
                )
            ]
        )
    if wave.importer_id is not None and wave.importer_id != by.id:
        owner = db.session.get(User, wave.importer_id)
        raise CollectionRefused(
            [
                Problem(
                    f"Only {owner.name if owner else 'the person who made its first import'} "
                    f"adds responses to “{wave.name}”: they hold every row of it. Rows from "
                    "anyone else could lift a hidden team over the anonymity threshold. Ask "
                    "them to import your file."
                )
            ]
        )


def _refuse_a_second_import(wave: Wave, file_sha256: str) -> None:
    """The same file imported twice would count every respondent twice."""
    earlier = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == IMPORTED,
            AuditEvent.entity == Wave.__tablename__,
            AuditEvent.entity_id == wave.id,
        )
    )
    for event in earlier:
        if (event.after or {}).get("file_sha256") == file_sha256:
            raise ImportRefused(
                [
                    Problem(
                        f"This file was already imported into this wave on "
                        f"{event.at:%Y-%m-%d}; importing it again would count every "
                        "response twice."
                    )
                ]
            )
