"""Outgoing mail through Flask-Mailman: SMTP when MAIL_SERVER is set, else the outbox.

Without a mail server (a laptop, `make run`) every message is written as one .eml file
under instance/outbox/, which the administration's outbox page lists, so a demo shows
exactly what would be sent. `send` says how the server answered one message: accepted,
refused for good (a 5xx, recorded against the address), refused for now (a 4xx, tried
again later), or the server could not be reached (everything waits in the queue).
"""

import enum
import secrets
import smtplib
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import Flask, current_app
from flask_mailman import EmailMessage, Mail
from flask_mailman.backends.base import BaseEmailBackend

from transform import clock

mail = Mail()
#: Files of the outbox page, newest first, at most this many.
OUTBOX_LISTED = 200


def init_mail(app: Flask) -> None:
    mail.init_app(app)


class Outcome(enum.StrEnum):
    SENT = "sent"
    REFUSED = "refused"
    DEFERRED = "deferred"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    #: The server's answer, for a refusal or a failure.
    detail: str = ""


class MailServerDown(Exception):
    """The mail server could not be reached: nothing was sent."""


def connection():
    """An open connection to the configured backend; MailServerDown if it cannot open."""
    backend = mail.get_connection()
    try:
        backend.open()
    except (OSError, smtplib.SMTPException) as error:
        raise MailServerDown(_server_down(error)) from None
    return backend


def send(backend, to: str, subject: str, body: str) -> Delivery:
    """Send one plain-text message over an open connection and say how it went."""
    message = EmailMessage(
        subject, body, current_app.config["MAIL_DEFAULT_SENDER"], [to], connection=backend
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as refused:
        code, answer = next(iter(refused.recipients.values()))
        detail = f"{code} {_text(answer)}"
        return Delivery(Outcome.DEFERRED if 400 <= code < 500 else Outcome.REFUSED, detail)
    except smtplib.SMTPResponseException as error:
        detail = f"{error.smtp_code} {_text(error.smtp_error)}"
        outcome = Outcome.DEFERRED if 400 <= error.smtp_code < 500 else Outcome.REFUSED
        return Delivery(outcome, detail)
    except (OSError, smtplib.SMTPException) as error:
        return Delivery(Outcome.UNREACHABLE, _server_down(error))
    return Delivery(Outcome.SENT)


def _text(answer) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _server_down(error: Exception) -> str:
    server = current_app.config.get("MAIL_SERVER") or "the outbox"
    return f"The mail server ({server}) could not be reached: {error or type(error).__name__}."


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message to its own .eml file in MAIL_OUTBOX instead of sending it."""

    def send_messages(self, email_messages) -> int:
        folder = Path(current_app.config["MAIL_OUTBOX"])
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = clock.utcnow().strftime("%Y%m%d-%H%M%S-%f")
            path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
            path.write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass(frozen=True)
class OutboxMessage:
    name: str
    to: str
    subject: str
    date: str
    body: str


def outbox_messages(folder: str) -> list[OutboxMessage]:
    """The outbox's messages, newest first (at most OUTBOX_LISTED)."""
    path = Path(folder)
    if not path.is_dir():
        return []
    files = sorted(path.glob("*.eml"), reverse=True)[:OUTBOX_LISTED]
    return [_read(file) for file in files]


def _read(file: Path) -> OutboxMessage:
    message = BytesParser(policy=policy.default).parsebytes(file.read_bytes())
    body = message.get_body(preferencelist=("plain",))
    return OutboxMessage(
        name=file.name,
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        date=str(message["Date"] or ""),
        body=body.get_content() if body is not None else "",
    )
