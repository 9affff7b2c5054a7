"""A real SMTP server for the invitation tests: aiosmtpd on a free 127.0.0.1 port, which
records what it receives and refuses, with a 550, any address starting "nobody"."""

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.survey_setup import survey_world
from transform.mail import init_mail

MAIL_KEYS = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_TIMEOUT")


@dataclass
class Recorder:
    """An aiosmtpd handler: what the server accepted, one message per recipient."""

    received: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        for to in envelope.rcpt_tos:
            self.received.append((to, message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [message for to, message in self.received if to == address]

    def recipients(self) -> list[str]:
        return sorted(to for to, _message in self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def point_mail_at(app, port: int) -> None:
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False
    )
    app.config["MAIL_TIMEOUT"] = 5
    init_mail(app)


@pytest.fixture
def mail_settings(app):
    """Puts the app's mail settings back after the test."""
    saved = {key: app.config.get(key) for key in MAIL_KEYS}
    yield
    app.config.update(saved)
    init_mail(app)


@pytest.fixture
def smtp_server(app, mail_settings):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    point_mail_at(app, controller.port)
    yield recorder
    controller.stop()


@pytest.fixture
def world(db):
    return survey_world()


@pytest.fixture
def signed_in(auth, world):
    auth.login("pmo@example.com", "correct-horse-battery")
    return world
