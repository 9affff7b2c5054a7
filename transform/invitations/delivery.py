"""Sending a wave's queued invitations and reminders: what a worker (or the request, with
no queue) runs. It commits after every message, so a message the server accepted is
never sent again and one it did not accept stays queued.

A refusal (5xx) is recorded against the address and nothing more goes to it; a
temporary refusal (4xx) is tried again on later runs, up to MAX_ATTEMPTS; a server that
cannot be reached stops the run, leaves everything queued and says so on the wave's
pages. Reminders go only to people whose link is still unused, and nothing goes out
once the wave has closed.
"""

import logging
import threading
import time

from flask import current_app
from rq import Retry, get_current_job
from sqlalchemy import select

from transform import clock
from transform.extensions import db
from transform.invitations import message, service
from transform.job_queue import call_after_commit, job_queue
from transform.mail import MailServerDown, Outcome, connection, send
from transform.models import MailState, RosterEntry, SurveyLink, Wave, WaveMailing
from transform.redis_store import redis_client
from transform.templating import format_date
from transform.waves.service import add_invitation_link

RUN = "transform.invitations.delivery.run"
#: Temporary refusals of one address before it counts as refused.
MAX_ATTEMPTS = 3
#: RQ runs the job again after these pauses (seconds) while the server is down.
RETRY = Retry(max=4, interval=[60, 300, 900, 3600])
_local_locks: dict[int, threading.Lock] = {}

logger = logging.getLogger(__name__)


class StillQueued(Exception):
    """The mail server could not be reached; RQ retries the run later."""


def send_or_queue(wave: Wave) -> None:
    """Send the wave's queued mail: on the job queue once the request commits, or here
    and now when there is no queue (the laptop)."""
    queue = job_queue()
    if queue is None:
        run(wave.id)
    else:
        call_after_commit(queue, RUN, wave.id, retry=RETRY)


def run(wave_id: int) -> str:
    """Send what waits for the wave, one message at a time; commits as it goes."""
    with _lock(wave_id):
        wave = db.session.get(Wave, wave_id)
        mailing = db.session.scalar(select(WaveMailing).where(WaveMailing.wave_id == wave_id))
        if wave is None or mailing is None or mailing.started_at is None:
            return "nothing to send"
        if wave.has_closed_by(clock.today()):
            service.close_roster(wave)
            db.session.commit()
            return "closed"
        db.session.commit()  # what the request did stands before anything is sent
        try:
            sent = _send_all(wave, mailing)
        except MailServerDown as down:
            _record_problem(wave_id, str(down))
            if get_current_job() is not None:
                raise StillQueued(str(down)) from None
            return "server down"
        return f"sent {sent}"


def _send_all(wave: Wave, mailing: WaveMailing) -> int:
    pause = 60 / current_app.config["MAIL_MESSAGES_PER_MINUTE"] if _throttled() else 0
    sent = 0
    backend = connection()
    try:
        for entry_id, is_reminder in _waiting(wave.id):
            if wave.has_closed_by(clock.today()):
                break
            entry = db.session.get(RosterEntry, entry_id)
            sent += _send_one(wave, mailing, entry, backend, is_reminder) == Outcome.SENT
            if pause:
                time.sleep(pause)
    finally:
        backend.close()
    mailing = db.session.get(WaveMailing, mailing.id)
    mailing.delivery_problem = mailing.delivery_problem_at = None
    db.session.commit()
    return sent


def _waiting(wave_id: int) -> list[tuple[int, bool]]:
    invitations = db.session.scalars(
        select(RosterEntry.id)
        .where(RosterEntry.wave_id == wave_id, RosterEntry.state == MailState.QUEUED)
        .order_by(RosterEntry.id)
    ).all()
    reminders = db.session.scalars(
        select(RosterEntry.id)
        .join(SurveyLink, SurveyLink.id == RosterEntry.link_id)
        .where(
            RosterEntry.wave_id == wave_id,
            RosterEntry.is_reminder_queued.is_(True),
            RosterEntry.state == MailState.SENT,
        )
        .order_by(RosterEntry.id)
    ).all()
    return [(i, False) for i in invitations] + [(i, True) for i in reminders]


def _send_one(wave, mailing, entry: RosterEntry, backend, is_reminder: bool) -> Outcome | None:
    """Send one invitation or reminder and record how it went; None when a reminder is
    dropped because the link has been used meanwhile. MailServerDown if unreachable."""
    if is_reminder and _answered(entry):
        entry.is_reminder_queued = False
        db.session.commit()
        return None
    token = service.token_for(entry)
    if entry.link_id is None:
        entry.link_id = add_invitation_link(wave, entry.team_id, token)
    values = message.MessageValues(
        programme=wave.programme.name,
        survey=wave.name,
        introduction=wave.instrument.intro,
        closes_on=format_date(wave.closes_on),
        contact=mailing.contact or "the programme's PMO",
        link=service.person_link(mailing, entry),
    )
    subject = mailing.reminder_subject if is_reminder else mailing.subject
    body = mailing.reminder_body if is_reminder else mailing.body
    delivery = send(
        backend, entry.email, message.render(subject, values), message.render(body, values)
    )
    if delivery.outcome == Outcome.SENT:
        if is_reminder:
            entry.is_reminder_queued = False
            entry.reminders_sent += 1
        else:
            entry.state = MailState.SENT
        db.session.commit()
        return Outcome.SENT
    entry_id = entry.id
    db.session.rollback()  # no link for a message that did not go out
    if delivery.outcome == Outcome.UNREACHABLE:
        raise MailServerDown(delivery.detail)
    entry = db.session.get(RosterEntry, entry_id)
    entry.attempts += 1
    if delivery.outcome == Outcome.REFUSED or entry.attempts >= MAX_ATTEMPTS:
        if is_reminder:
            entry.is_reminder_queued = False
        else:
            entry.state = MailState.REFUSED
        entry.refusal = delivery.detail
    db.session.commit()
    return delivery.outcome


def _answered(entry: RosterEntry) -> bool:
    return bool(
        db.session.scalar(select(SurveyLink.is_used).where(SurveyLink.id == entry.link_id))
    )


def _record_problem(wave_id: int, problem: str) -> None:
    db.session.rollback()
    mailing = db.session.scalar(select(WaveMailing).where(WaveMailing.wave_id == wave_id))
    mailing.delivery_problem = problem
    mailing.delivery_problem_at = clock.utcnow()
    db.session.commit()
    logger.warning("Invitations of wave %s wait: %s", wave_id, problem)


def _throttled() -> bool:
    """A steady rate matters to a real mail server, not to the outbox folder."""
    config = current_app.config
    return config["MAIL_BACKEND"] == "smtp" and config["MAIL_MESSAGES_PER_MINUTE"] > 0


def _lock(wave_id: int):
    """One run per wave at a time, across workers when there is Redis."""
    client = redis_client()
    if client is not None:
        return client.lock(f"transform:mail:wave:{wave_id}", timeout=3600, blocking_timeout=60)
    return _local_locks.setdefault(wave_id, threading.Lock())
