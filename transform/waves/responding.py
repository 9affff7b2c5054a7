"""Storing a response: single-use links spent atomically, nothing that identifies anyone.

A response keeps wave, team, answers, optional comment and the day. Spending a
single-use link is one `UPDATE … WHERE is_used = false` in the same transaction as the
response, so two submissions through one link store exactly one response.
"""

import enum
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Integer, String, bindparam, func, insert, literal, select, update
from sqlalchemy.orm import joinedload

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
class Invitation:
    """What a token opens: the wave and team, and whether it can take a response now."""

    state: LinkState
    wave: Wave | None = None
    team_id: int | None = None
    link_id: int | None = None
    programme: Programme | None = None
    instrument: Instrument | None = None


def find_invitation(token: str, is_team_link: bool, today: date) -> Invitation:
    """Look the token up by its hash and say whether it can be answered today.

    One round trip finds the link with its wave, programme, instrument and items, and
    a team link's second says whether the team is full: every respondent page view and
    submission starts here, so each round trip counts under load.
    """
    row = (
        db.session.execute(_invitation_query(is_team_link), {"digest": token_hash(token)})
        .unique()
        .one_or_none()
    )
    if row is None:
        return Invitation(LinkState.UNKNOWN)
    team_id, link_id, used, wave, programme, instrument = row
    invitation = dict(
        wave=wave,
        team_id=team_id,
        link_id=link_id,
        programme=programme,
        instrument=instrument,
    )
    if used:
        return Invitation(LinkState.USED, **invitation)
    if wave.status == WaveStatus.DRAFT or today < wave.opens_on:
        return Invitation(LinkState.NOT_OPEN_YET, **invitation)
    if wave.status == WaveStatus.CLOSED or today > wave.closes_on:
        return Invitation(LinkState.CLOSED, **invitation)
    if is_team_link and _team_is_full(wave.id, team_id):
        return Invitation(LinkState.FULL, **invitation)
    return Invitation(LinkState.OPEN, **invitation)


def _team_is_full(wave_id: int, team_id: int) -> bool:
    """Whether the team has as many responses in the wave as it had people when the wave
    opened (today's headcount for a wave without groups)."""
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
    return db.session.scalar(select(answered >= headcount))


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
    return (
        select(link.c.team_id, link.c.link_id, link.c.used, Wave, Programme, Instrument)
        .join(Wave, Wave.id == link.c.wave_id)
        .join(Programme, Programme.id == Wave.programme_id)
        .join(Instrument, Instrument.id == Wave.instrument_id)
        .options(joinedload(Instrument.items))
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
    """Add the response and its answers; the caller has spent the link and commits."""
    source = ResponseSource.LINK if invitation.link_id else ResponseSource.TEAM_LINK
    response_id = db.session.execute(
        insert(Response)
        .values(
            wave_id=invitation.wave.id,
            team_id=invitation.team_id,
            submitted_on=today,
            source=source,
            comment=comment,
        )
        .returning(Response.id)
    ).scalar_one()
    db.session.execute(
        insert(Answer),
        [
            {"response_id": response_id, "item_id": item_id, "value": value}
            for item_id, value in values.items()
        ],
    )
