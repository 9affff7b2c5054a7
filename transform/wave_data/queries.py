"""Read models for a wave's raw data: its items, its teams, its responses."""

from datetime import date

from sqlalchemy import select

from transform.answers import ItemSpec, item_spec
from transform.extensions import db
from transform.models import Answer, Item, Programme, Response, Team, Wave, WaveTeam
from transform.templating import format_date
from transform.wave_data.exporting import ResponseRecord, WaveExport, build_export
from transform.wave_data.importing import TeamRef
from transform.wave_groups import group_names, wave_parents


def answer_specs(wave: Wave) -> list[ItemSpec]:
    """The wave's items in their order."""
    items = db.session.scalars(
        select(Item).where(Item.instrument_id == wave.instrument_id).order_by(Item.position)
    )
    return [item_spec(item) for item in items]


def team_refs(wave: Wave) -> list[TeamRef]:
    """Every team, marked whether the wave surveys it: a file may name any of them."""
    targets = select(WaveTeam.team_id).where(WaveTeam.wave_id == wave.id)
    rows = db.session.execute(select(Team.id, Team.name, Team.external_id, Team.id.in_(targets)))
    return [
        TeamRef(id, name, external_id, bool(is_target))
        for id, name, external_id, is_target in rows
    ]


def response_records(wave: Wave, items: list[ItemSpec]) -> list[ResponseRecord]:
    """Every response of the wave with its group's name (as it stood when the wave
    opened) and answers in item order."""
    rows = db.session.execute(
        select(Response.id, Response.team_id, Response.submitted_on, Response.comment).where(
            Response.wave_id == wave.id
        )
    ).all()
    names = group_names(wave.id, {row.team_id for row in rows})
    team_ids = {row.team_id for row in rows}
    external_ids = dict(
        db.session.execute(select(Team.id, Team.external_id).where(Team.id.in_(team_ids))).all()
    )
    values: dict[int, dict[int, int | None]] = {row.id: {} for row in rows}
    answers = db.session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id == wave.id)
    )
    for response_id, item_id, value in answers:
        values[response_id][item_id] = value
    return [
        ResponseRecord(
            team_id=row.team_id,
            team=names[row.team_id].name if row.team_id in names else f"Team {row.team_id}",
            submitted_on=row.submitted_on,
            values=tuple(values[row.id].get(item.id) for item in items),
            comment=row.comment,
            team_external_id=external_ids.get(row.team_id) or "",
        )
        for row in rows
    ]


def still_collecting(wave: Wave, today: date) -> str | None:
    """Why the wave's raw rows cannot be exported yet, or None once it has closed: two
    exports of an open wave, a minute apart, would hold a new respondent's complete
    answers as the one new row."""
    if wave.has_closed_by(today):
        return None
    return (
        f"“{wave.name}” is still collecting responses: its raw responses can be exported "
        f"once it closes (on {format_date(wave.closes_on)}, or when a PMO closes it). Its "
        "figures, within the anonymity rules, are on the dashboard meanwhile."
    )


def wave_export(programme: Programme, wave: Wave) -> WaveExport:
    """The wave's responses as the export writes them, with anonymity applied."""
    items = answer_specs(wave)
    return build_export(
        programme.name,
        wave.name,
        [item.code for item in items],
        response_records(wave, items),
        wave_parents(wave.id),
        programme.anonymity_threshold,
        programme.comment_threshold,
    )
