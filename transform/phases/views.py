from flask import flash, render_template

from transform import clock
from transform.access import login_blueprint, programme_access_or_404
from transform.extensions import db
from transform.htmx import redirect_after_post
from transform.memberships.queries import programme_members
from transform.models import IllegalTransition, PhaseStatus, Role
from transform.phases import service
from transform.phases.criteria import evaluate_criteria
from transform.phases.forms import (
    ConfirmForm,
    GateDecisionForm,
    NewActivityForm,
    PhaseForm,
    owner_id_or_none,
)
from transform.phases.loading import phase_or_404
from transform.phases.queries import phase_summaries
from transform.phases.timeline import timeline_svg
from transform.versioning import StaleEdit, check_version

bp = login_blueprint("phases", __name__, url_prefix="/programmes/<int:programme_id>/phases")


@bp.get("/")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    summaries = phase_summaries(access.programme, clock.today())
    return render_template(
        "phases/index.html", access=access, programme=access.programme, summaries=summaries
    )


@bp.get("/timeline")
def timeline(programme_id: int):
    access = programme_access_or_404(programme_id)
    today = clock.today()
    summaries = phase_summaries(access.programme, today)
    return render_template(
        "phases/timeline.html",
        access=access,
        programme=access.programme,
        summaries=summaries,
        chart=timeline_svg(access.programme, summaries, today),
        today=today,
    )


@bp.get("/<int:phase_id>")
def show(programme_id: int, phase_id: int):
    access, phase = phase_or_404(programme_id, phase_id)
    return render_phase(access, phase)


def render_phase(access, phase, status: int = 200, **forms):
    """The phase page, with any form that failed validation in place of a fresh one."""
    members = programme_members(access.programme)
    results = evaluate_criteria(access.programme, phase.gate.criteria) if phase.gate else []
    page = render_template(
        "phases/show.html",
        access=access,
        programme=access.programme,
        phase=phase,
        members=members,
        criteria=results,
        today=clock.today(),
        new_activity_form=forms.get("new_activity_form")
        or NewActivityForm(access.programme, members, formdata=None),
        decision_form=forms.get("decision_form") or GateDecisionForm(formdata=None),
        gate_message=forms.get("gate_message"),
        confirm_form=ConfirmForm(),
    )
    return page, status


@bp.route("/<int:phase_id>/edit", methods=["GET", "POST"])
def update(programme_id: int, phase_id: int):
    access, phase = phase_or_404(programme_id, phase_id, Role.ADMIN, for_write=True)
    today = clock.today()
    form = PhaseForm(access.programme, programme_members(access.programme), today, obj=phase)
    status = 200
    if form.validate_on_submit():
        try:
            check_version(phase, form.version.data)
            service.update_phase(phase, _phase_changes(form), today)
        except StaleEdit:
            db.session.rollback()
            form.form_errors.append(
                "Someone changed this phase since you opened it. Reload to see their "
                "changes, then make yours again."
            )
            status = 409
        except IllegalTransition as error:
            db.session.rollback()
            form.status.errors.append(str(error))
            status = 422
        else:
            flash(f"Saved {phase.name}.", "success")
            return redirect_after_post("phases.show", programme_id=programme_id, phase_id=phase_id)
    elif form.errors:
        status = 422
    return render_template(
        "phases/update.html", access=access, programme=access.programme, phase=phase, form=form
    ), status


def _phase_changes(form: PhaseForm) -> service.PhaseChanges:
    return service.PhaseChanges(
        name=form.name.data,
        owner_id=owner_id_or_none(form.owner_id.data),
        planned_start=form.planned_start.data,
        planned_end=form.planned_end.data,
        actual_start=form.actual_start.data,
        actual_end=form.actual_end.data,
        status=PhaseStatus(form.status.data),
    )
