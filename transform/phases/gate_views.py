"""The stage gate of a phase: criteria, submission by the PMO, decision by a sponsor."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from transform import clock
from transform.access import login_blueprint
from transform.htmx import is_htmx_request, redirect_after_post
from transform.models import GateDecisionKind, IllegalTransition, Role
from transform.phases import service
from transform.phases.criteria import evaluate_criteria
from transform.phases.forms import ConfirmForm, CriterionForm, GateDecisionForm, GateSubmitForm
from transform.phases.loading import phase_or_404
from transform.phases.queries import criterion_in_gate_or_none
from transform.phases.views import render_phase
from transform.request_transaction import keep_nothing
from transform.versioning import StaleEdit, check_version

bp = login_blueprint(
    "gates", __name__, url_prefix="/programmes/<int:programme_id>/phases/<int:phase_id>/gate"
)


def _gate_or_404(programme_id: int, phase_id: int, *roles: Role):
    access, phase = phase_or_404(programme_id, phase_id, *roles, for_write=True)
    if phase.gate is None:
        abort(404)
    return access, phase


def _gate_partial(access, phase, status: int = 200, message: str | None = None):
    return render_template(
        "phases/_gate.html",
        access=access,
        programme=access.programme,
        phase=phase,
        criteria=evaluate_criteria(access.programme, phase.gate.criteria),
        decision_form=GateDecisionForm(formdata=None),
        confirm_form=ConfirmForm(),
        gate_message=message,
        today=clock.today(),
    ), status


def _back_to_phase(programme_id: int, phase_id: int):
    return redirect(
        url_for("phases.show", programme_id=programme_id, phase_id=phase_id, _anchor="gate"),
        code=303,
    )


@bp.post("/criteria/<int:criterion_id>")
def tick(programme_id: int, phase_id: int, criterion_id: int):
    access, phase = _gate_or_404(programme_id, phase_id, Role.ADMIN)
    criterion = criterion_in_gate_or_none(phase.gate, criterion_id)
    if criterion is None:
        abort(404)
    form = CriterionForm()
    if not form.validate():
        abort(400)
    message = None
    status = 200
    try:
        check_version(criterion, form.version.data)
        service.set_criterion_met(criterion, form.is_met.data, programme_id)
    except StaleEdit:
        message, status = "Someone changed this criterion since you opened it.", 409
    except IllegalTransition as error:
        message, status = str(error), 422
    if is_htmx_request():
        return _gate_partial(access, phase, status, message)
    if message:
        keep_nothing()
        flash(message, "error")
    return _back_to_phase(programme_id, phase_id)


@bp.post("/submit")
def submit(programme_id: int, phase_id: int):
    access, phase = _gate_or_404(programme_id, phase_id, Role.ADMIN)
    form = GateSubmitForm()
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400)
        flash(f"Recommended option: {form.recommendation.errors[0]}", "error")
        return _back_to_phase(programme_id, phase_id)
    try:
        service.submit_gate(phase.gate, current_user, programme_id, form.recommendation.data)
    except IllegalTransition as error:
        keep_nothing()
        flash(str(error), "error")
    else:
        flash(f"The {phase.name} gate is with the sponsors for decision.", "success")
    return _back_to_phase(programme_id, phase_id)


@bp.post("/decide")
def decide(programme_id: int, phase_id: int):
    access, phase = phase_or_404(programme_id, phase_id, for_write=True)
    if not access.is_sponsor:
        abort(403, description="Only a sponsor of this programme can decide its stage gates.")
    if phase.gate is None:
        abort(404)
    form = GateDecisionForm()
    if not form.validate():
        return render_phase(access, phase, 422, decision_form=form)
    decision = GateDecisionKind(form.decision.data)
    try:
        service.decide_gate(phase.gate, decision, current_user, form.reason.data, programme_id)
    except IllegalTransition as error:
        return render_phase(access, phase, 422, gate_message=str(error))
    flash(f"Gate {decision.value}: {phase.name}.", "success")
    return redirect_after_post("phases.show", programme_id=programme_id, phase_id=phase_id)
