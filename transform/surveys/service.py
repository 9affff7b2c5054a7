"""Waves and their links: creating, opening, closing, and issuing tokens shown once.

Tokens leave the server exactly once, in the response to the PMO who issued them;
the database keeps their SHA-256 only. Issuing again for a team replaces the team's
unused links, so a lost CSV is fixed by issuing a new one.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import Instrument, Programme, SurveyLink, Team, Wave, WaveTeam
from transform.surveys.tokens import new_token, token_hash

MAX_LINKS_PER_ISSUE = 5000
WAVE_FIELDS = ("name", "instrument_id", "opens_on", "closes_on", "status")


@dataclass(frozen=True)
class WaveDraft:
    name: str
    instrument: Instrument
    opens_on: date
    closes_on: date
    teams: list[Team]


def create_wave(programme: Programme, draft: WaveDraft) -> Wave:
    wave = Wave(
        programme_id=programme.id,
        instrument_id=draft.instrument.id,
        name=draft.name.strip(),
        opens_on=draft.opens_on,
        closes_on=draft.closes_on,
        teams=[WaveTeam(team_id=team.id) for team in draft.teams],
    )
    db.session.add(wave)
    db.session.flush()
    record_change("wave.created", wave, programme.id, None, snapshot(wave, *WAVE_FIELDS))
    return wave


def open_wave(wave: Wave) -> None:
    before = snapshot(wave, "status")
    wave.open()
    db.session.flush()
    record_change("wave.opened", wave, wave.programme_id, before, snapshot(wave, "status"))


def close_wave(wave: Wave) -> None:
    before = snapshot(wave, "status")
    wave.close()
    db.session.flush()
    record_change("wave.closed", wave, wave.programme_id, before, snapshot(wave, "status"))


def issue_links(wave: Wave, team: Team, count: int) -> list[str]:
    """New single-use links for the team, replacing its unused ones; returns the tokens."""
    if not 1 <= count <= MAX_LINKS_PER_ISSUE:
        raise ValueError(f"Issue between 1 and {MAX_LINKS_PER_ISSUE} links at a time.")
    db.session.execute(
        delete(SurveyLink).where(
            SurveyLink.wave_id == wave.id,
            SurveyLink.team_id == team.id,
            SurveyLink.is_used.is_(False),
        )
    )
    tokens = [new_token() for _ in range(count)]
    db.session.execute(
        SurveyLink.__table__.insert(),
        [
            {"wave_id": wave.id, "team_id": team.id, "token_hash": token_hash(t), "is_used": False}
            for t in tokens
        ],
    )
    record_change(
        "wave.links_issued", wave, wave.programme_id, None, {"team_id": team.id, "links": count}
    )
    return tokens


def issue_team_link(wave_team: WaveTeam) -> str:
    """A new reusable link for the whole team, replacing any earlier one."""
    token = new_token()
    wave_team.team_link_hash = token_hash(token)
    db.session.flush()
    record_change(
        "wave.team_link_issued",
        wave_team.wave,
        wave_team.wave.programme_id,
        None,
        {"team_id": wave_team.team_id},
    )
    return token


def wave_team_or_none(wave: Wave, team_id: int) -> WaveTeam | None:
    return db.session.scalar(
        select(WaveTeam).where(WaveTeam.wave_id == wave.id, WaveTeam.team_id == team_id)
    )
