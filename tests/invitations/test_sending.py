"""Invitations and reminders through a real SMTP server (aiosmtpd, see conftest.py)."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.invitations.conftest import Recorder, free_port, point_mail_at
from tests.survey_setup import TODAY, full_answers
from transform import clock
from transform.extensions import db
from transform.invitations import delivery
from transform.invitations.message import DEFAULT_BODY, DEFAULT_REMINDER_BODY
from transform.models import MailState, Response, RosterEntry, WaveMailing

LINK = re.compile(r"http://localhost(/s/[A-Za-z0-9_\-]+)(\?lang=[a-z\-]+)?")
ROSTER = (
    "email,team,language\n"
    "ana@example.org,Billing,fr\n"
    "ben@example.org,Billing,\n"
    "cy@example.org,Records,\n"
)


def _base(world) -> str:
    return f"/programmes/{world['programme'].id}/waves/{world['wave'].id}/invitations"


def _message(**overrides) -> dict:
    return {
        "subject": "{{ programme }}: {{ survey }}",
        "body": DEFAULT_BODY,
        "reminder_subject": "Reminder: {{ survey }}",
        "reminder_body": DEFAULT_REMINDER_BODY,
        "contact": "Pam PMO, pmo@example.org",
        "reminder_days": "3, 1",
        "submit": "1",
    } | overrides


def _send_wave(client, world, roster: str = ROSTER):
    """The PMO's three steps: add the roster, check the message, send."""
    assert client.post(f"{_base(world)}/roster", data={"pasted": roster}).status_code == 303
    assert client.post(f"{_base(world)}/message", data=_message()).status_code == 303
    return client.post(f"{_base(world)}/send")


def _link(message) -> tuple[str, str]:
    """The path of the message's link, and its query string."""
    found = LINK.search(message.get_body(("plain",)).get_content())
    return found.group(1), found.group(2) or ""


def test_each_invitation_carries_its_own_link_that_works_once(client, signed_in, smtp_server):
    world = signed_in
    assert _send_wave(client, world).status_code == 303
    assert smtp_server.recipients() == ["ana@example.org", "ben@example.org", "cy@example.org"]
    (invitation,) = smtp_server.to("ben@example.org")
    assert invitation["Subject"] == "Test programme: Pulse 1"
    text = invitation.get_body(("plain",)).get_content()
    assert "Pam PMO, pmo@example.org" in text and "Test programme" in text
    assert world["instrument"].intro.split("\n")[0][:40] in text
    paths = {_link(message)[0] for _to, message in smtp_server.received}
    assert len(paths) == 3
    path, query = _link(invitation)
    assert client.get(path).status_code == 200
    answers = full_answers(world["instrument"])
    assert client.post(path, data=answers).status_code == 303
    assert client.post(path, data=answers).status_code == 410
    assert db.session.scalar(select(func.count(Response.id))) == 1
    # A roster row's language rides on the link for the respondent's page.
    assert _link(smtp_server.to("ana@example.org")[0])[1] == "?lang=fr"
    assert query == ""


def test_reminders_skip_those_who_answered_and_carry_the_same_link(client, signed_in, smtp_server):
    world = signed_in
    _send_wave(client, world)
    path, _query = _link(smtp_server.to("ben@example.org")[0])
    client.post(path, data=full_answers(world["instrument"]))
    smtp_server.received.clear()

    assert client.post(f"{_base(world)}/remind").status_code == 303

    assert smtp_server.recipients() == ["ana@example.org", "cy@example.org"]
    (reminder,) = smtp_server.to("cy@example.org")
    assert reminder["Subject"] == "Reminder: Pulse 1"
    assert _link(reminder)[0] in {_link(m)[0] for m in smtp_server.to("cy@example.org")}
    assert client.get(_link(reminder)[0]).status_code == 200


def test_scheduled_reminders_go_out_once_on_their_day(app, client, signed_in, smtp_server):
    world = signed_in
    _send_wave(client, world)
    smtp_server.received.clear()
    runner = app.test_cli_runner()
    clock.set_to(world["wave"].closes_on - timedelta(days=2))
    runner.invoke(args=["survey-mail"])
    assert smtp_server.received == []  # 2 days before: not a reminder day
    clock.set_to(world["wave"].closes_on - timedelta(days=1))
    result = runner.invoke(args=["survey-mail"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.received) == 3
    runner.invoke(args=["survey-mail"])
    assert len(smtp_server.received) == 3  # once a day


def test_nothing_is_sent_after_close_and_the_addresses_go(client, signed_in, smtp_server):
    world = signed_in
    _send_wave(client, world)
    smtp_server.received.clear()
    client.post(f"/programmes/{world['programme'].id}/waves/{world['wave'].id}/close")

    refused = client.post(f"{_base(world)}/remind", follow_redirects=True)

    assert smtp_server.received == []
    assert "has closed" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 0
    kept = db.session.scalar(select(WaveMailing.closing_counts))
    assert kept[str(world["billing"].id)] == {"invited": 2, "answered": 0, "refused": 0}
    page = client.get(_base(world) + "/").get_data(as_text=True)
    assert "ana@example.org" not in page and "addresses have been deleted" in page


def test_nothing_queued_goes_out_once_the_close_date_has_passed(client, signed_in, smtp_server):
    world = signed_in
    _send_wave(client, world)
    client.post(f"{_base(world)}/remind")  # queued, sent at once
    smtp_server.received.clear()
    db.session.execute(RosterEntry.__table__.update().values(is_reminder_queued=True))
    clock.set_to(world["wave"].closes_on + timedelta(days=1))

    assert delivery.run(world["wave"].id) == "closed"

    assert smtp_server.received == []
    assert db.session.scalar(select(func.count(RosterEntry.id))) == 0


def test_a_refused_recipient_is_recorded_and_shown(client, signed_in, smtp_server):
    world = signed_in
    roster = ROSTER + "nobody@example.org,Billing,\n"
    _send_wave(client, world, roster)
    refused = db.session.scalar(select(RosterEntry).where(RosterEntry.email.like("nobody%")))
    assert refused.state == MailState.REFUSED and refused.link_id is None
    assert "550" in refused.refusal
    assert len(smtp_server.received) == 3
    page = client.get(_base(world) + "/").get_data(as_text=True)
    assert "nobody@example.org" in page and "No such mailbox" in page


def test_a_server_that_is_down_leaves_everything_queued_and_nothing_twice(
    app, client, signed_in, mail_settings
):
    world = signed_in
    port = free_port()
    point_mail_at(app, port)  # nothing listens there

    _send_wave(client, world)

    states = db.session.scalars(select(RosterEntry.state)).all()
    assert states == [MailState.QUEUED] * 3
    page = client.get(f"/programmes/{world['programme'].id}/waves/{world['wave'].id}")
    assert "Mail is waiting" in page.get_data(as_text=True)
    assert "3 invitations" in client.get(_base(world) + "/").get_data(as_text=True)

    from aiosmtpd.controller import Controller

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        client.post(f"{_base(world)}/send")  # the PMO tries again: the three go out
        app.test_cli_runner().invoke(args=["survey-mail"])  # later runs: nothing twice
        app.test_cli_runner().invoke(args=["survey-mail"])
    finally:
        controller.stop()
    assert recorder.recipients() == ["ana@example.org", "ben@example.org", "cy@example.org"]
    assert "Mail is waiting" not in client.get(_base(world) + "/").get_data(as_text=True)


def test_per_team_counts_below_the_threshold_read_fewer_than(client, signed_in, smtp_server):
    world = signed_in
    _send_wave(client, world)
    path, _query = _link(smtp_server.to("ana@example.org")[0])
    client.post(path, data=full_answers(world["instrument"]))

    page = client.get(_base(world) + "/").get_data(as_text=True)

    assert "fewer than 5" in page
    assert "ana@example.org" not in page and "ben@example.org" not in page


def test_a_template_error_is_refused_at_its_field(client, signed_in):
    world = signed_in
    broken = client.post(
        f"{_base(world)}/message", data=_message(body="Hello {{ link", subject="{{ progamme }}")
    )
    assert broken.status_code == 422
    text = broken.get_data(as_text=True)
    assert 'id="body-error"' in text and 'id="subject-error"' in text
    assert "progamme" in text
    no_link = client.post(f"{_base(world)}/message", data=_message(body="Hello"))
    assert no_link.status_code == 422 and "must contain" in no_link.get_data(as_text=True)
    assert db.session.scalar(select(func.count(WaveMailing.id))) == 0


def test_a_preview_shows_the_message_as_it_will_read(client, signed_in):
    world = signed_in
    page = client.post(f"{_base(world)}/message", data=_message(preview="1", submit=""))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Invitation: Test programme: Pulse 1" in text
    assert "https://transform.example/s/your-own-link" in text
    assert TODAY.year and db.session.scalar(select(func.count(WaveMailing.id))) == 0


def test_with_nobody_on_the_roster_there_is_nothing_to_send(client, signed_in):
    page = client.get(_base(signed_in) + "/").get_data(as_text=True)

    assert "Send 0 invitations" not in page
    assert "No invitation is waiting to be sent: add people to the roster first." in page
    _send_wave(client, signed_in, "email,team\nana@example.org,Billing\n")
    page = client.get(_base(signed_in) + "/").get_data(as_text=True)
    assert "No invitation is waiting to be sent." in page
