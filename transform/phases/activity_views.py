"""Activities and deliverables of a phase: inline edits through htmx, and evidence."""

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from transform import clock
from transform.access import login_blueprint
from transform.extensions import db
from transform.htmx import is_htmx_request, redirect_after_post
from transform.memberships.queries import programme_members
from transform.models import Evidence, Role
from transform.phases import evidence as evidence_store
from transform.phases import service
from transform.phases.forms import (
    ActivityForm,
    ConfirmForm,
    EvidenceForm,
    NewActivityForm,
    ToggleDoneForm,
    owner_id_or_none,
)
from transform.phases.loading import phase_or_404
from transform.phases.queries import activity_in_phase_or_none
from transform.phases.views import render_phase
from transform.versioning import StaleEdit, check_version

bp = login_blueprint(
    "activities", __name__, url_prefix="/programmes/<int:programme_id>/phases/<int:phase_id>"
)

STALE_MESSAGE = (
    "Someone changed this activity since you opened it. Its current state is shown; "
    "make your change again if it is still needed."
)


def _activity_or_404(programme_id, phase_id, activity_id, *roles, for_write=False):
    access, phase = phase_or_404(programme_id, phase_id, *roles, for_write=for_write)
    activity = activity_in_phase_or_none(phase, activity_id)
    if activity is None:
        abort(404)
    return access, phase, activity


def _row(access, activity, status: int = 200, message: str | None = None):
    return render_template(
        "phases/_activity.html",
        access=access,
        programme=access.programme,
        phase=activity.phase,
        activity=activity,
        today=clock.today(),
        message=message,
    ), status


@bp.get("/activities/<int:activity_id>")
def show(programme_id: int, phase_id: int, activity_id: int):
    access, _phase, activity = _activity_or_404(programme_id, phase_id, activity_id)
    if not is_htmx_request():
        return redirect(
            url_for(
                "phases.show",
                programme_id=programme_id,
                phase_id=phase_id,
                _anchor=f"activity-{activity.id}",
            )
        )
    return _row(access, activity)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
def update(programme_id: int, phase_id: int, activity_id: int):
    access, phase, activity = _activity_or_404(
        programme_id, phase_id, activity_id, Role.ADMIN, for_write=True
    )
    members = programme_members(access.programme)
    form = ActivityForm(access.programme, members, obj=activity, data={"done": activity.is_done})
    status = 200
    if form.validate_on_submit():
        try:
            check_version(activity, form.version.data)
        except StaleEdit:
            form = ActivityForm(
                access.programme,
                members,
                obj=activity,
                formdata=None,
                data={"done": activity.is_done},
            )
            form.form_errors.append(STALE_MESSAGE)
            status = 409
        else:
            service.update_activity(
                activity,
                owner_id_or_none(form.owner_id.data),
                form.due_on.data,
                form.notes.data or "",
                form.done.data,
                clock.today(),
            )
            if is_htmx_request():
                return _row(access, activity)
            flash(f"Saved {activity.name}.", "success")
            return redirect_after_post("phases.show", programme_id=programme_id, phase_id=phase_id)
    elif form.errors:
        status = 422
    template = "phases/_activity_form.html" if is_htmx_request() else "phases/edit_activity.html"
    return render_template(
        template,
        access=access,
        programme=access.programme,
        phase=phase,
        activity=activity,
        form=form,
        evidence_form=EvidenceForm(formdata=None),
        confirm_form=ConfirmForm(),
        inline=is_htmx_request(),
    ), status


@bp.post("/activities/<int:activity_id>/done")
def toggle(programme_id: int, phase_id: int, activity_id: int):
    access, _phase, activity = _activity_or_404(
        programme_id, phase_id, activity_id, Role.ADMIN, for_write=True
    )
    form = ToggleDoneForm()
    if not form.validate():
        abort(400)
    try:
        check_version(activity, form.version.data)
    except StaleEdit:
        if is_htmx_request():
            return _row(access, activity, 409, STALE_MESSAGE)
        flash(STALE_MESSAGE, "error")
    else:
        service.set_activity_done(activity, form.done.data, clock.today())
        if is_htmx_request():
            return _row(access, activity)
    return redirect(
        url_for(
            "phases.show",
            programme_id=programme_id,
            phase_id=phase_id,
            _anchor=f"activity-{activity.id}",
        ),
        code=303,
    )


@bp.post("/activities/new")
def create(programme_id: int, phase_id: int):
    access, phase = phase_or_404(programme_id, phase_id, Role.ADMIN, for_write=True)
    form = NewActivityForm(access.programme, programme_members(access.programme))
    if not form.validate():
        return render_phase(access, phase, 422, new_activity_form=form)
    activity = service.add_activity(
        phase,
        form.name.data,
        form.is_deliverable.data,
        owner_id_or_none(form.owner_id.data),
        form.due_on.data,
    )
    flash(f"Added {activity.name}.", "success")
    return redirect_after_post("phases.show", programme_id=programme_id, phase_id=phase_id)


@bp.post("/activities/<int:activity_id>/evidence")
def add_evidence(programme_id: int, phase_id: int, activity_id: int):
    access, phase, activity = _activity_or_404(
        programme_id, phase_id, activity_id, Role.ADMIN, for_write=True
    )
    form = EvidenceForm()
    if form.validate():
        try:
            if form.url.data:
                evidence_store.add_link(activity, form.title.data, form.url.data, current_user)
            else:
                evidence_store.add_file(
                    activity, form.title.data or "", form.file.data, current_user
                )
        except evidence_store.EvidenceRefused as error:
            db.session.rollback()
            form.file.errors.append(str(error))
        else:
            flash("Evidence added.", "success")
            return _back_to_evidence(programme_id, phase_id, activity_id)
    members = programme_members(access.programme)
    return render_template(
        "phases/edit_activity.html",
        access=access,
        programme=access.programme,
        phase=phase,
        activity=activity,
        evidence_form=form,
        confirm_form=ConfirmForm(),
        form=ActivityForm(
            access.programme, members, obj=activity, formdata=None, data={"done": activity.is_done}
        ),
    ), 422


def _back_to_evidence(programme_id: int, phase_id: int, activity_id: int):
    return redirect(
        url_for(
            "activities.update",
            programme_id=programme_id,
            phase_id=phase_id,
            activity_id=activity_id,
        ),
        code=303,
    )


def _evidence_or_404(activity, evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.activity_id != activity.id:
        abort(404)
    return evidence


@bp.get("/activities/<int:activity_id>/evidence/<int:evidence_id>")
def evidence_file(programme_id: int, phase_id: int, activity_id: int, evidence_id: int):
    _access, _phase, activity = _activity_or_404(programme_id, phase_id, activity_id)
    evidence = _evidence_or_404(activity, evidence_id)
    if evidence.stored_name is None:
        abort(404)
    response = send_file(
        evidence_store.stored_path(evidence),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.original_filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/activities/<int:activity_id>/evidence/<int:evidence_id>/remove")
def remove_evidence(programme_id: int, phase_id: int, activity_id: int, evidence_id: int):
    _access, _phase, activity = _activity_or_404(
        programme_id, phase_id, activity_id, Role.ADMIN, for_write=True
    )
    stored_file = evidence_store.remove(_evidence_or_404(activity, evidence_id), programme_id)
    if stored_file is not None:
        stored_file.unlink(missing_ok=True)
    flash("Evidence removed.", "success")
    return _back_to_evidence(programme_id, phase_id, activity_id)
