from flask import abort, flash, g, redirect, render_template, request, url_for

from transform.access import login_blueprint, may_edit_shared_content, programme_access_or_404
from transform.extensions import db
from transform.htmx import is_htmx_request, render_page_or_fragment
from transform.methodologies import service
from transform.methodologies.forms import (
    ActivityForm,
    CriterionForm,
    PhaseForm,
    TemplateForm,
    evaluated_from,
)
from transform.models import (
    GateCriterionKind,
    MethodologyTemplate,
    Role,
    TemplateActivity,
    TemplateGateCriterion,
    TemplatePhase,
)
from transform.request_transaction import keep_nothing

bp = login_blueprint("methodologies", __name__, url_prefix="/methodologies")

MOVES = {"up": -1, "down": 1}


def can_edit_templates() -> bool:
    """Site administrators and the PMO admins of any programme create and edit templates."""
    if "can_edit_templates" not in g:
        g.can_edit_templates = may_edit_shared_content()
    return g.can_edit_templates


def _require_editor() -> None:
    if not can_edit_templates():
        abort(403, description="Only site administrators and PMO admins change templates.")


def _template_or_404(template_id: int, editing: bool = False) -> MethodologyTemplate:
    """The template, 404 if missing; with editing, 403 unless an editor may change it."""
    template = service.load_template(template_id)
    if template is None:
        abort(404)
    if editing:
        _require_editor()
        if template.is_builtin:
            abort(403, description="Built-in templates are read-only. Copy one to change it.")
    return template


def _part_or_404(model, record_id: int, template: MethodologyTemplate):
    """A phase, activity or criterion of this template; 404 for another template's."""
    record = db.session.get(model, record_id)
    phase = (
        record.phase if isinstance(record, TemplateActivity | TemplateGateCriterion) else record
    )
    if phase is None or phase.template_id != template.id:
        abort(404)
    return record


@bp.context_processor
def template_helpers():
    return {
        "can_edit_templates": can_edit_templates,
        "evaluated_from": evaluated_from,
    }


def _render_show(template, bound: dict | None = None, open_form: str | None = None, status=200):
    """The template page, or for htmx its phase list, with a form wherever one may edit."""
    editable = not template.is_builtin and can_edit_templates()
    forms = {}
    if editable:
        forms["phase"] = PhaseForm(formdata=None, prefix="phase")
        for phase in template.phases:
            for name, form_class in (("activity", ActivityForm), ("criterion", CriterionForm)):
                key = f"{name}-{phase.id}"
                forms[key] = form_class(formdata=None, prefix=key)
        forms.update(bound or {})
    page = render_page_or_fragment(
        "methodologies/show.html",
        "methodologies/_phases.html",
        template=template,
        programme_count=service.programme_count(template),
        editable=editable,
        forms=forms,
        open_form=open_form,
    )
    return page, status


def _edited(template: MethodologyTemplate, open_form: str | None = None, anchor="phases"):
    """After a change: the fresh phase list for htmx, a 303 back to the page otherwise."""
    if is_htmx_request():
        return _render_show(template, open_form=open_form)
    return redirect(url_for("methodologies.show", template_id=template.id, _anchor=anchor), 303)


@bp.get("/")
def index():
    return render_template("methodologies/index.html", summaries=service.template_summaries())


@bp.get("/<int:template_id>")
def show(template_id: int):
    return _render_show(_template_or_404(template_id))


@bp.route("/new", methods=["GET", "POST"])
def create():
    _require_editor()
    form = TemplateForm()
    if form.validate_on_submit():
        template = service.create_template(form.name.data, form.description.data or "")
        flash(f"Created {template.name}. Now add its phases.", "success")
        return redirect(url_for("methodologies.show", template_id=template.id), code=303)
    return render_template("methodologies/create.html", form=form), 422 if form.errors else 200


@bp.post("/<int:template_id>/copy")
def copy(template_id: int):
    source = _template_or_404(template_id)
    _require_editor()
    template = service.copy_template(source)
    flash(f"Copied {source.name} to {template.name}; this copy is yours to change.", "success")
    return redirect(url_for("methodologies.show", template_id=template.id), code=303)


@bp.route("/from-programme/<int:programme_id>", methods=["GET", "POST"])
def from_programme(programme_id: int):
    programme = programme_access_or_404(programme_id, Role.ADMIN).programme
    form = TemplateForm(name=service.unique_name(f"{programme.name} method"))
    if form.validate_on_submit():
        template = service.template_from_programme(
            programme, form.name.data, form.description.data or ""
        )
        flash(f"Saved the phases of {programme.name} as {template.name}.", "success")
        return redirect(url_for("methodologies.show", template_id=template.id), code=303)
    status = 422 if form.errors else 200
    return render_template(
        "methodologies/from_programme.html", form=form, programme=programme
    ), status


@bp.post("/<int:template_id>/delete")
def delete(template_id: int):
    template = _template_or_404(template_id, editing=True)
    name = template.name
    try:
        service.delete_template(template)
    except service.TemplateError as error:
        keep_nothing()
        flash(str(error), "error")
        return redirect(url_for("methodologies.show", template_id=template.id), code=303)
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("methodologies.index"), code=303)


@bp.post("/<int:template_id>/phases")
def add_phase(template_id: int):
    template = _template_or_404(template_id, editing=True)
    form = PhaseForm(prefix="phase")
    if not form.validate_on_submit():
        return _render_show(template, {"phase": form}, status=422)
    phase = service.add_phase(
        template, form.name.data, form.description.data or "", form.duration_weeks.data
    )
    return _edited(template, anchor=f"phase-{phase.id}")


@bp.post("/<int:template_id>/phases/<int:phase_id>/remove")
def remove_phase(template_id: int, phase_id: int):
    template = _template_or_404(template_id, editing=True)
    service.remove_phase(_part_or_404(TemplatePhase, phase_id, template))
    return _edited(template)


@bp.post("/<int:template_id>/phases/<int:phase_id>/move")
def move_phase(template_id: int, phase_id: int):
    template = _template_or_404(template_id, editing=True)
    phase = _part_or_404(TemplatePhase, phase_id, template)
    if request.form.get("direction") not in MOVES:
        abort(400)
    service.move_phase(phase, MOVES[request.form["direction"]])
    return _edited(template, anchor=f"phase-{phase.id}")


@bp.post("/<int:template_id>/phases/<int:phase_id>/activities")
def add_activity(template_id: int, phase_id: int):
    template = _template_or_404(template_id, editing=True)
    phase = _part_or_404(TemplatePhase, phase_id, template)
    key = f"activity-{phase.id}"
    form = ActivityForm(prefix=key)
    if not form.validate_on_submit():
        return _render_show(template, {key: form}, status=422)
    service.add_activity(phase, form.name.data, form.is_deliverable.data)
    return _edited(template, open_form=key, anchor=f"phase-{phase.id}")


@bp.post("/<int:template_id>/activities/<int:activity_id>/remove")
def remove_activity(template_id: int, activity_id: int):
    template = _template_or_404(template_id, editing=True)
    activity = _part_or_404(TemplateActivity, activity_id, template)
    anchor = f"phase-{activity.phase_id}"
    service.remove_activity(activity)
    return _edited(template, anchor=anchor)


@bp.post("/<int:template_id>/phases/<int:phase_id>/criteria")
def add_criterion(template_id: int, phase_id: int):
    template = _template_or_404(template_id, editing=True)
    phase = _part_or_404(TemplatePhase, phase_id, template)
    key = f"criterion-{phase.id}"
    form = CriterionForm(prefix=key)
    if not form.validate_on_submit():
        return _render_show(template, {key: form}, status=422)
    kind = GateCriterionKind(form.kind.data)
    service.add_criterion(phase, form.text.data, kind, form.threshold.data)
    return _edited(template, open_form=key, anchor=f"phase-{phase.id}")


@bp.post("/<int:template_id>/criteria/<int:criterion_id>/remove")
def remove_criterion(template_id: int, criterion_id: int):
    template = _template_or_404(template_id, editing=True)
    criterion = _part_or_404(TemplateGateCriterion, criterion_id, template)
    anchor = f"phase-{criterion.phase_id}"
    service.remove_criterion(criterion)
    return _edited(template, anchor=anchor)
