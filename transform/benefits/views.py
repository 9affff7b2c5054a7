"""The Benefits tab: the register with its roll-ups, an initiative's page, its forms."""

from flask import Response, abort, flash, render_template, request
from flask_login import current_user

from transform import clock
from transform.access import ProgrammeAccess, login_blueprint, programme_access_or_404
from transform.benefits import exporting, imports, queries, service
from transform.benefits.forms import (
    STALE_MESSAGE,
    FilterForm,
    InitiativeEditForm,
    InitiativeForm,
    StageForm,
    TargetForm,
    ValueForm,
)
from transform.benefits.queries import BenefitFilters
from transform.htmx import redirect_after_post, render_page_or_fragment
from transform.import_forms import UploadForm
from transform.import_problems import ImportRefused
from transform.memberships.queries import programme_members
from transform.models import Initiative, Role
from transform.teams.queries import impacted_teams

bp = login_blueprint("benefits", __name__, url_prefix="/programmes/<int:programme_id>/benefits")


def _initiative_or_404(programme_id: int, initiative_id: int) -> Initiative:
    initiative = queries.find_initiative(programme_id, initiative_id)
    if initiative is None:
        abort(404)
    return initiative


@bp.get("")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    form = FilterForm(queries.workstreams(programme_id), formdata=request.args)
    filters = form.filters()
    return render_page_or_fragment(
        "benefits/index.html",
        "benefits/_results.html",
        access=access,
        programme=access.programme,
        form=form,
        filters=filters,
        register=queries.register(access.programme, filters, clock.today()),
    )


@bp.get("/export.xlsx")
def export(programme_id: int):
    access = programme_access_or_404(programme_id)
    today = clock.today()
    register = queries.register(access.programme, BenefitFilters(), today)
    return Response(
        exporting.to_xlsx(access.programme, register),
        mimetype=exporting.XLSX_TYPE,
        headers={
            "Content-Disposition": "attachment; "
            f'filename="{exporting.filename(access.programme, today)}"'
        },
    )


@bp.route("/import", methods=["GET", "POST"])
def import_values(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    form = UploadForm()
    refused = None
    if form.validate_on_submit():
        try:
            count = imports.import_values(
                access.programme, form.filename(), form.file.data.read(), current_user.id
            )
        except ImportRefused as error:
            refused = error
        else:
            flash(f"Imported {count} value{'' if count == 1 else 's'}.", "success")
            return redirect_after_post("benefits.index", programme_id=programme_id)
    status = 422 if form.errors or refused else 200
    page = render_template(
        "benefits/import_values.html", access=access, form=form, refused=refused
    )
    return page, status


@bp.route("/new", methods=["GET", "POST"])
def create(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    form = InitiativeForm(*_choices(access))
    if form.validate_on_submit():
        initiative = service.create_initiative(access.programme, form.draft())
        flash(f"Added “{initiative.name}” at L0.", "success")
        return redirect_after_post(
            "benefits.show", programme_id=programme_id, initiative_id=initiative.id
        )
    status = 422 if form.errors else 200
    return render_template("benefits/create.html", access=access, form=form), status


@bp.route("/<int:initiative_id>/edit", methods=["GET", "POST"])
def update(programme_id: int, initiative_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    initiative = _initiative_or_404(programme_id, initiative_id)
    form = InitiativeEditForm(*_choices(access), obj=initiative)
    if request.method == "GET":
        form.team_ids.data = [team.id for team in initiative.teams]
    if form.is_submitted() and form.is_stale(initiative.version):
        form.form_errors.append(STALE_MESSAGE)
        page = render_template(
            "benefits/update.html", access=access, form=form, initiative=initiative
        )
        return page, 409
    if form.validate_on_submit():
        service.update_initiative(initiative, form.draft())
        flash(f"Saved “{initiative.name}”.", "success")
        return redirect_after_post(
            "benefits.show", programme_id=programme_id, initiative_id=initiative.id
        )
    status = 422 if form.errors else 200
    return render_template(
        "benefits/update.html", access=access, form=form, initiative=initiative
    ), status


@bp.get("/<int:initiative_id>")
def show(programme_id: int, initiative_id: int):
    access = programme_access_or_404(programme_id)
    initiative = _initiative_or_404(programme_id, initiative_id)
    return _show(access, initiative)


@bp.post("/<int:initiative_id>/stage")
def move(programme_id: int, initiative_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, Role.FINANCE, for_write=True)
    initiative = _initiative_or_404(programme_id, initiative_id)
    form = StageForm()
    if form.validate_on_submit():
        try:
            service.move_stage(
                initiative, form.stage.data, access.role, current_user.id, form.reason.data or ""
            )
        except service.Refused as refusal:
            for field, message in refusal.errors.items():
                form[field].errors.append(message)
        else:
            flash(f"Moved “{initiative.name}” to {initiative.stage.label}.", "success")
            return _back_to(initiative)
    return _show(access, initiative, stage_form=form), 422


@bp.post("/<int:initiative_id>/values")
def record_value(programme_id: int, initiative_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    initiative = _initiative_or_404(programme_id, initiative_id)
    form = ValueForm()
    if form.validate_on_submit():
        try:
            service.record_value(initiative, form.draft(), current_user.id)
        except service.Refused as refusal:
            for field, message in refusal.errors.items():
                form[field].errors.append(message)
        else:
            flash("Value recorded.", "success")
            return _back_to(initiative)
    return _show(access, initiative, value_form=form), 422


@bp.post("/<int:initiative_id>/confirm")
def confirm_actuals(programme_id: int, initiative_id: int):
    programme_access_or_404(programme_id, Role.FINANCE, for_write=True)
    initiative = _initiative_or_404(programme_id, initiative_id)
    count = service.confirm_actuals(initiative, current_user.id)
    flash(f"Confirmed {count} actual{'' if count == 1 else 's'}.", "success")
    return _back_to(initiative)


@bp.route("/target", methods=["GET", "POST"])
def target(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    form = TargetForm(obj=access.programme)
    if form.validate_on_submit():
        service.set_value_target(access.programme, form.currency.data, form.value_target.data)
        flash("Saved the value target.", "success")
        return redirect_after_post("benefits.index", programme_id=programme_id)
    status = 422 if form.errors else 200
    return render_template("benefits/target.html", access=access, form=form), status


def _show(access: ProgrammeAccess, initiative: Initiative, stage_form=None, value_form=None):
    latest = queries.latest_adoption(access.programme, clock.today())
    return render_template(
        "benefits/show.html",
        access=access,
        programme=access.programme,
        initiative=initiative,
        values=queries.initiative_values(initiative),
        people=queries.people_beside_value(initiative, latest),
        stage_form=stage_form or StageForm(formdata=None, stage=initiative.stage.following),
        value_form=value_form or ValueForm(formdata=None),
    )


def _back_to(initiative: Initiative):
    return redirect_after_post(
        "benefits.show", programme_id=initiative.programme_id, initiative_id=initiative.id
    )


def _choices(access: ProgrammeAccess) -> tuple:
    programme = access.programme
    return (
        programme_members(programme.id),
        queries.phases(programme.id),
        impacted_teams(programme),
    )
