"""Waves and their links: creating, opening, closing, and issuing tokens shown once.

Tokens leave the server exactly once, in the response to the PMO who issued them;
the database keeps their SHA-256 only. Issuing again for a team replaces the team's
unused links, so a lost CSV is fixed by issuing a new one.

Opening a wave freezes its groups (wave_groups). A wave collects through links or by
import, never both (WaveCollection); a team's personal links are capped at its headcount
as it stood when the wave opened, and every issue is audited, so nobody can quietly
answer enough links to lift a hidden team over the anonymity threshold.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import (
    Instrument,
    Programme,
    RosterEntry,
    SurveyLink,
    Team,
    Wave,
    WaveCollection,
    WaveGroup,
    WaveTeam,
    WebhookEvent,
)
from transform.signals import wave_closed
from transform.wave_groups import freeze_groups
from transform.waves.tokens import new_token, token_hash
from transform.webhooks_out import announce

MAX_LINKS_PER_ISSUE = 5000
WAVE_FIELDS = ("name", "instrument_id", "opens_on", "closes_on", "status", "collection")


class LinksRefused(ValueError):
    """Links cannot be issued: the message says why, for the PMO."""


@dataclass(frozen=True)
class WaveDraft:
    name: str
    instrument: Instrument
    opens_on: date
    closes_on: date
    teams: list[Team]
    collection: WaveCollection = WaveCollection.LINKS


def create_wave(programme: Programme, draft: WaveDraft) -> Wave:
    wave = Wave(
        programme_id=programme.id,
        instrument_id=draft.instrument.id,
        name=draft.name.strip(),
        opens_on=draft.opens_on,
        closes_on=draft.closes_on,
        collection=draft.collection,
        teams=[WaveTeam(team_id=team.id) for team in draft.teams],
    )
    db.session.add(wave)
    db.session.flush()
    record_change("wave.created", wave, programme.id, None, snapshot(wave, *WAVE_FIELDS))
    return wave


def open_wave(wave: Wave) -> None:
    """Open the wave and freeze its groups: the team tree as it stands now."""
    before = snapshot(wave, "status")
    wave.open()
    freeze_groups(wave)
    record_change("wave.opened", wave, wave.programme_id, before, snapshot(wave, "status"))
    announce(wave.programme_id, WebhookEvent.WAVE_OPENED, _wave_data(wave))


def close_wave(wave: Wave) -> None:
    before = snapshot(wave, "status")
    wave.close()
    db.session.flush()
    wave_closed.send(wave)
    record_change("wave.closed", wave, wave.programme_id, before, snapshot(wave, "status"))
    announce(wave.programme_id, WebhookEvent.WAVE_CLOSED, _wave_data(wave))


def _wave_data(wave: Wave) -> dict:
    """What a webhook receiver learns of a wave: which one, never a figure."""
    return {"wave": {"id": wave.id, "name": wave.name} | snapshot(wave, "status")}


def issue_links(wave: Wave, team: Team, count: int) -> list[str]:
    """New single-use links for the team, replacing its unused ones; returns the tokens.

    LinksRefused when the wave collects by import, or when the team's used links and the
    new ones would pass its headcount (as it stood when the wave opened).
    """
    if not 1 <= count <= MAX_LINKS_PER_ISSUE:
        raise LinksRefused(f"Issue between 1 and {MAX_LINKS_PER_ISSUE} links at a time.")
    _refuse_links_of_an_import_wave(wave)
    headcount = _headcount(wave, team)
    invited = select(RosterEntry.link_id).where(RosterEntry.link_id.is_not(None))
    # Links answered, and the unused links of invited people, which stay theirs.
    used = db.session.scalar(
        select(func.count(SurveyLink.id)).where(
            SurveyLink.wave_id == wave.id,
            SurveyLink.team_id == team.id,
            SurveyLink.is_used.is_(True) | SurveyLink.id.in_(invited),
        )
    )
    if used + count > headcount:
        raise LinksRefused(
            f"{team.name} has {headcount} people and {used} of its links are answered or held by "
            "people invited by e-mail: "
            f"issue at most {max(headcount - used, 0)} more. Links are capped at a team's "
            "headcount so that nobody can answer spare links to lift it over the anonymity "
            "threshold; correct the headcount on the team's page if it is wrong."
        )
    db.session.execute(
        delete(SurveyLink).where(
            SurveyLink.wave_id == wave.id,
            SurveyLink.team_id == team.id,
            SurveyLink.is_used.is_(False),
            SurveyLink.id.not_in(invited),
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


def add_invitation_link(wave: Wave, team_id: int, token: str) -> int:
    """A single-use link for one invited person, its token made by the invitation; flush
    only. Returns the link's id."""
    _refuse_links_of_an_import_wave(wave)
    link = SurveyLink(wave_id=wave.id, team_id=team_id, token_hash=token_hash(token))
    db.session.add(link)
    db.session.flush()
    return link.id


class AllLinksRefused(ValueError):
    """Some teams' links cannot be issued, so none are: `problems` says why, by team id
    (0 for the wave as a whole)."""

    def __init__(self, problems: dict[int, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def issue_links_for_teams(wave: Wave, counts: list[tuple[Team, int]]) -> list[tuple[Team, str]]:
    """Links for many teams at once, all or nothing: (team, token) pairs in the given order.

    A count of 0 leaves a team's links as they are. Each team is issued as `issue_links`
    would (replacing its unused links, capped at its headcount, audited); AllLinksRefused,
    with every team's problem, when any team's count is refused, and the caller rolls back.
    """
    try:
        _refuse_links_of_an_import_wave(wave)
    except LinksRefused as refused:
        raise AllLinksRefused({0: str(refused)}) from refused
    if not any(count for _team, count in counts):
        raise AllLinksRefused({0: "Ask for at least one link."})
    issued: list[tuple[Team, str]] = []
    problems: dict[int, str] = {}
    for team, count in counts:
        if not count:
            continue
        try:
            issued.extend((team, token) for token in issue_links(wave, team, count))
        except LinksRefused as refused:
            problems[team.id] = str(refused)
    if problems:
        raise AllLinksRefused(problems)
    return issued


def issue_team_link(wave_team: WaveTeam) -> str:
    """A new reusable link for the whole team, replacing any earlier one; it takes at
    most the team's headcount of responses (surveys.responding)."""
    _refuse_links_of_an_import_wave(wave_team.wave)
    if _headcount(wave_team.wave, wave_team.team) < 1:
        raise LinksRefused(_NO_HEADCOUNT.format(team=wave_team.team.name))
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


_NO_HEADCOUNT = (
    "{team} has no headcount: set it on the team's page first. A team's links are capped "
    "at its headcount, so that nobody can answer spare links to lift it over the "
    "anonymity threshold."
)


def _refuse_links_of_an_import_wave(wave: Wave) -> None:
    if wave.collection == WaveCollection.IMPORT:
        raise LinksRefused(
            f"“{wave.name}” collects imported responses: it takes no survey links. A wave "
            "collects one way only, so that nobody can add answers to a group they cannot see."
        )


def _headcount(wave: Wave, team: Team) -> int:
    """The team's headcount as it stood when the wave opened; today's for a draft."""
    frozen = db.session.scalar(
        select(WaveGroup.headcount).where(
            WaveGroup.wave_id == wave.id, WaveGroup.team_id == team.id
        )
    )
    headcount = team.headcount if frozen is None else frozen
    if headcount < 1:
        raise LinksRefused(_NO_HEADCOUNT.format(team=team.name))
    return headcount
