"""Read models for wave pages: waves with response counts, response rates per team."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from transform.extensions import db
from transform.models import (
    ImpactedTeam,
    Instrument,
    Programme,
    Response,
    SurveyLink,
    Team,
    Wave,
    WaveTeam,
)


@dataclass(frozen=True)
class TeamRate:
    team: Team
    headcount: int
    responses: int
    links_issued: int
    links_used: int
    has_team_link: bool

    @property
    def rate(self) -> float | None:
        """Responses as a percentage of headcount; None for a team with no headcount."""
        return 100.0 * self.responses / self.headcount if self.headcount else None


def waves_of(programme: Programme) -> list[tuple[Wave, int]]:
    """The programme's waves, newest first, with their response counts."""
    responses = (
        select(func.count(Response.id)).where(Response.wave_id == Wave.id).scalar_subquery()
    )
    rows = db.session.execute(
        select(Wave, responses)
        .where(Wave.programme_id == programme.id)
        .order_by(Wave.opens_on.desc(), Wave.id.desc())
    )
    return [(wave, count) for wave, count in rows]


def wave_or_none(programme: Programme, wave_id: int) -> Wave | None:
    return db.session.scalar(
        select(Wave).where(Wave.id == wave_id, Wave.programme_id == programme.id)
    )


def team_rates(wave: Wave, as_of: date | None = None) -> list[TeamRate]:
    """Each target team's responses (submitted by `as_of`, if given), headcount and links,
    in three grouped queries."""
    counted = [Response.wave_id == wave.id]
    if as_of is not None:
        counted.append(Response.submitted_on <= as_of)
    responses = dict(
        db.session.execute(
            select(Response.team_id, func.count(Response.id))
            .where(*counted)
            .group_by(Response.team_id)
        ).all()
    )
    links = {
        team_id: (issued, used)
        for team_id, issued, used in db.session.execute(
            select(
                SurveyLink.team_id,
                func.count(SurveyLink.id),
                func.sum(case((SurveyLink.is_used, 1), else_=0)),
            )
            .where(SurveyLink.wave_id == wave.id)
            .group_by(SurveyLink.team_id)
        )
    }
    rows = db.session.execute(
        select(Team, WaveTeam.team_link_hash)
        .join(WaveTeam, WaveTeam.team_id == Team.id)
        .where(WaveTeam.wave_id == wave.id)
        .order_by(Team.name)
    ).all()
    return [
        TeamRate(
            team,
            team.headcount,
            responses.get(team.id, 0),
            links.get(team.id, (0, 0))[0],
            int(links.get(team.id, (0, 0))[1] or 0),
            link_hash is not None,
        )
        for team, link_hash in rows
    ]


def impacted_teams(programme: Programme) -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .join(ImpactedTeam, ImpactedTeam.team_id == Team.id)
            .where(ImpactedTeam.programme_id == programme.id)
            .order_by(Team.name)
        )
    )


def instruments() -> list[Instrument]:
    return list(db.session.scalars(select(Instrument).order_by(Instrument.name)))
