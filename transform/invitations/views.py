"""A wave's invitations page: roster, message, sending, reminders and per-team counts."""

from types import SimpleNamespace

from flask import abort, current_app, flash, render_template, url_for

from transform import clock
from transform.access import login_blueprint
from transform.htmx import redirect_after_post
from transform.import_problems import ImportRefused, Problem
from transform.invitations import delivery, message, queries, roster, service
from transform.invitations.forms import SAMPLE_LINK, ConfirmForm, MessageForm, RosterForm
from transform.invitations.message import MessageValues, render
from transform.models import Role
from transform.request_transaction import keep_nothing
from transform.scoring.anonymity import effective_threshold
from transform.signals import wave_closed
from transform.templating import format_date
from transform.waves.queries import wave_or_404

bp = login_blueprint(
    "invitations",
    __name__,
    url_prefix="/programmes/<int:programme_id>/waves/<int:wave_id>/invitations",
)


@wave_closed.connect
def _delete_addresses(wave, **_extra) -> None:
    service.close_roster(wave)


@bp.app_context_processor
def _invitation_summary() -> dict:
    return {"invitation_summary": queries.summary}


@bp.get("/")
def show(programme_id: int, wave_id: int):
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN)
    return _page(access, wave)


@bp.post("/roster")
def add_roster(programme_id: int, wave_id: int):
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    form = RosterForm()
    if not form.validate():
        return _page(access, wave, 422, roster_form=form)
    if form.file.data and form.file.data.filename:
        name, data = form.file.data.filename, form.file.data.read()
    else:
        name, data = "pasted.csv", form.pasted.data.encode()
    try:
        added = service.add_to_roster(wave, roster.read_roster(name, data), clock.today())
    except (ImportRefused, service.MailingRefused) as refused:
        keep_nothing()
        if isinstance(refused, service.MailingRefused):
            refused = ImportRefused([Problem(str(refused))])
        return _page(access, wave, 422, roster_form=form, refused=refused)
    flash(f"Added {added:,} people to the roster of {wave.name}.", "success")
    return _back(programme_id, wave_id)


@bp.post("/message")
def update_message(programme_id: int, wave_id: int):
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    form = MessageForm(_sample(wave))
    if not form.validate():
        return _page(access, wave, 422, message_form=form)
    if form.preview.data:
        return _page(access, wave, message_form=form, preview=_preview(form, wave))
    mailing = service.mailing_of(wave)
    form.populate_obj(mailing)
    mailing.reminder_days = form.days()
    flash("Saved the invitation and reminder texts.", "success")
    return _back(programme_id, wave_id)


@bp.post("/send")
def send(programme_id: int, wave_id: int):
    return _sending(programme_id, wave_id, _start)


@bp.post("/remind")
def remind(programme_id: int, wave_id: int):
    return _sending(programme_id, wave_id, _queue_reminders)


@bp.post("/remove-unsent")
def remove_unsent(programme_id: int, wave_id: int):
    _access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    if not ConfirmForm().validate():
        abort(400)
    removed = service.remove_unsent(wave)
    flash(f"Took {removed:,} people whose invitation had not gone out off the roster.", "success")
    return _back(programme_id, wave_id)


def _start(wave) -> str:
    mailing = service.mailing_of(wave)
    if not mailing.contact:
        raise service.MailingRefused("Name a contact for questions in the message first.")
    pattern = url_for("respond.single_use", token=service.LINK_TOKEN, _external=True)
    waiting = service.start_sending(wave, mailing, pattern, clock.today())
    return f"Sending {waiting:,} invitations."


def _queue_reminders(wave) -> str:
    queued = service.queue_reminders(wave, clock.today())
    return f"Sending {queued:,} reminders to people whose link is unused."


def _sending(programme_id: int, wave_id: int, action):
    _access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    if not ConfirmForm().validate():
        abort(400)
    try:
        flash(action(wave), "success")
    except service.MailingRefused as refused:
        keep_nothing()
        flash(str(refused), "error")
        return _back(programme_id, wave_id)
    delivery.send_or_queue(wave)
    return _back(programme_id, wave_id)


def _back(programme_id: int, wave_id: int):
    return redirect_after_post("invitations.show", programme_id=programme_id, wave_id=wave_id)


def _sample(wave) -> MessageValues:
    return MessageValues(
        programme=wave.programme.name,
        survey=wave.name,
        introduction=wave.instrument.intro,
        closes_on=format_date(wave.closes_on),
        contact="",
        link=SAMPLE_LINK,
    )


def _preview(form: MessageForm, wave) -> dict[str, str]:
    sample = MessageValues(**(_sample(wave).as_dict() | {"contact": form.contact.data}))
    return {
        "subject": render(form.subject.data, sample),
        "body": render(form.body.data, sample),
        "reminder_subject": render(form.reminder_subject.data, sample),
        "reminder_body": render(form.reminder_body.data, sample),
    }


def _page(access, wave, status: int = 200, **extra):
    mailing = queries.mailing_or_none(wave)
    if "message_form" not in extra:
        form = MessageForm(_sample(wave), formdata=None, obj=mailing or _defaults())
        form.reminder_days.data = ", ".join(
            str(day) for day in (mailing.reminder_days if mailing else [3, 1])
        )
        extra["message_form"] = form
    kept = mailing is not None and mailing.closing_counts is not None
    invitations, reminders = queries.waiting(wave.id)
    return render_template(
        "invitations/show.html",
        access=access,
        programme=access.programme,
        wave=wave,
        mailing=mailing,
        counts=queries.kept_counts(mailing) if kept else queries.team_counts(wave.id),
        counts_kept=kept,
        refusals=[] if kept else queries.refusals(wave.id),
        waiting_invitations=invitations,
        waiting_reminders=reminders,
        threshold=effective_threshold(access.programme.anonymity_threshold),
        roster_form=extra.pop("roster_form", None) or RosterForm(formdata=None),
        confirm_form=ConfirmForm(),
        today=clock.today(),
        outbox=current_app.config["MAIL_BACKEND"] != "smtp",
        **extra,
    ), status


def _defaults() -> SimpleNamespace:
    return SimpleNamespace(
        subject=message.DEFAULT_SUBJECT,
        body=message.DEFAULT_BODY,
        reminder_subject=message.DEFAULT_REMINDER_SUBJECT,
        reminder_body=message.DEFAULT_REMINDER_BODY,
        contact="",
    )
