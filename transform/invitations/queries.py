"""What the wave's invitations page shows: per-team counts, never a person's status.

Counts of people who answered follow the anonymity rule of every count of responses:
below the programme's threshold they read "fewer than N", and the rate is not shown.
"""

from dataclasses import dataclass

from sqlalchemy import case, func, select

from transform.extensions import db
from transform.models import MailState, RosterEntry, SurveyLink, Team, Wave, WaveMailing


@dataclass(frozen=True)
class TeamMailCount:
    team_id: int
    name: str
    invited: int
    answered: int
    refused: int
    queued: int = 0

    def answered_label(self, threshold: int) -> str:
        shown = self.answered == 0 or self.answered >= threshold
        return str(self.answered) if shown else f"fewer than {threshold}"

    def rate_label(self, threshold: int) -> str:
        if not self.invited:
            return "—"
        if self.answered and self.answered < threshold:
            return "hidden"
        return f"{round(100 * self.answered / self.invited)}%"


def team_counts(wave_id: int) -> list[TeamMailCount]:
    """Per team: invitations sent, links of those used, refusals and what still waits."""
    used = func.sum(case((SurveyLink.is_used.is_(True), 1), else_=0))
    rows = db.session.execute(
        select(
            RosterEntry.team_id,
            Team.name,
            func.sum(case((RosterEntry.state == MailState.SENT, 1), else_=0)),
            used,
            func.sum(case((RosterEntry.state == MailState.REFUSED, 1), else_=0)),
            func.sum(case((RosterEntry.state == MailState.QUEUED, 1), else_=0)),
        )
        .join(Team, Team.id == RosterEntry.team_id)
        .outerjoin(SurveyLink, SurveyLink.id == RosterEntry.link_id)
        .where(RosterEntry.wave_id == wave_id)
        .group_by(RosterEntry.team_id, Team.name)
        .order_by(Team.name)
    ).all()
    return [
        TeamMailCount(team_id, name, int(sent), int(answered or 0), int(refused), int(queued))
        for team_id, name, sent, answered, refused, queued in rows
    ]


def kept_counts(mailing: WaveMailing) -> list[TeamMailCount]:
    """The counts kept when the wave closed and its addresses were deleted."""
    names = dict(db.session.execute(select(Team.id, Team.name)).all())
    counts = [
        TeamMailCount(int(team_id), names.get(int(team_id), "A team since removed"), **kept)
        for team_id, kept in (mailing.closing_counts or {}).items()
    ]
    return sorted(counts, key=lambda count: count.name)


def mailing_or_none(wave: Wave) -> WaveMailing | None:
    return db.session.scalar(select(WaveMailing).where(WaveMailing.wave_id == wave.id))


def refusals(wave_id: int) -> list[tuple[str, str]]:
    """Addresses the mail server refused, with its answer: they never got a link, so
    listing them says nothing about anyone's answers."""
    return db.session.execute(
        select(RosterEntry.email, RosterEntry.refusal)
        .where(RosterEntry.wave_id == wave_id, RosterEntry.state == MailState.REFUSED)
        .order_by(RosterEntry.email)
    ).all()


def waiting(wave_id: int) -> tuple[int, int]:
    """Invitations and reminders that wait to be sent."""
    invitations = db.session.scalar(
        select(func.count(RosterEntry.id)).where(
            RosterEntry.wave_id == wave_id, RosterEntry.state == MailState.QUEUED
        )
    )
    reminders = db.session.scalar(
        select(func.count(RosterEntry.id)).where(
            RosterEntry.wave_id == wave_id, RosterEntry.is_reminder_queued.is_(True)
        )
    )
    return invitations, reminders


@dataclass(frozen=True)
class Summary:
    """What the wave's own page says of its invitations."""

    waiting: int
    problem: str | None


def summary(wave: Wave) -> Summary:
    mailing = mailing_or_none(wave)
    if mailing is None or mailing.closing_counts is not None:
        return Summary(0, None)
    invitations, reminders = waiting(wave.id)
    return Summary(invitations + reminders, mailing.delivery_problem)
