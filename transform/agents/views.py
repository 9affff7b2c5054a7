from datetime import date

from flask import abort, flash, render_template, request
from flask_wtf import FlaskForm

from transform import clock
from transform.access import ProgrammeAccess, login_blueprint, programme_access_or_404
from transform.agents import queries, service
from transform.agents.forms import AssignForm, already_assigned
from transform.agents.queries import CoveragePage
from transform.htmx import redirect_after_post
from transform.models import Role
from transform.scoring.coverage import QUIET_AFTER_DAYS

bp = login_blueprint("agents", __name__, url_prefix="/programmes/<int:programme_id>/agents")


@bp.get("")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    today = clock.today()
    page = queries.coverage_page(access.programme, today)
    form = AssignForm(page, data={"team_id": request.args.get("team_id", type=int)})
    return _render_index(access, page, form, today)


@bp.post("/assignments")
def assign(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    today = clock.today()
    page = queries.coverage_page(access.programme, today)
    form = AssignForm(page)
    if form.validate_on_submit():
        try:
            service.assign(access.programme, form.agent_id.data, form.team_id.data, today)
        except service.AlreadyAssigned:
            form.team_id.errors.append(str(already_assigned(form)))
        else:
            agent, team = page.agents[form.agent_id.data], page.teams[form.team_id.data].name
            flash(f"{agent} now covers {team}.", "success")
            return redirect_after_post("agents.index", programme_id=programme_id)
    return _render_index(access, page, form, today, status=422)


@bp.post("/assignments/<int:assignment_id>/delete")
def unassign(programme_id: int, assignment_id: int):
    programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    assignment = queries.find_assignment(programme_id, assignment_id)
    if assignment is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    agent, team = assignment.user.name, assignment.team.name
    service.unassign(assignment)
    flash(f"{agent} no longer covers {team}.", "success")
    return redirect_after_post("agents.index", programme_id=programme_id)


def _render_index(
    access: ProgrammeAccess, page: CoveragePage, form: AssignForm, today: date, status=200
):
    return render_template(
        "agents/index.html",
        access=access,
        programme=access.programme,
        page=page,
        form=form,
        today=today,
        quiet_after_days=QUIET_AFTER_DAYS,
    ), status
