"""Read models for wave pages: waves with response counts, response rates per team."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import case, func, select

from transform.access import ProgrammeAccess, programme_access_or_404
from transform.extensions import db
from transform.models import (
    Instrument,
    Programme,
    Response,
    Role,
    SurveyLink,
    Team,
    Wave,
    WaveGroup,
    WaveTeam,
)
from transform.scoring.anonymity import disclosure, effective_threshold
from transform.wave_groups import wave_parents


@dataclass(frozen=True)
class TeamRate:
    """A target team's responses and links, under the anonymity rules for counts."""

    team_id: int
    #: The team's name as it stood when the wave opened.
    name: str
    #: Its headcount then (today's for a draft wave).
    headcount: int
    #: Its own responses: shown only when `count_shown`.
    responses: int
    links_issued: int
    links_used: int
    has_team_link: bool
    #: Whether the count may be shown: the rule for a team's own responses in
    #: scoring.anonymity (what the export may publish), so that no small group can be
    #: worked out from this table, the dashboard and the total together.
    count_shown: bool
    threshold: int

    @property
    def rate(self) -> float | None:
        """Responses as a percentage of headcount; None without a headcount or when the
        count is not shown (the rate would give it away)."""
        if not self.count_shown or not self.headcount:
            return None
        return 100.0 * self.responses / self.headcount

    @property
    def count_label(self) -> str:
        """The count, or "hidden": a count below the threshold and one withheld so that it
        cannot be subtracted read alike, as suppressed figures do (scoring.anonymity)."""
        return str(self.responses) if self.count_shown else "hidden"


@dataclass(frozen=True)
class WaveCounts:
    rates: list[TeamRate]
    #: All the wave's responses, shown only from the threshold up.
    total: int
    threshold: int

    @property
    def total_shown(self) -> bool:
        return self.total == 0 or self.total >= self.threshold

    @property
    def total_label(self) -> str:
        return count_label(self.total, self.threshold)

    @property
    def people(self) -> int:
        return sum(rate.headcount for rate in self.rates)


def count_label(count: int, threshold: int) -> str:
    """A total response count: the number from the threshold up, else "fewer than N"."""
    return str(count) if count == 0 or count >= threshold else f"fewer than {threshold}"


def waves_of(programme: Programme) -> list[tuple[Wave, str]]:
    """The programme's waves, newest first, with their response counts in words: a count
    below the anonymity threshold reads "fewer than N"."""
    responses = (
        select(func.count(Response.id)).where(Response.wave_id == Wave.id).scalar_subquery()
    )
    rows = db.session.execute(
        select(Wave, responses)
        .where(Wave.programme_id == programme.id)
        .order_by(Wave.opens_on.desc(), Wave.id.desc())
    )
    threshold = effective_threshold(programme.anonymity_threshold)
    return [(wave, count_label(count, threshold)) for wave, count in rows]


def wave_or_none(programme: Programme, wave_id: int) -> Wave | None:
    return db.session.scalar(
        select(Wave).where(Wave.id == wave_id, Wave.programme_id == programme.id)
    )


def wave_or_404(
    programme_id: int, wave_id: int, *roles: Role, for_write: bool = False
) -> tuple[ProgrammeAccess, Wave]:
    """The user's access to the programme and its wave; 404 outside it (403 for a role)."""
    access = programme_access_or_404(programme_id, *roles, for_write=for_write)
    wave = wave_or_none(access.programme, wave_id)
    if wave is None:
        abort(404)
    return access, wave


def wave_counts(wave: Wave, threshold: int | None, as_of: date | None = None) -> WaveCounts:
    """Each target team's responses (submitted by `as_of`, if given), headcount and links,
    in a few grouped queries, with what of the counts anonymity lets through."""
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
    team_links = dict(
        db.session.execute(
            select(WaveTeam.team_id, WaveTeam.team_link_hash).where(WaveTeam.wave_id == wave.id)
        ).all()
    )
    control = disclosure(responses, wave_parents(wave.id), threshold)
    rates = [
        TeamRate(
            team_id=target.team_id,
            name=target.name,
            headcount=target.headcount,
            responses=responses.get(target.team_id, 0),
            links_issued=links.get(target.team_id, (0, 0))[0],
            links_used=int(links.get(target.team_id, (0, 0))[1] or 0),
            has_team_link=team_links.get(target.team_id) is not None,
            count_shown=not responses.get(target.team_id)
            or target.team_id not in control.rows_withheld,
            threshold=control.threshold,
        )
        for target in _targets(wave)
    ]
    return WaveCounts(rates, sum(responses.values()), control.threshold)


@dataclass(frozen=True)
class _Target:
    team_id: int
    name: str
    headcount: int


def _targets(wave: Wave) -> list[_Target]:
    """The wave's target teams as they stood when it opened (as they stand, for a draft)."""
    frozen = db.session.execute(
        select(WaveGroup.team_id, WaveGroup.name, WaveGroup.headcount)
        .where(WaveGroup.wave_id == wave.id, WaveGroup.is_target.is_(True))
        .order_by(WaveGroup.name)
    ).all()
    if frozen:
        return [_Target(*row) for row in frozen]
    live = db.session.execute(
        select(Team.id, Team.name, Team.headcount)
        .join(WaveTeam, WaveTeam.team_id == Team.id)
        .where(WaveTeam.wave_id == wave.id)
        .order_by(Team.name)
    ).all()
    return [_Target(*row) for row in live]


@dataclass(frozen=True)
class GroupRow:
    name: str
    depth: int
    headcount: int
    is_target: bool
    #: How the team differs today, in words; "" when it is as it was.
    since: str


def wave_tree(wave: Wave) -> list[GroupRow]:
    """The wave's frozen groups depth first, each with what changed in the org chart
    since (renamed, moved, merged away); empty for a wave without groups (a draft)."""
    groups = db.session.scalars(select(WaveGroup).where(WaveGroup.wave_id == wave.id)).all()
    if not groups:
        return []
    live = {
        team_id: (name, parent_id)
        for team_id, name, parent_id in db.session.execute(
            select(Team.id, Team.name, Team.parent_id).where(
                Team.id.in_([g.team_id for g in groups])
            )
        )
    }
    children: dict[int | None, list[WaveGroup]] = {}
    known = {g.team_id for g in groups}
    for group in groups:
        parent = group.parent_team_id if group.parent_team_id in known else None
        children.setdefault(parent, []).append(group)
    rows: list[GroupRow] = []
    stack = [(g, 0) for g in sorted(children.get(None, []), key=_by_name, reverse=True)]
    while stack:
        group, depth = stack.pop()
        rows.append(
            GroupRow(group.name, depth, group.headcount, group.is_target, _since(group, live))
        )
        below = sorted(children.get(group.team_id, []), key=_by_name, reverse=True)
        stack.extend((child, depth + 1) for child in below)
    return rows


def _by_name(group: WaveGroup) -> str:
    return group.name.casefold()


def _since(group: WaveGroup, live: dict[int, tuple[str, int | None]]) -> str:
    if group.team_id not in live:
        return "merged into another team since"
    name, parent_id = live[group.team_id]
    changes = []
    if name != group.name:
        changes.append(f"renamed {name} since")
    if parent_id != group.parent_team_id:
        changes.append("moved in the org chart since")
    return "; ".join(changes)


def instruments() -> list[Instrument]:
    return list(db.session.scalars(select(Instrument).order_by(Instrument.name)))


def teams_by_id(team_ids) -> dict[int, Team]:
    """The teams with these ids, in one query."""
    return {
        team.id: team for team in db.session.scalars(select(Team).where(Team.id.in_(team_ids)))
    }
