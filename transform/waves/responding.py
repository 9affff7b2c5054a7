"""Storing a response: single-use links spent atomically, nothing that identifies anyone.

A response keeps wave, team, answers, optional comment and the day. Spending a
single-use link is one `UPDATE … WHERE is_used = false` in the same transaction as the
response, so two submissions through one link store exactly one response.
"""

import enum
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Integer,
    String,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)

from transform.extensions import db
from transform.models import (
    Answer,
    Instrument,
    Programme,
    Response,
    ResponseSource,
    SurveyLink,
    Team,
    Wave,
    WaveGroup,
    WaveStatus,
    WaveTeam,
)
from transform.models.survey import random_id
from transform.waves.tokens import token_hash


class LinkState(enum.StrEnum):
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"
    #: A team link whose team has as many responses as people: it takes no more, so
    #: nobody can answer it over and over to lift the team over the anonymity threshold.
    FULL = "full"


@dataclass(frozen=True)
class SurveyWave:
    """What the respondent pages show and check of a wave."""

    id: int
    name: str
    opens_on: date
    closes_on: date
    status: WaveStatus


@dataclass(frozen=True)
class SurveyProgramme:
    id: int
    name: str


@dataclass(frozen=True)
class Invitation:
    """What a token opens: the wave and team, and whether it can take a response now.
    The instrument is named by id and revision: its items and wording come from
    transform.survey_cache."""

    state: LinkState
    wave: SurveyWave | None = None
    team_id: int | None = None
    link_id: int | None = None
    programme: SurveyProgramme | None = None
    instrument_id: int | None = None
    instrument_revision: int | None = None


def find_invitation(token: str, is_team_link: bool, today: date) -> Invitation:
    """Look the token up by its hash and say whether it can be answered today.

    One round trip finds the link with its wave, programme and instrument revision and,
    for a team link, whether the team is full: every respondent page view and submission
    starts here, so each round trip counts under load.
    """
    # On the session's connection: a Core execution, without the ORM's result handling
    # for a row of plain columns.
    row = (
        db.session.connection()
        .execute(_invitation_query(is_team_link), {"digest": token_hash(token)})
        .one_or_none()
    )
    if row is None:
        return Invitation(LinkState.UNKNOWN)
    wave = SurveyWave(row.wave_id, row.wave_name, row.opens_on, row.closes_on, row.status)
    invitation = dict(
        wave=wave,
        team_id=row.team_id,
        link_id=row.link_id,
        programme=SurveyProgramme(row.programme_id, row.programme_name),
        instrument_id=row.instrument_id,
        instrument_revision=row.revision,
    )
    if row.used:
        return Invitation(LinkState.USED, **invitation)
    if wave.status == WaveStatus.DRAFT or today < wave.opens_on:
        return Invitation(LinkState.NOT_OPEN_YET, **invitation)
    if wave.status == WaveStatus.CLOSED or today > wave.closes_on:
        return Invitation(LinkState.CLOSED, **invitation)
    if row.is_full:
        return Invitation(LinkState.FULL, **invitation)
    return Invitation(LinkState.OPEN, **invitation)


def _team_is_full(wave_id, team_id):
    """Whether the team has as many responses in the wave as it had people when the wave
    opened (today's headcount for a wave without groups), as a column of the link's row."""
    headcount = func.coalesce(
        select(WaveGroup.headcount)
        .where(WaveGroup.wave_id == wave_id, WaveGroup.team_id == team_id)
        .scalar_subquery(),
        select(Team.headcount).where(Team.id == team_id).scalar_subquery(),
        0,
    )
    answered = (
        select(func.count(Response.id))
        .where(Response.wave_id == wave_id, Response.team_id == team_id)
        .scalar_subquery()
    )
    return answered >= headcount


@cache
def _invitation_query(is_team_link: bool):
    """Built once per kind of link: statement building costs more than the lookup."""
    digest = bindparam("digest", type_=String)
    if is_team_link:
        link = select(
            WaveTeam.wave_id.label("wave_id"),
            WaveTeam.team_id.label("team_id"),
            literal(None, Integer).label("link_id"),
            literal(False).label("used"),
        ).where(WaveTeam.team_link_hash == digest)
    else:
        link = select(
            SurveyLink.wave_id.label("wave_id"),
            SurveyLink.team_id.label("team_id"),
            SurveyLink.id.label("link_id"),
            SurveyLink.is_used.label("used"),
        ).where(SurveyLink.token_hash == digest)
    link = link.subquery()
    # A single-use link is one person's: only a team link can fill its team.
    full = _team_is_full(link.c.wave_id, link.c.team_id) if is_team_link else literal(False)
    return (
        select(
            link.c.team_id,
            link.c.link_id,
            link.c.used,
            Wave.id.label("wave_id"),
            Wave.name.label("wave_name"),
            Wave.opens_on,
            Wave.closes_on,
            Wave.status,
            Programme.id.label("programme_id"),
            Programme.name.label("programme_name"),
            Instrument.id.label("instrument_id"),
            Instrument.revision,
            full.label("is_full"),
        )
        .join(Wave, Wave.id == link.c.wave_id)
        .join(Programme, Programme.id == Wave.programme_id)
        .join(Instrument, Instrument.id == Wave.instrument_id)
    )


def spend_link(link_id: int) -> bool:
    """Mark a single-use link used; False when another submission spent it first."""
    result = db.session.execute(
        update(SurveyLink)
        .where(SurveyLink.id == link_id, SurveyLink.is_used.is_(False))
        .values(is_used=True)
    )
    return result.rowcount == 1


def store_response(
    invitation: Invitation, values: dict[int, int | None], comment: str | None, today: date
) -> None:
    """Add the response and its answers; the caller has spent the link and commits.

    Core inserts with the random ids drawn here, so nothing comes back: on PostgreSQL one
    statement, built once (`_response_with_answers`), elsewhere two.
    """
    response = {
        "id": random_id(),
        "wave_id": invitation.wave.id,
        "team_id": invitation.team_id,
        "submitted_on": today,
        "source": ResponseSource.LINK if invitation.link_id else ResponseSource.TEAM_LINK,
        "comment": comment,
    }
    answer_ids = [random_id() for _ in values]
    if values and db.session.get_bind().dialect.name == "postgresql":
        answers = {"answer_ids": answer_ids, "item_ids": [*values], "values": [*values.values()]}
        db.session.execute(_response_with_answers(), response | answers)
        return
    db.session.execute(insert(Response.__table__), response)
    if values:
        db.session.execute(
            insert(Answer.__table__),
            [
                {"id": answer_id, "response_id": response["id"], "item_id": item, "value": value}
                for answer_id, (item, value) in zip(answer_ids, values.items(), strict=True)
            ],
        )


#: The columns of a response, each a parameter of the statement.
RESPONSE = ("id", "wave_id", "team_id", "submitted_on", "source", "comment")


@cache
def _response_with_answers():
    """`WITH new_response AS (INSERT INTO response …) INSERT INTO answer SELECT … FROM
    unnest(answer ids, item ids, values)`: a fixed text, so compiled and prepared once."""
    table = Response.__table__
    response = (
        insert(table)
        .values({column: bindparam(column, type_=table.c[column].type) for column in RESPONSE})
        .cte("new_response")
    )
    rows = (
        func.unnest(
            bindparam("answer_ids", type_=ARRAY(BigInteger)),
            bindparam("item_ids", type_=ARRAY(Integer)),
            bindparam("values", type_=ARRAY(Integer)),
        )
        .table_valued("id", "item_id", "value")
        .render_derived()
    )
    answers = select(rows.c.id, bindparam("id", type_=BigInteger), rows.c.item_id, rows.c.value)
    return (
        insert(Answer.__table__)
        .from_select(["id", "response_id", "item_id", "value"], answers)
        .add_cte(response)
    )
