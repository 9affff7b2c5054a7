"""A wave's roster, message and reminders: the changes; services flush, never commit.

What is kept: an address, its team, an optional language and whether its link has been
used (through the link row); never which response is whose, since responses carry no
link id. When the wave closes the addresses are deleted and only per-team counts kept.
"""

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from datetime import date
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select

from transform import clock
from transform.audit import record_change
from transform.extensions import db
from transform.invitations import message, roster
from transform.invitations.queries import team_counts
from transform.languages import normalise
from transform.models import (
    MailState,
    RosterEntry,
    SurveyLink,
    Team,
    Wave,
    WaveCollection,
    WaveMailing,
    WaveStatus,
    WaveTeam,
)
from transform.translations import language_refusal
from transform.waves.service import open_wave

LINK_TOKEN = "TOKEN"


class MailingRefused(ValueError):
    """The roster or the sending cannot go ahead; the message says why, for the PMO."""


def mailing_of(wave: Wave) -> WaveMailing:
    """The wave's mailing, made with the default texts the first time; flush only."""
    mailing = db.session.scalar(select(WaveMailing).where(WaveMailing.wave_id == wave.id))
    if mailing is None:
        mailing = WaveMailing(
            wave_id=wave.id,
            subject=message.DEFAULT_SUBJECT,
            body=message.DEFAULT_BODY,
            reminder_subject=message.DEFAULT_REMINDER_SUBJECT,
            reminder_body=message.DEFAULT_REMINDER_BODY,
            contact="",
            reminder_days=[3, 1],
        )
        db.session.add(mailing)
        db.session.flush()
    return mailing


def refuse_unless_collecting(wave: Wave, today: date) -> None:
    if wave.collection == WaveCollection.IMPORT:
        raise MailingRefused(
            f"“{wave.name}” collects imported responses: it sends no invitations."
        )
    if wave.has_closed_by(today):
        raise MailingRefused(f"“{wave.name}” has closed: it sends nothing more.")


def roster_teams(wave: Wave) -> list[roster.RosterTeam]:
    """The wave's teams, each with its headcount less the people already invited."""
    on_roster = dict(
        db.session.execute(
            select(RosterEntry.team_id, func.count(RosterEntry.id))
            .where(RosterEntry.wave_id == wave.id)
            .group_by(RosterEntry.team_id)
        ).all()
    )
    teams = db.session.scalars(
        select(Team).join(WaveTeam, WaveTeam.team_id == Team.id).where(WaveTeam.wave_id == wave.id)
    ).all()
    headcounts = {group.team_id: group.headcount for group in wave.groups}
    return [
        roster.RosterTeam(
            team.id,
            team.name,
            team.external_id,
            headcounts.get(team.id, team.headcount) - on_roster.get(team.id, 0),
        )
        for team in teams
    ]


def add_to_roster(wave: Wave, rows: list[roster.RosterRow], today: date) -> int:
    """Add every row to the roster, or none (ImportRefused listing every bad row)."""
    refuse_unless_collecting(wave, today)
    known = set(
        db.session.scalars(select(RosterEntry.email).where(RosterEntry.wave_id == wave.id))
    )
    refusal = cache(lambda code: language_refusal(wave.instrument, normalise(code) or code))
    invitees = roster.check_roster(rows, roster_teams(wave), known, refusal)
    db.session.execute(
        RosterEntry.__table__.insert(),
        [
            {
                "wave_id": wave.id,
                "team_id": invitee.team_id,
                "email": invitee.email,
                "language": invitee.language,
                "token_salt": secrets.token_hex(16),
                "state": MailState.QUEUED.value,
                "is_reminder_queued": False,
                "reminders_sent": 0,
                "attempts": 0,
            }
            for invitee in invitees
        ],
    )
    mailing_of(wave)
    # The audit keeps how many, never who.
    record_change("wave.roster_added", wave, wave.programme_id, None, {"people": len(invitees)})
    return len(invitees)


def remove_unsent(wave: Wave) -> int:
    """Take off the roster everyone whose invitation has not gone out; flush only."""
    result = db.session.execute(
        delete(RosterEntry).where(
            RosterEntry.wave_id == wave.id, RosterEntry.state != MailState.SENT
        )
    )
    return result.rowcount


def token_for(entry: RosterEntry) -> str:
    """The person's token, derived from their entry's salt and the app's secret key: a
    reminder carries the same link as the invitation, and only its hash is stored."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"invitation:{entry.token_salt}".encode(), hashlib.sha256)
    return urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def person_link(mailing: WaveMailing, entry: RosterEntry) -> str:
    link = mailing.link_pattern.replace(LINK_TOKEN, token_for(entry))
    return f"{link}?lang={entry.language}" if entry.language else link


def start_sending(wave: Wave, mailing: WaveMailing, link_pattern: str, today: date) -> int:
    """Send the invitations of everyone queued, opening a draft wave first; flush only.
    Returns how many wait to be sent."""
    refuse_unless_collecting(wave, today)
    waiting = _count(wave, RosterEntry.state == MailState.QUEUED)
    if not waiting:
        raise MailingRefused("Nobody on the roster waits for an invitation: add people first.")
    if wave.status == WaveStatus.DRAFT:
        open_wave(wave)
    mailing.link_pattern = link_pattern
    mailing.started_at = mailing.started_at or clock.utcnow()
    record_change("wave.invitations_sent", wave, wave.programme_id, None, {"people": waiting})
    return waiting


def queue_reminders(wave: Wave, today: date) -> int:
    """Queue a reminder for everyone invited whose link is unused; flush only."""
    refuse_unless_collecting(wave, today)
    unused = select(SurveyLink.id).where(SurveyLink.is_used.is_(False))
    entries = db.session.scalars(
        select(RosterEntry).where(
            RosterEntry.wave_id == wave.id,
            RosterEntry.state == MailState.SENT,
            RosterEntry.link_id.in_(unused),
        )
    ).all()
    for entry in entries:
        entry.is_reminder_queued = True
    db.session.flush()
    record_change("wave.reminders_queued", wave, wave.programme_id, None, {"people": len(entries)})
    return len(entries)


def due_reminders(today: date) -> list[Wave]:
    """Queue the reminders the schedules set for today, once a day; the waves concerned."""
    queued = []
    rows = db.session.execute(
        select(WaveMailing, Wave)
        .join(Wave, Wave.id == WaveMailing.wave_id)
        .where(Wave.status == WaveStatus.OPEN, WaveMailing.started_at.is_not(None))
    ).all()
    for mailing, wave in rows:
        if wave.has_closed_by(today) or mailing.reminded_on == today:
            continue
        if (wave.closes_on - today).days in (mailing.reminder_days or []):
            queue_reminders(wave, today)
            mailing.reminded_on = today
            queued.append(wave)
    db.session.flush()
    return queued


def close_roster(wave: Wave) -> None:
    """Keep the roster's per-team counts and delete its addresses; flush only."""
    mailing = db.session.scalar(select(WaveMailing).where(WaveMailing.wave_id == wave.id))
    if mailing is None or mailing.closing_counts is not None:
        return
    mailing.closing_counts = {
        str(count.team_id): {
            "invited": count.invited,
            "answered": count.answered,
            "refused": count.refused,
        }
        for count in team_counts(wave.id)
    }
    db.session.execute(delete(RosterEntry).where(RosterEntry.wave_id == wave.id))
    db.session.flush()


def close_finished_rosters(today: date) -> int:
    """Delete the addresses of every wave that has closed, by hand or by date."""
    waves = db.session.scalars(
        select(Wave)
        .join(WaveMailing, WaveMailing.wave_id == Wave.id)
        .where(WaveMailing.closing_counts.is_(None))
    ).all()
    closed = [wave for wave in waves if wave.has_closed_by(today)]
    for wave in closed:
        close_roster(wave)
    return len(closed)


def _count(wave: Wave, *conditions) -> int:
    return db.session.scalar(
        select(func.count(RosterEntry.id)).where(RosterEntry.wave_id == wave.id, *conditions)
    )
