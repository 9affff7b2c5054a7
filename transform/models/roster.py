"""A wave's invitations by e-mail: who to invite, the message, and what was sent.

A roster entry joins an address to its single-use link so that reminders go only to
people who have not used theirs, and it knows nothing more: responses carry no link id,
so no entry can be joined to an answer. Entries (addresses) are deleted when the wave
closes; the wave's mailing keeps only counts.
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transform.models.base import Base, enum_column, utcnow


class MailState(enum.StrEnum):
    """Where one person's invitation stands."""

    #: Waiting in the queue: not yet accepted by the mail server.
    QUEUED = "queued"
    SENT = "sent"
    #: The mail server refused the address; nothing more is sent to it.
    REFUSED = "refused"


class RosterEntry(Base):
    """One person to invite to a wave: an address, a team and an optional language."""

    __tablename__ = "roster_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    #: A language code for the respondent's page (?lang=), or None for its default.
    language: Mapped[str | None] = mapped_column(String(16))
    #: Random salt from which the server re-derives the person's token (with its secret
    #: key) for a reminder; the token itself is never stored.
    token_salt: Mapped[str] = mapped_column(String(64))
    #: The person's single-use link, made when the invitation is first sent.
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_link.id", ondelete="SET NULL"), unique=True
    )
    state: Mapped[MailState] = mapped_column(
        enum_column(MailState, "mail_state"), default=MailState.QUEUED
    )
    #: A reminder waits in the queue for this person.
    is_reminder_queued: Mapped[bool] = mapped_column(default=False)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    #: Sending attempts that failed for a reason that may pass (a 4xx answer).
    attempts: Mapped[int] = mapped_column(default=0)
    #: The mail server's answer when it refused the address.
    refusal: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("wave_id", "email"),)

    def __repr__(self) -> str:
        return f"<RosterEntry {self.id} wave={self.wave_id} {self.state}>"


class WaveMailing(Base):
    """A wave's invitation message, reminder schedule and the state of its sending."""

    __tablename__ = "wave_mailing"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reminder_subject: Mapped[str] = mapped_column(String(200))
    reminder_body: Mapped[str] = mapped_column(Text)
    #: Who respondents may ask about the survey, named in every message.
    contact: Mapped[str] = mapped_column(String(254), default="")
    #: The respondent link with TOKEN for the token, taken from the site the PMO sent
    #: from, so that a worker or a scheduled run writes the same links.
    link_pattern: Mapped[str | None] = mapped_column(String(500))
    #: When the PMO first sent the invitations; nothing is sent before.
    started_at: Mapped[datetime | None]
    #: Days before the close date on which reminders go out, e.g. [3, 1].
    reminder_days: Mapped[list] = mapped_column(JSON, default=list)
    #: The last day scheduled reminders were queued, so that a day queues them once.
    reminded_on: Mapped[date | None]
    #: Why sending stopped last time (the mail server could not be reached), if it did.
    delivery_problem: Mapped[str | None] = mapped_column(Text)
    delivery_problem_at: Mapped[datetime | None]
    #: Per-team counts kept when the roster's addresses are deleted at close:
    #: {team_id: {"invited": n, "answered": n, "refused": n}}.
    closing_counts: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<WaveMailing wave={self.wave_id}>"
