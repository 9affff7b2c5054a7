"""A KPI's life: add from the library or from scratch, plan, enter actuals, re-baseline."""

from flask import abort, flash, render_template, request
from flask_login import current_user

from transform import clock
from transform.access import ProgrammeAccess, login_blueprint, programme_access_or_404
from transform.htmx import is_htmx_request, redirect_after_post
from transform.kpis import service
from transform.kpis.forms import (
    CUSTOM,
    NO_PLAN,
    NOBODY,
    ActualForm,
    CheckpointForm,
    ConfirmForm,
    EditKpiForm,
    NewKpiForm,
    PlanForm,
)
from transform.kpis.loading import checkpoint_or_404, kpi_or_404
from transform.kpis.page import kpi_page
from transform.kpis.queries import scorecard
from transform.memberships.queries import programme_members
from transform.models import Direction, Kpi, Perspective, Role
from transform.scoring.kpi import Shape
from transform.seeds import KPI_LIBRARY, kpi_definition
from transform.teams.queries import impacted_teams

bp = login_blueprint("kpis", __name__, url_prefix="/programmes/<int:programme_id>/kpis")

STALE_MESSAGE = (
    "Someone changed this KPI since you opened it. Its current values are shown; "
    "make your change again if it is still needed."
)


@bp.get("/")
def index(programme_id: int):
    """The programme's balanced scorecard: every KPI by perspective with its status."""
    access = programme_access_or_404(programme_id)
    return render_template(
        "kpis/index.html",
        access=access,
        programme=access.programme,
        card=scorecard(access.programme),
    )


@bp.route("/new", methods=["GET", "POST"])
def new(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    programme = access.programme
    form = NewKpiForm(
        impacted_teams(programme),
        programme_members(programme),
        data={
            "baseline_on": programme.starts_on,
            "target_on": programme.ends_on,
            **_library_defaults(),
        },
    )
    status = 200
    if request.method == "POST" and form.validate():
        shape = Shape(form.plan_shape.data) if form.plan_shape.data != NO_PLAN else None
        kpi = service.create_kpi(programme, _draft(form), shape, form.plan_every.data)
        flash(f"Added {kpi.name}.", "success")
        return redirect_after_post("kpis.show", programme_id=programme_id, kpi_id=kpi.id)
    if form.errors:
        status = 422
    return render_template(
        "kpis/new.html", access=access, programme=programme, form=form, library=KPI_LIBRARY
    ), status


@bp.get("/<int:kpi_id>")
def show(programme_id: int, kpi_id: int):
    access, kpi = kpi_or_404(programme_id, kpi_id)
    return _render_show(access, kpi)


@bp.route("/<int:kpi_id>/edit", methods=["GET", "POST"])
def edit(programme_id: int, kpi_id: int):
    access, kpi = kpi_or_404(programme_id, kpi_id, Role.ADMIN, for_write=True)
    form = _edit_form(access, kpi)
    status = 200
    if request.method == "POST":
        if not form.validate():
            status = 422
        elif form.version.data != kpi.version:
            form = _edit_form(access, kpi, formdata=None)
            form.form_errors.append(STALE_MESSAGE)
            status = 409
        else:
            changed = service.update_kpi(kpi, _draft(form), form.reason.data or "")
            flash(f"Saved {kpi.name}." if changed else "Nothing changed.", "success")
            return redirect_after_post("kpis.show", programme_id=programme_id, kpi_id=kpi_id)
    return render_template(
        "kpis/edit.html", access=access, programme=access.programme, kpi=kpi, form=form
    ), status


@bp.post("/<int:kpi_id>/plan")
def plan(programme_id: int, kpi_id: int):
    access, kpi = kpi_or_404(programme_id, kpi_id, Role.ADMIN, for_write=True)
    form = PlanForm(kpi)
    if not form.validate():
        return _render_show(access, kpi, 422, plan_form=form)
    service.plan_kpi(kpi, Shape(form.shape.data), form.every.data, form.reason.data or "")
    flash("Planned values set.", "success")
    return redirect_after_post("kpis.show", programme_id=programme_id, kpi_id=kpi_id)


@bp.post("/<int:kpi_id>/checkpoints")
def add_checkpoint(programme_id: int, kpi_id: int):
    access, kpi = _kpi_for_actuals(programme_id, kpi_id)
    form = CheckpointForm(kpi, taken_dates=[c.on_date for c in kpi.checkpoints])
    if not form.validate():
        return _render_show(access, kpi, 422, checkpoint_form=form)
    service.add_checkpoint(kpi, form.on_date.data, form.planned_value.data, form.actual_value.data)
    flash("Checkpoint added.", "success")
    return redirect_after_post("kpis.show", programme_id=programme_id, kpi_id=kpi_id)


@bp.route("/<int:kpi_id>/checkpoints/<int:checkpoint_id>", methods=["GET", "POST"])
def actual(programme_id: int, kpi_id: int, checkpoint_id: int):
    """The inline edit of a checkpoint's actual: GET the field, POST it back."""
    access, kpi = _kpi_for_actuals(programme_id, kpi_id)
    checkpoint = checkpoint_or_404(kpi, checkpoint_id)
    form = ActualForm(kpi, obj=checkpoint)
    if request.method == "GET":
        if not is_htmx_request():
            return _render_show(access, kpi, editing=checkpoint.id, actual_form=form)
        return _checkpoint_row(
            access, kpi, checkpoint.id, None if request.args.get("cancel") else form
        )
    if not form.validate():
        return _checkpoint_row(access, kpi, checkpoint.id, form, status=422)
    if form.version.data != checkpoint.version:
        form = ActualForm(kpi, obj=checkpoint, formdata=None)
        return _checkpoint_row(access, kpi, checkpoint.id, form, STALE_MESSAGE, 409)
    service.set_actual(checkpoint, form.actual_value.data)
    if not is_htmx_request():
        flash("Actual saved.", "success")
        return redirect_after_post("kpis.show", programme_id=programme_id, kpi_id=kpi_id)
    return _checkpoint_row(access, kpi, checkpoint.id, None, with_summary=True)


@bp.post("/<int:kpi_id>/checkpoints/<int:checkpoint_id>/delete")
def delete_checkpoint(programme_id: int, kpi_id: int, checkpoint_id: int):
    access, kpi = kpi_or_404(programme_id, kpi_id, Role.ADMIN, for_write=True)
    checkpoint = checkpoint_or_404(kpi, checkpoint_id)
    if not ConfirmForm().validate():
        abort(400)
    if checkpoint.locked_planned_value is not None:
        flash("A checkpoint planned at lock stays: its plan is part of the baseline.", "error")
    else:
        service.delete_checkpoint(checkpoint)
        flash("Checkpoint deleted.", "success")
    return redirect_after_post("kpis.show", programme_id=programme_id, kpi_id=kpi_id)


@bp.post("/<int:kpi_id>/delete")
def delete(programme_id: int, kpi_id: int):
    access, kpi = kpi_or_404(programme_id, kpi_id, Role.ADMIN, for_write=True)
    if not ConfirmForm().validate():
        abort(400)
    name = kpi.name
    service.delete_kpi(kpi)
    flash(f"Deleted {name}.", "success")
    return redirect_after_post("kpis.index", programme_id=programme_id)


def _kpi_for_actuals(programme_id: int, kpi_id: int) -> tuple[ProgrammeAccess, Kpi]:
    """PMO admins and the KPI's owner enter actuals."""
    access, kpi = kpi_or_404(programme_id, kpi_id, for_write=True)
    if not (access.is_admin or kpi.owner_id == current_user.id):
        abort(403)
    return access, kpi


def _render_show(access: ProgrammeAccess, kpi: Kpi, status: int = 200, **forms):
    may_enter = access.is_admin or kpi.owner_id == current_user.id
    context = {
        "plan_form": PlanForm(kpi, formdata=None),
        "checkpoint_form": CheckpointForm(kpi, formdata=None),
        "actual_form": None,
        "editing": None,
        **forms,
    }
    return render_template(
        "kpis/show.html",
        access=access,
        programme=access.programme,
        kpi=kpi,
        page=kpi_page(access.programme, kpi, clock.today()),
        may_enter=may_enter and not access.programme.is_archived,
        confirm_form=ConfirmForm(),
        **context,
    ), status


def _checkpoint_row(
    access: ProgrammeAccess,
    kpi: Kpi,
    checkpoint_id: int,
    form: ActualForm | None,
    message: str | None = None,
    status: int = 200,
    with_summary: bool = False,
):
    """One checkpoint's row; after a save, the KPI's figures and chart out of band too."""
    page = kpi_page(access.programme, kpi, clock.today())
    row = next(row for row in page.rows if row.checkpoint_id == checkpoint_id)
    return render_template(
        "kpis/_checkpoint_row_response.html",
        access=access,
        programme=access.programme,
        kpi=kpi,
        page=page,
        row=row,
        form=form,
        message=message,
        may_enter=True,
        confirm_form=ConfirmForm(),
        oob=with_summary,
    ), status


def _library_defaults() -> dict:
    """The form's starting values: the chosen library KPI's definition, if any."""
    key = request.values.get("library", CUSTOM)
    if key == CUSTOM or key not in {d.key for d in KPI_LIBRARY}:
        return {"direction": Direction.HIGHER_IS_BETTER.value}
    definition = kpi_definition(key)
    return {
        "library": key,
        "name": definition.name,
        "description": definition.description,
        "unit": definition.unit,
        "direction": definition.direction.value,
        "perspective": definition.perspective.value,
        "min_value": definition.min_value,
        "max_value": definition.max_value,
    }


def _edit_form(access: ProgrammeAccess, kpi: Kpi, **kwargs) -> EditKpiForm:
    programme = access.programme
    data = {name: getattr(kpi, name) for name in service.DEFINITION_FIELDS}
    data |= {
        "team_id": kpi.team_id or NOBODY,
        "owner_id": kpi.owner_id or NOBODY,
        "direction": kpi.direction.value,
        "perspective": kpi.perspective.value,
        "at_risk_points": _points(kpi.at_risk_tolerance),
        "off_track_points": _points(kpi.off_track_tolerance),
        "version": kpi.version,
    }
    return EditKpiForm(
        kpi, impacted_teams(programme), programme_members(programme), data=data, **kwargs
    )


def _points(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 4)


def _fraction(points: float | None) -> float | None:
    return None if points is None else points / 100


def _draft(form) -> service.KpiDraft:
    return service.KpiDraft(
        name=form.name.data.strip(),
        description=(form.description.data or "").strip(),
        unit=form.unit.data.strip(),
        direction=Direction(form.direction.data),
        perspective=Perspective(form.perspective.data),
        team_id=form.team_id.data or None,
        owner_id=form.owner_id.data or None,
        baseline_value=form.baseline_value.data,
        baseline_on=form.baseline_on.data,
        target_value=form.target_value.data,
        target_on=form.target_on.data,
        min_value=form.min_value.data,
        max_value=form.max_value.data,
        at_risk_tolerance=_fraction(form.at_risk_points.data),
        off_track_tolerance=_fraction(form.off_track_points.data),
    )
