"""Storing a response: single-use links spent atomically, nothing that identifies anyone.

A response keeps wave, team, answers, optional comment and the day. Spending a
single-use link is one `UPDATE … WHERE is_used = false` in the same transaction as the
response, so two submissions through one link store exactly one response.
"""

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update

from transform.extensions import db
from transform.models import (
    Answer,
    Instrument,
    Programme,
    Response,
    ResponseSource,
    SurveyLink,
    Wave,
    WaveStatus,
    WaveTeam,
)
from transform.surveys.tokens import token_hash


class LinkState(enum.StrEnum):
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"


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
    """Look the token up by its hash and say whether it can be answered today."""
    digest = token_hash(token)
    if is_team_link:
        row = db.session.execute(
            select(WaveTeam.wave_id, WaveTeam.team_id).where(WaveTeam.team_link_hash == digest)
        ).first()
        link_id, used = None, False
    else:
        row = db.session.execute(
            select(
                SurveyLink.wave_id, SurveyLink.team_id, SurveyLink.id, SurveyLink.is_used
            ).where(SurveyLink.token_hash == digest)
        ).first()
        link_id, used = (row[2], row[3]) if row else (None, False)
    if row is None:
        return Invitation(LinkState.UNKNOWN)
    wave = db.session.get(Wave, row[0])
    invitation = dict(
        wave=wave,
        team_id=row[1],
        link_id=link_id,
        programme=db.session.get(Programme, wave.programme_id),
        instrument=wave.instrument,
    )
    if used:
        return Invitation(LinkState.USED, **invitation)
    if wave.status == WaveStatus.DRAFT or today < wave.opens_on:
        return Invitation(LinkState.NOT_OPEN_YET, **invitation)
    if wave.status == WaveStatus.CLOSED or today > wave.closes_on:
        return Invitation(LinkState.CLOSED, **invitation)
    return Invitation(LinkState.OPEN, **invitation)


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
